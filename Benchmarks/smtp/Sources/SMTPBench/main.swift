// Sends N messages into an SMTP sink over C connections with Herald's Mail and SMTP modules,
// encoding every message (each has its own Message-ID), and prints messages per second.
//
//   SMTPBench --port P [--count 10000] [--connections 1] [--body 10240] [--attachment 0] [--tls none|implicit|starttls] [--ca PEM]
import Foundation
import Mail
import SMTP

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let key = arguments.popFirst(), key.hasPrefix("--"), let value = arguments.popFirst() {
    options[String(key.dropFirst(2))] = value
}
guard let port = options["port"].flatMap(Int.init) else {
    FileHandle.standardError.write(Data("usage: SMTPBench --port P [--count N] [--connections C] [--body BYTES] [--attachment BYTES] [--tls MODE] [--ca PEM]\n".utf8))
    exit(64)
}
let count = options["count"].flatMap(Int.init) ?? 10_000
let connections = options["connections"].flatMap(Int.init) ?? 1
let bodySize = options["body"].flatMap(Int.init) ?? 10_240
let attachmentSize = options["attachment"].flatMap(Int.init) ?? 0
// Runs of up to 32 messages or about 4 MB, whichever comes first, keep memory bounded.
let batch = max(1, options["batch"].flatMap(Int.init) ?? min(32, 4_000_000 / max(1, bodySize + attachmentSize * 4 / 3)))
let tls = options["tls"].flatMap(TLSMode.init(rawValue:)) ?? .none

// A text body of bodySize bytes in 72-character lines, like smtp-source's.
let line = String(repeating: "x", count: 71) + "\n"
let text = String(repeating: line, count: max(1, bodySize / 72))
// Incompressible bytes from a fixed-seed xorshift (the system generator would spend a system
// call per byte, which is the harness's time, not Herald's).
var state: UInt64 = 0x9E37_79B9_7F4A_7C15
let attachment = (0..<attachmentSize).map { _ -> UInt8 in
    state ^= state << 13; state ^= state >> 7; state ^= state << 17
    return UInt8(truncatingIfNeeded: state >> 24)
}

let from = try Mailbox(parsing: "Herald Bench <bench@example.com>")
let to = try Mailbox(parsing: "sink@example.com")
let settings = SMTPSettings(host: tls == .none ? "127.0.0.1" : "localhost", port: port, tls: tls,
                            ehloName: "bench.herald.test", caFile: options["ca"])

func makeMessage(_ i: Int) throws -> EncodedMessage {
    var m = MailMessage(from: from)
    m.to = [to]
    m.subject = "Herald benchmark message \(i)"
    m.text = text
    if attachmentSize > 0 {
        m.attachments = [Attachment(fileName: "report-\(i).pdf", data: attachment)]
    }
    return try MessageWriter().encode(m)
}

let prebuilt = options["prebuilt"] == "1" ? try makeMessage(0) : nil

if options["encode-only"] == "1" {
    // Encoding alone, for the record of where the time goes.
    let start = ContinuousClock.now
    var bytes = 0
    for i in 0..<count { bytes += try makeMessage(i).size }
    let d = ContinuousClock.now - start
    let secs = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    print(String(format: "encode: %d messages (%.1f MB) in %.3f s: %.0f msg/s", count, Double(bytes) / 1e6, secs, Double(count) / secs))
    exit(0)
}
let started = ContinuousClock.now
let (accepted, opened) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
    for c in 0..<connections {
        let share = count / connections + (c < count % connections ? 1 : 0)
        group.addTask {
            try await SMTPSession.with(settings) { session in
                // Messages are encoded in runs of `batch`; while one run goes to the session in one
                // hop, the next is encoded, as the service encodes at enqueue time and its delivery
                // workers send the stored bytes.
                func encodeRun(_ start: Int) throws -> [EncodedMessage] {
                    try (start..<min(share, start + batch)).map { try prebuilt ?? makeMessage(c * 1_000_000 + $0) }
                }
                var ok = 0
                var i = 0
                var run = try encodeRun(0)
                while !run.isEmpty {
                    let nextStart = i + run.count
                    async let next = encodeRun(nextStart)
                    for result in await session.send(batch: run) {
                        if case .success(let report) = result, report.allAccepted { ok += 1 }
                    }
                    i = nextStart
                    run = try await next
                }
                return (ok, await session.connectionsOpened)
            }
        }
    }
    var total = (0, 0)
    for try await (ok, opened) in group { total.0 += ok; total.1 += opened }
    return total
}
let elapsed = ContinuousClock.now - started
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(String(format: "herald: %d messages accepted of %d over %d connection(s) (%d opened) in %.2f s: %.0f msg/s",
             accepted, count, connections, opened, seconds, Double(accepted) / seconds))
if accepted != count { exit(1) }
