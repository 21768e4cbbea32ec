import ArgumentParser
import Foundation
import Mail
import SMTP
import Store

struct SMTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp",
        abstract: "Check an SMTP server.",
        subcommands: [Test.self, Presets.self]
    )

    struct Presets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the provider presets (host, port, TLS mode, what goes into user and password, pitfalls)."
        )

        @Flag(help: "Print JSON instead of text.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let presets: [SMTPPreset]
                do {
                    presets = try SMTPPreset.load(from: try presetsFile())
                } catch let error as SMTPError {
                    throw CLIError(status: ExitStatus.config, error.message)
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    print(String(decoding: try encoder.encode(presets), as: UTF8.self))
                    return
                }
                for preset in presets {
                    print("\(preset.id): \(preset.name) — \(preset.host):\(preset.port) (\(preset.tls.rawValue))")
                    print("  user: \(preset.userHint)")
                    print("  password: \(preset.passwordHint)")
                    for pitfall in preset.pitfalls { print("  - \(pitfall)") }
                }
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test mail and report each step: resolve, connect, TLS, EHLO, AUTH, MAIL FROM, RCPT, DATA."
        )

        @OptionGroup var server: ServerOptions

        @Option(help: "Sender address.")
        var from: String

        @Option(help: "Recipient address.")
        var to: String

        @Option(help: "Configuration file whose database gets an audit entry for this test (who, when, server, verdict).")
        var config: String?

        func run() async throws {
            try await reportingErrors {
                let settings = try server.settings()
                var message = MailMessage(from: try Mailbox(parsing: from, field: "--from"))
                message.to = [try Mailbox(parsing: to, field: "--to")]
                message.subject = "Herald SMTP test"
                message.text = """
                This is a test mail from Herald.

                It was sent through \(settings.host):\(settings.port) (TLS mode \(settings.tls.rawValue)).
                If you can read it, Herald's SMTP settings work.
                """
                message.extraHeaders = [HeaderField(name: "Auto-Submitted", value: "auto-generated")]
                let encoded = try MessageWriter().encode(message)
                let report = await SMTPDiagnostics.run(settings: settings, message: encoded)
                for step in report.steps {
                    let mark = switch step.status {
                    case .ok: "ok  "
                    case .failed: "FAIL"
                    case .skipped: "-   "
                    case .notReached: "    "
                    }
                    let detail = step.status == .notReached ? "not reached" : step.detail
                    print("[\(mark)] \(step.name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(detail)")
                }
                print(report.verdict)
                if let config {
                    let store = try HeraldConfiguration.load(path: config).openStore()
                    _ = try await storeErrors {
                        try await store.appendAudit(AuditEntry(at: Date(), actor: "cli", action: "smtp.test",
                                                         subject: "\(settings.host):\(settings.port)", detail: report.verdict))
                    }
                }
                if let error = report.error { throw exitStatus(for: error.severity) }
            }
        }
    }
}
