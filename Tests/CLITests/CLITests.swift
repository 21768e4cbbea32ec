import Foundation
import HeraldTestSupport
import Testing

/// The `herald` CLI as users and scripts call it: output lines and sysexits exit statuses.
@Suite struct CLITests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let binary: URL = {
        // The test bundle sits in the build directory beside the herald executable.
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("herald").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("herald")
    }()

    static func herald(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let result = try runProcess(binary, arguments, environment: environment)
        return Run(status: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
                   stderr: String(decoding: result.stderr, as: UTF8.self))
    }

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func buildWritesAMessagePythonCanRead() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("body.txt"), pdf = dir.appendingPathComponent("Übersicht.pdf")
        try "Guten Morgen,\nder Bericht hängt an.\n".write(to: text, atomically: true, encoding: .utf8)
        try Data("%PDF-1.4 fake".utf8).write(to: pdf)
        let out = dir.appendingPathComponent("m.eml")
        let run = try Self.herald(["mail", "build", "--from", "Herald Berichte <reports@example.com>", "--to", "ops@example.com",
                                   "--bcc", "audit@example.com", "--subject", "Wöchentlicher Bericht", "--text", text.path,
                                   "--attach", pdf.path, "--header", "Auto-Submitted: auto-generated", "--out", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Python.run("parse_mail.py", [out.path])) as? [[String: Any]]
        let message = try #require(parsed?.first)
        #expect(message["subject"] as? String == "Wöchentlicher Bericht")
        #expect((message["defects"] as? [Any])?.isEmpty == true)
        #expect(message["has_bcc"] as? Bool == false)
        let attachments = message["attachments"] as? [[String: Any]]
        #expect(attachments?.first?["filename"] as? String == "Übersicht.pdf")
        #expect(attachments?.first?["content_type"] as? String == "application/pdf")
    }

    @Test func badAddressIsUsageErrorAndWritesNothing() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.eml")
        let run = try Self.herald(["mail", "build", "--from", "reports@example.com", "--to", "ops@@example.com", "--out", out.path])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--to"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func headerWithLineBreakIsRejected() async throws {
        let run = try Self.herald(["mail", "build", "--from", "a@example.com", "--to", "b@example.com",
                                   "--header", "X-A: 1\r\nBcc: evil@example.com", "--out", "-"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("line break"))
    }

    @Test func sendPrintsOneLinePerRecipientAndExits69OnARejection() async throws {
        let peer = try SMTPPeer(["--scenario", "reject-rcpt"])
        let run = try Self.herald(["mail", "send", "--server", "smtp://127.0.0.1:\(peer.port)", "--tls", "none",
                                   "--from", "reports@example.com", "--to", "ops@example.com", "--to", "unknown@example.com",
                                   "--subject", "x"])
        #expect(run.status == 69)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0] == "ACCEPTED ops@example.com 250 2.0.0 Ok: queued as Q0001")
        #expect(lines[1].hasPrefix("REJECTED unknown@example.com 550 5.1.1 <unknown@example.com>: Recipient address rejected"))
    }

    @Test func sendAllAcceptedExits0() async throws {
        let peer = try SMTPPeer()
        let run = try Self.herald(["mail", "send", "--server", "smtp://127.0.0.1:\(peer.port)", "--tls", "none",
                                   "--from", "reports@example.com", "--to", "ops@example.com", "--cc", "cc@example.com"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("ACCEPTED ") })
        #expect(peer.messages.count == 1)
    }

    @Test func temporaryFailureExits75() async throws {
        let peer = try SMTPPeer(["--scenario", "tempfail-data"])
        let run = try Self.herald(["mail", "send", "--server", "smtp://127.0.0.1:\(peer.port)", "--tls", "none",
                                   "--from", "reports@example.com", "--to", "ops@example.com"])
        #expect(run.status == 75)
        #expect(run.stdout.hasPrefix("REJECTED ops@example.com 451 4.3.0"))
    }

    @Test func startTLSNotOfferedExits78() async throws {
        let peer = try SMTPPeer()
        let run = try Self.herald(["mail", "send", "--server", "smtp://127.0.0.1:\(peer.port)",
                                   "--from", "reports@example.com", "--to", "ops@example.com"])
        #expect(run.status == 78)
        #expect(run.stderr.contains("STARTTLS"))
        #expect(peer.messages.isEmpty)
    }

    @Test func unsetPasswordVariableExits78() async throws {
        let run = try Self.herald(["mail", "send", "--server", "smtp://127.0.0.1:2525", "--user", "u",
                                   "--password-env", "HERALD_TEST_UNSET_VARIABLE",
                                   "--from", "reports@example.com", "--to", "ops@example.com"])
        #expect(run.status == 78)
        #expect(run.stderr.contains("HERALD_TEST_UNSET_VARIABLE"))
    }

    @Test func thereIsNoPasswordOption() async throws {
        let run = try Self.herald(["mail", "send", "--server", "smtp://127.0.0.1:2525", "--password", "hunter2",
                                   "--from", "reports@example.com", "--to", "ops@example.com"])
        #expect(run.status == 64)
    }

    @Test func smtpTestReportsStepsWithoutThePassword() async throws {
        let peer = try SMTPPeer(["--tls", "starttls", "--auth", "reporter:Very-Secret-1"])
        let run = try Self.herald(["smtp", "test", "--server", "smtp://localhost:\(peer.port)", "--ca-file", try TestCA.shared().caCert,
                                   "--user", "reporter", "--password-env", "HERALD_TEST_PASSWORD",
                                   "--from", "reports@example.com", "--to", "ops@example.com"],
                                  environment: ["HERALD_TEST_PASSWORD": "Very-Secret-1"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        for step in ["resolve", "connect", "TLS", "EHLO", "AUTH", "MAIL FROM", "RCPT", "DATA"] {
            #expect(run.stdout.contains("[ok  ] \(step)"), "\(step)")
        }
        #expect(run.stdout.contains("OK: localhost accepted the test mail"))
        #expect(!run.stdout.contains("Very-Secret-1") && !run.stderr.contains("Very-Secret-1"))
    }

    @Test func smtpTestWritesAnAuditEntry() async throws {
        let peer = try SMTPPeer()
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["HERALD_DATABASE": dir.appendingPathComponent("h.sqlite").path]
        let config = packageRoot.appendingPathComponent("Config/herald.json").path
        let run = try Self.herald(["smtp", "test", "--server", "smtp://127.0.0.1:\(peer.port)", "--tls", "none",
                                   "--from", "reports@example.com", "--to", "ops@example.com", "--config", config], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let audit = try Self.herald(["audit", "--config", config], environment: env)
        #expect(audit.stdout.contains("cli smtp.test 127.0.0.1:\(peer.port): OK: 127.0.0.1 accepted the test mail"), "\(audit.stdout)")
    }

    @Test func smtpTestWithWrongPasswordExits69WithTheFix() async throws {
        let peer = try SMTPPeer(["--tls", "starttls", "--auth", "reporter:right"])
        let run = try Self.herald(["smtp", "test", "--server", "smtp://localhost:\(peer.port)", "--ca-file", try TestCA.shared().caCert,
                                   "--user", "reporter", "--password-env", "HERALD_TEST_PASSWORD",
                                   "--from", "reports@example.com", "--to", "ops@example.com"],
                                  environment: ["HERALD_TEST_PASSWORD": "wrong"])
        #expect(run.status == 69)
        #expect(run.stdout.contains("[FAIL] AUTH"))
        #expect(run.stdout.contains("FAILED: 535"))
    }

    @Test func presetsListEveryDocumentedProvider() async throws {
        let run = try Self.herald(["smtp", "presets", "--json"], environment: ["HERALD_CONFIG_DIR": packageRoot.appendingPathComponent("Config").path])
        #expect(run.status == 0, "\(run.stderr)")
        let presets = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        let ids = presets?.compactMap { $0["id"] as? String }
        #expect(ids == ["gmail", "microsoft365", "postmark", "mailgun", "sendgrid", "postfix"])
        for preset in presets ?? [] {
            #expect((preset["pitfalls"] as? [String])?.isEmpty == false)
            #expect([465, 587, 25, 2525].contains(preset["port"] as? Int ?? 0))
        }
    }

    @Test func unknownPresetNamesTheChoices() async throws {
        let run = try Self.herald(["mail", "send", "--preset", "nope", "--from", "a@example.com", "--to", "b@example.com"],
                                  environment: ["HERALD_CONFIG_DIR": packageRoot.appendingPathComponent("Config").path])
        #expect(run.status == 64)
        #expect(run.stderr.contains("gmail, microsoft365"))
    }

    @Test func cronNextPrintsTimesWithTheZonesOffset() async throws {
        let run = try Self.herald(["cron", "next", "30 2 * * *", "--tz", "Europe/Berlin", "--after", "2026-03-28T12:00:00Z", "--count", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        // 02:30 does not exist on 29 March 2026 in Berlin: the run moves to the first instant after the gap.
        #expect(run.stdout == "2026-03-29T03:00:00+02:00\n2026-03-30T02:30:00+02:00\n")
    }

    @Test(arguments: [
        (["cron", "next", "0 24 * * *", "--tz", "Europe/Berlin"], "field 2 (hour): 24 is outside 0-23"),
        (["cron", "next", "0 8 * * *", "--tz", "Europe/Berln"], "Europe/Berln"),
        (["cron", "next", "0 8 * * *", "--tz", "UTC", "--after", "yesterday"], "yesterday"),
    ])
    func cronBadInputExits64(arguments: [String], message: String) throws {
        let run = try Self.herald(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test func cronExplainInGerman() async throws {
        let run = try Self.herald(["cron", "explain", "0 8 * * 1", "--locale", "de"])
        #expect(run.status == 0)
        #expect(run.stdout == "Um 08:00 am Montag\n")
    }
}
