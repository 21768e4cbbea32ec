import ArgumentParser
import Foundation
import Mail
import SMTP

struct SMTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp",
        abstract: "Check an SMTP server.",
        subcommands: [Test.self]
    )

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test mail and report each step: resolve, connect, TLS, EHLO, AUTH, MAIL FROM, RCPT, DATA."
        )

        @OptionGroup var server: ServerOptions

        @Option(help: "Sender address.")
        var from: String

        @Option(help: "Recipient address.")
        var to: String

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
                if let error = report.error { throw exitStatus(for: error.severity) }
            }
        }
    }
}
