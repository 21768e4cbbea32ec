import Foundation
import HeraldTestSupport
import Mail
import Store
import Testing

/// `kill -9` at any moment loses no accepted mail: the delivery process is killed repeatedly in
/// the middle of a batch, restarted, and what the real SMTP server received is counted.
@Suite struct CrashSafetyTests {
    @Test func killingTheDelivererRepeatedlyLosesNothing() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("herald.sqlite").path
        let peer = try SMTPPeer()
        let store = try Store(path: database)
        let count = 300
        var messageIDs: [String] = []
        for i in 0..<count {
            var m = MailMessage(from: try Mailbox(parsing: "herald@example.com"))
            m.to = [try Mailbox(parsing: "ops\(i % 7)@example.com")]
            m.subject = "Report \(i)"
            m.text = "Report number \(i)\n"
            let e = try MessageWriter().encode(m)
            messageIDs.append(e.messageID)
            _ = try await store.enqueue(NewMail(tenantID: "acme", kind: i % 10 == 0 ? .alert : .report, message: Data(e.bytes),
                                          messageID: e.messageID, subject: m.subject, mailFrom: e.mailFrom,
                                          recipients: e.recipients), now: Date())
        }
        let workers = 2
        let environment = ["HERALD_DATABASE": database, "HERALD_SMTP_SERVER": "smtp://127.0.0.1:\(peer.port)",
                           "HERALD_SMTP_TLS": "none", "HERALD_LEASE_SECONDS": "1", "HERALD_DELIVERY_WORKERS": "\(workers)",
                           "HERALD_CLAIM_BATCH": "8"]
        var kills = 0
        var generator = SystemRandomNumberGenerator()
        while kills < 6 && peer.messages.count < count * 3 / 4 {
            let process = try Self.start(["deliver"], environment: environment)
            try await Task.sleep(for: .milliseconds(Int.random(in: 120...350, using: &generator)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
        }
        // Let the killed workers' leases run out, then finish.
        try await Task.sleep(for: .milliseconds(1100))
        let final = try Self.start(["deliver", "--once"], environment: environment)
        final.waitUntilExit()
        #expect(final.terminationStatus == 0)

        let received = peer.messages.map { String(decoding: $0, as: UTF8.self) }.compactMap { text -> String? in
            guard let line = text.split(separator: "\r\n").first(where: { $0.hasPrefix("Message-ID: <") }) else { return nil }
            return String(line.dropFirst("Message-ID: <".count).dropLast())
        }
        var arrivals: [String: Int] = [:]
        for id in received { arrivals[id, default: 0] += 1 }
        #expect(kills >= 1)
        #expect(messageIDs.allSatisfy { arrivals[$0, default: 0] >= 1 }, "lost: \(messageIDs.filter { arrivals[$0] == nil }.count)")
        let duplicates = arrivals.values.reduce(0) { $0 + $1 - 1 }
        print("crash safety: \(kills) kills, \(received.count) messages received for \(count) accepted, \(duplicates) duplicates")
        // Only a mail in flight at a kill (one per worker) may arrive twice, with the same Message-ID.
        #expect(duplicates <= kills * workers, "\(duplicates) duplicates after \(kills) kills")
        #expect(Set(received).isSubset(of: Set(messageIDs)))
        let statuses = try await store.log(LogQuery(limit: 1000)).map(\.entry.status)
        #expect(statuses.count == count && statuses.allSatisfy { $0 == .sent })
    }

    static func start(_ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
