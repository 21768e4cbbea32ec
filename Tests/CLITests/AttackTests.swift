import Foundation
import HeraldTestSupport
import Testing

/// `herald serve` under attack by one tenant (Tests/Peers/attack.py: previews built to exhaust
/// memory, stack and time, from six connections at once): the process keeps serving, `/healthz`
/// stays fast and another tenant's requests take their usual time.
@Suite struct AttackTests {
    struct Latency: Decodable { let n: Int; let p50: Double?; let p99: Double?; let max: Double? }
    struct Probes: Decodable {
        let healthz: Latency
        let victim_read: Latency
        let victim_alert: Latency
        let failures: [[AnyCodable]]
    }
    struct AnyCodable: Decodable {
        let text: String
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            text = (try? c.decode(String.self)) ?? (try? c.decode(Int.self)).map(String.init) ?? "?"
        }
    }
    struct Report: Decodable {
        let baseline: Probes
        let attacked: Probes
        let attacker_statuses: [String: Int]
        let attacker_render_ms: Latency
    }

    @Test func aHostileTenantCannotSlowDownHealthOrOtherTenants() async throws {
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let token = "attack-test-admin-token-0123456789"
        let config = dir.appendingPathComponent("herald.json")
        try #"{"database": "\#(dir.path)/herald.sqlite", "service": {"port": 0, "demo": false}}"#
            .write(to: config, atomically: true, encoding: .utf8)
        let log = dir.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["serve", "--config", config.path]
        process.environment = ProcessInfo.processInfo.environment.merging(["HERALD_ADMIN_TOKEN": token]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        #expect(try await ServeCLITests.eventually(30) { ServeCLITests.port(in: log) != nil })
        let port = try #require(ServeCLITests.port(in: log))

        let output = try Python.run("attack.py", ["--url", "http://127.0.0.1:\(port)", "--admin-token", token])
        let report = try JSONDecoder().decode(Report.self, from: output)
        let summary = String(decoding: output, as: UTF8.self)

        #expect(process.isRunning, "the service died under attack: \(summary)")
        // The attacker got answers, never a server error, and was really rendering.
        #expect(report.attacker_statuses.keys.allSatisfy { $0.hasPrefix("2") || $0.hasPrefix("4") }, "\(summary)")
        #expect((report.attacker_statuses["422"] ?? 0) + (report.attacker_statuses["200"] ?? 0) > 0, "\(summary)")
        // Every probe succeeded.
        #expect(report.attacked.failures.isEmpty, "\(summary)")
        #expect(report.attacked.healthz.n > 20)
        // /healthz within 100 ms throughout; the other tenant within a few times its quiet latency.
        #expect((report.attacked.healthz.max ?? .infinity) < 100, "\(summary)")
        let readLimit = max(100, 5 * (report.baseline.victim_read.p50 ?? 0))
        let alertLimit = max(250, 5 * (report.baseline.victim_alert.p50 ?? 0))
        #expect((report.attacked.victim_read.p99 ?? .infinity) < readLimit, "\(summary)")
        #expect((report.attacked.victim_alert.p99 ?? .infinity) < alertLimit, "\(summary)")
        print("attack: \(summary)")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
