import Foundation
import HeraldTestSupport
import Testing

/// `herald serve` as the README starts it: the embedded default with a real SMTP server named by
/// the environment, stopped with SIGTERM and started again.
@Suite struct ServeCLITests {
    /// Waits up to `seconds` for `condition`.
    static func eventually(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    static func start(_ environment: [String: String], log: URL) throws -> Process {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["serve", "--port", "0"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        return process
    }

    /// The port from the "listening" log line.
    static func port(in log: URL) -> Int? {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard let range = text.range(of: "herald.http=http://127.0.0.1:") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    @Test func theEmbeddedDefaultSendsTheDemoReportAndStopsCleanly() async throws {
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer()
        let token = "serve-test-admin-token-0123456789"
        let environment = ["HERALD_DATABASE": dir.appendingPathComponent("herald.sqlite").path,
                           "HERALD_SMTP_SERVER": "smtp://127.0.0.1:\(peer.port)", "HERALD_SMTP_TLS": "none",
                           "HERALD_ADMIN_TOKEN": token, "HERALD_FROM": "Herald <reports@herald.test>"]
        // Files an earlier start or a copy left readable by others: the service makes them private.
        let mode = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(path).path))?[.posixPermissions] as? Int }
        let mailDirectory = dir.appendingPathComponent("mail")
        try FileManager.default.createDirectory(at: mailDirectory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.appendingPathComponent("herald.sqlite").path, contents: nil, attributes: [.posixPermissions: 0o644])
        FileManager.default.createFile(atPath: dir.appendingPathComponent("secret.key").path, contents: Data(repeating: 9, count: 32),
                                       attributes: [.posixPermissions: 0o644])
        FileManager.default.createFile(atPath: mailDirectory.appendingPathComponent("old.eml").path, contents: Data("Subject: 123456\r\n\r\n".utf8),
                                       attributes: [.posixPermissions: 0o644])
        for path in [dir, mailDirectory] { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path) }

        let log = dir.appendingPathComponent("serve.log")
        let process = try Self.start(environment, log: log)
        defer { if process.isRunning { process.terminate() } }
        #expect(try await Self.eventually(30) { Self.port(in: log) != nil })
        let port = try #require(Self.port(in: log))
        for path in ["", "mail"] { #expect(mode(path) == 0o700, "\(path)") }
        for path in ["herald.sqlite", "herald.sqlite-wal", "herald.sqlite-shm", "secret.key", "mail/old.eml", "serve.log"] {
            #expect(mode(path) == 0o600, "\(path): \(String(mode(path) ?? 0, radix: 8))")
        }
        #expect(try String(contentsOf: log, encoding: .utf8).contains("made private"))

        // The demo tenant's two reports, in German and English, arrive at the real server.
        #expect(try await Self.eventually(60) { peer.messages.count >= 4 }, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        let reports = peer.messages.map { String(decoding: $0, as: UTF8.self) }
        #expect(reports.allSatisfy { $0.contains("application/pdf") && $0.contains("Auto-Submitted: auto-generated") })
        #expect(Set(peer.envelopes.flatMap(\.rcpt_tos)) == ["ops@demo.herald.example", "cto@demo.herald.example"])
        let secret = try String(contentsOf: dir.appendingPathComponent("demo-token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("demo-token").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // A 2FA request over HTTP with the demo tenant's token.
        let curl = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [
            "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(secret)",
            "-H", "Content-Type: application/json", "-d", "{\"address\": \"user@demo.herald.example\"}",
            "http://127.0.0.1:\(port)/api/v1/tenants/demo/2fa",
        ])
        #expect(String(decoding: curl.stdout, as: UTF8.self) == "202")
        #expect(try await Self.eventually(30) { peer.messages.count == 5 })

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("stopped"))
        // No secret in the log.
        #expect(!text.contains(secret) && !text.contains(token))

        // A second start finds the demo tenant and sends nothing again.
        let again = try Self.start(environment, log: dir.appendingPathComponent("serve2.log"))
        defer { if again.isRunning { again.terminate() } }
        #expect(try await Self.eventually(30) { Self.port(in: dir.appendingPathComponent("serve2.log")) != nil })
        try await Task.sleep(for: .seconds(2))
        #expect(peer.messages.count == 5)
        kill(again.processIdentifier, SIGTERM)
        again.waitUntilExit()
        #expect(again.terminationStatus == 0)
    }

    @Test func aWrongServiceSettingStopsTheStartNamingIt() async throws {
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let environment = ["HERALD_DATABASE": dir.appendingPathComponent("herald.sqlite").path]
        let cases: [(String, String)] = [
            ("{\"service\": {\"renderers\": 0}}", "service.renderers"),
            ("{\"service\": {\"port\": 70000}}", "service.port"),
            ("{\"service\": {\"from\": \"not a mailbox\"}}", "service.from"),
            ("{\"service\": {\"dataSources\": {\"m\": {\"url\": \"ftp://x/{tenant}\"}}}}", "service.dataSources.m.url"),
            ("{\"service\": {\"port\": \"8080\"}}", "service.port"),
        ]
        for (json, field) in cases {
            let config = dir.appendingPathComponent("herald.json")
            try json.write(to: config, atomically: true, encoding: .utf8)
            let run = try CLITests.herald(["serve", "--config", config.path], environment: environment)
            #expect(run.status == 78, "\(json): \(run.stderr)")
            #expect(run.stderr.contains(field), "\(json): \(run.stderr)")
        }
        let short = try CLITests.herald(["serve"], environment: environment.merging(["HERALD_ADMIN_TOKEN": "short"]) { $1 })
        #expect(short.status == 78)
        #expect(short.stderr.contains("HERALD_ADMIN_TOKEN") && !short.stderr.contains("short\n"))
        // Nothing was started or written for a refused start but the (empty) database.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("admin-token").path))
    }
}
