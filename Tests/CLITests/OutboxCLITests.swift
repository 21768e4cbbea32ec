import Foundation
import HeraldTestSupport
import Testing

/// `herald outbox add`, `deliver`, `log`, `audit` and `suppressions` against a real SMTP server.
@Suite struct OutboxCLITests {
    @Test func addDeliverAndReadTheLogs() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-outbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer(["--scenario", "reject-rcpt"])
        let env = ["HERALD_DATABASE": dir.appendingPathComponent("h.sqlite").path,
                   "HERALD_SMTP_SERVER": "smtp://127.0.0.1:\(peer.port)", "HERALD_SMTP_TLS": "none",
                   // One worker: with two, each lane has its own worker and the arrival order is a race.
                   "HERALD_DELIVERY_WORKERS": "1"]
        let config = packageRoot.appendingPathComponent("Config/herald.json").path
        let report = try CLITests.herald(["outbox", "add", "--config", config, "--kind", "report", "--tenant", "acme",
                                          "--from", "a@example.com", "--to", "ops@example.com", "--to", "unknown@example.com",
                                          "--subject", "Weekly"], environment: env)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout == "1\n")
        let code = ["outbox", "add", "--config", config, "--kind", "2fa", "--tenant", "acme", "--idempotency-key", "req-7",
                    "--from", "a@example.com", "--to", "user@example.com", "--subject", "Code"]
        #expect(try CLITests.herald(code, environment: env).stdout == "2\n")
        #expect(try CLITests.herald(code, environment: env).stdout == "2\n")
        let late = try CLITests.herald(["outbox", "add", "--config", config, "--kind", "alert", "--expires-in", "bogus",
                                        "--from", "a@example.com", "--to", "b@example.com"], environment: env)
        #expect(late.status == 64)
        #expect(late.stderr.contains("--expires-in"))

        let deliver = try CLITests.herald(["deliver", "--config", config, "--once"], environment: env)
        #expect(deliver.status == 0, "\(deliver.stderr)")
        #expect(peer.messages.count == 2)
        // The 2FA mail went first although it was queued second.
        #expect(peer.envelopes.first?.rcpt_tos == ["user@example.com"])

        let log = try CLITests.herald(["log", "--config", config, "--json"], environment: env)
        let entries = try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]]
        #expect(entries?.map { $0["status"] as? String } == ["sent", "partially-sent"])
        let recipients = entries?.last?["recipients"] as? [[String: Any]]
        #expect(recipients?.last?["enhanced_code"] as? String == "5.1.1")
        #expect(try CLITests.herald(["log", "--config", config, "--status", "sent"], environment: env).stdout.contains("2fa sent"))

        let audit = try CLITests.herald(["audit", "--config", config], environment: env)
        #expect(audit.stdout.contains("mail.failed") && audit.stdout.contains("suppression.added"))
        let list = try CLITests.herald(["suppressions", "list", "--config", config, "--tenant", "acme"], environment: env)
        #expect(list.stdout.hasPrefix("acme unknown@example.com"))
        #expect(try CLITests.herald(["suppressions", "remove", "--config", config, "--tenant", "acme", "unknown@example.com"], environment: env).status == 0)
        let again = try CLITests.herald(["suppressions", "remove", "--config", config, "--tenant", "acme", "unknown@example.com"], environment: env)
        #expect(again.status == 64)
        #expect(again.stderr.contains("not on tenant acme's suppression list"))
    }

    @Test func badConfigurationNamesTheSetting() async throws {
        let bad = try CLITests.herald(["log"], environment: ["HERALD_DELIVERY_WORKERS": "many"])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("HERALD_DELIVERY_WORKERS"))
        let missing = try CLITests.herald(["log", "--config", "/nonexistent/herald.json"])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("/nonexistent/herald.json"))
    }
}
