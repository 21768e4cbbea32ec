// Herald's outbox on SQLite: enqueue and claim + complete rates, end-to-end delivery into an SMTP
// sink, and 2FA latency while a queue of report mails drains.
//
//   OutboxBench store   --count N --durability full|normal
//   OutboxBench accept  --count N --durability full|normal --producers P   (group commit)
//   OutboxBench e2e     --port P --count N --workers W
//   OutboxBench latency --port P --count N --workers W [--probes 100]
import Clocks
import Delivery
import Foundation
import Mail
import SMTP
import Store

let options: [String: String] = {
    var options: [String: String] = [:]
    var args = CommandLine.arguments.dropFirst(2)
    while let key = args.popFirst(), key.hasPrefix("--"), let value = args.popFirst() { options[String(key.dropFirst(2))] = value }
    return options
}()
let mode = CommandLine.arguments.dropFirst().first ?? ""
let count = options["count"].flatMap(Int.init) ?? 10_000
let durability = Store.Durability(rawValue: options["durability"] ?? "full") ?? .full

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

func freshStore(_ durability: Store.Durability) throws -> (Store, URL) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bench-\(UUID().uuidString)")
    return (try Store(path: dir.appendingPathComponent("h.sqlite").path, durability: durability), dir)
}

let body = String(repeating: String(repeating: "x", count: 71) + "\n", count: 140)  // about 10 KB
func mail(_ i: Int, kind: MailKind = .report) throws -> NewMail {
    var m = MailMessage(from: try Mailbox(parsing: "bench@example.com"))
    m.to = [try Mailbox(parsing: "sink@example.com")]
    m.subject = "\(kind.rawValue) \(i)"
    m.text = body
    let e = try MessageWriter().encode(m)
    return NewMail(tenantID: "t\(i % 100)", kind: kind, message: Data(e.bytes), messageID: e.messageID,
                   subject: m.subject, mailFrom: e.mailFrom, recipients: e.recipients)
}

let sinkPort = Int(options["port"] ?? "") ?? 25
func sinkSettings() -> SMTPSettings {
    SMTPSettings(host: "127.0.0.1", port: sinkPort, tls: .none, ehloName: "bench.herald.test")
}

switch mode {
case "store":
    let (store, dir) = try freshStore(durability)
    defer { try? FileManager.default.removeItem(at: dir) }
    let mails = try (0..<count).map { try mail($0) }
    var clock = ContinuousClock.now
    for m in mails { _ = try await store.enqueue(m, now: Date()) }
    let enqueue = seconds(ContinuousClock.now - clock)
    clock = ContinuousClock.now
    var done = 0
    var claiming = Duration.zero
    while true {
        let start = ContinuousClock.now
        let claimed = try await store.claim(owner: "bench", now: Date(), lease: 300, limit: 16)
        claiming += ContinuousClock.now - start
        if claimed.isEmpty { break }
        for c in claimed {
            try await store.complete(AttemptResult(outboxID: c.entry.id!, leaseOwner: "bench", at: Date(),
                                             recipients: c.pendingRecipients.map { .init(address: $0, outcome: .accepted, replyCode: 250, replyText: "ok") },
                                             queueID: "Q", retryAt: nil))
            done += 1
        }
    }
    let claim = seconds(ContinuousClock.now - clock)
    print(String(format: "herald store %@: enqueue %.0f/s, claim+complete %.0f/s (%d entries; %.0f %% of it in claims)",
                 durability.rawValue, Double(count) / enqueue, Double(done) / claim, done, 100 * seconds(claiming) / claim))

case "accept":
    // P producers accept mails at once, as the service's 2FA, alert and report paths do: their
    // acceptances share transactions and flushes, and each hears back only after its commit.
    let producers = options["producers"].flatMap(Int.init) ?? 16
    let (store, dir) = try freshStore(durability)
    defer { try? FileManager.default.removeItem(at: dir) }
    let mails = try (0..<count).map { try mail($0) }
    let clock = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for p in 0..<producers {
            group.addTask {
                for i in stride(from: p, to: mails.count, by: producers) { _ = try await store.enqueue(mails[i], now: Date()) }
            }
        }
        try await group.waitForAll()
    }
    let accept = seconds(ContinuousClock.now - clock)
    let stored = try await store.log(LogQuery(limit: 1)).count
    print(String(format: "herald accept %@: %.0f/s from %d producers (%d mails%@)",
                 durability.rawValue, Double(count) / accept, producers, count, stored == 1 ? "" : ", NOTHING STORED"))

case "e2e", "latency":
    let (store, dir) = try freshStore(.full)
    defer { try? FileManager.default.removeItem(at: dir) }
    for i in 0..<count { _ = try await store.enqueue(try mail(i), now: Date()) }
    var configuration = DeliveryConfiguration()
    configuration.workers = Int(options["workers"] ?? "") ?? 1
    let settings = sinkSettings()
    let deliverer = Deliverer(outbox: store, configuration: configuration, clock: SystemWallClock()) { try SMTPSession(settings: settings) }
    let probes = mode == "latency" ? Int(options["probes"] ?? "") ?? 100 : 0
    let started = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await deliverer.run(once: true) }
        if probes > 0 {
            group.addTask {
                // 2FA mails arrive while the reports drain; the workers must take them first.
                for i in 0..<probes {
                    try await Task.sleep(for: .milliseconds(20))
                    _ = try await store.enqueue(try mail(i, kind: .twoFactor), now: Date())
                }
            }
        }
        try await group.waitForAll()
    }
    // Probes enqueued after the workers went idle are delivered by a last pass.
    try await deliverer.run(once: true)
    let elapsed = seconds(ContinuousClock.now - started)
    let log = try await store.log(LogQuery(limit: 1000, before: nil))
    if mode == "e2e" {
        let sent = try await store.log(LogQuery(status: .sent, limit: 1)).count
        print(String(format: "herald e2e: %d mails with %d worker(s) in %.2f s: %.0f mails/s (sent status check: %@)",
                     count, configuration.workers, elapsed, Double(count) / elapsed, sent > 0 ? "ok" : "none sent"))
    } else {
        let latencies = log.filter { $0.entry.kind == .twoFactor }.compactMap { e in
            e.attempts.first.map { $0.at.timeIntervalSince(e.entry.createdAt) * 1000 }
        }.sorted()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(String(format: "herald 2fa latency during a drain of %d reports (%d workers): %d probes, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                     count, configuration.workers, latencies.count, pct(0.5), pct(0.99), latencies.last ?? .nan))
    }

default:
    FileHandle.standardError.write(Data("usage: OutboxBench store|e2e|latency [--count N] [--durability full|normal] [--port P] [--workers W]\n".utf8))
    exit(64)
}
