import ArgumentParser
import Foundation
import Mail
import SMTP

struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Build or send a mail.",
        subcommands: [Build.self, Send.self]
    )

    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the message to a file without sending it.")

        @OptionGroup var message: MessageOptions

        @Option(help: "File to write the message to (\"-\" for stdout).")
        var out: String

        func run() async throws {
            try await reportingErrors {
                let encoded = try MessageWriter().encode(message.message())
                if out == "-" {
                    FileHandle.standardOutput.write(Data(encoded.bytes))
                } else {
                    try writeAtomically(encoded.bytes, to: out)
                }
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the message and print one line per recipient.",
            discussion: """
            Prints ACCEPTED <addr> <server reply> or REJECTED <addr> <server reply> per recipient.
            Exit status: 0 all accepted; 75 temporary failure; 69 permanent failure of the message \
            or of a recipient; 64 bad input; 78 configuration error.
            """
        )

        @OptionGroup var server: ServerOptions
        @OptionGroup var message: MessageOptions

        @Flag(help: "Print the SMTP conversation on stderr (passwords and AUTH payloads redacted).")
        var transcript = false

        func run() async throws {
            try await reportingErrors {
                let encoded = try MessageWriter().encode(message.message())
                let settings = try server.settings()
                let session = try SMTPSession(settings: settings, keepTranscript: transcript)
                defer { _ = session }
                do {
                    let report = try await session.send(encoded)
                    await session.close()
                    if transcript {
                        for line in report.transcript { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
                    }
                    for outcome in report.recipients {
                        let reply = outcome.reply?.description ?? outcome.error?.message ?? ""
                        print("\(outcome.accepted ? "ACCEPTED" : "REJECTED") \(outcome.address) \(reply)")
                    }
                    for outcome in report.recipients where !outcome.accepted {
                        printError("\(outcome.address): \(outcome.error!.message)")
                    }
                    if let severity = report.worstSeverity { throw exitStatus(for: severity) }
                } catch let error as SMTPError {
                    await session.close()
                    for address in encoded.recipients {
                        print("REJECTED \(address) \(error.reply?.description ?? "(no reply)")")
                    }
                    printError(error.message)
                    throw exitStatus(for: error.severity)
                }
            }
        }
    }
}

func exitStatus(for severity: SMTPError.Severity) -> ExitCode {
    switch severity {
    case .temporary: ExitStatus.tempFail
    case .permanent: ExitStatus.unavailable
    case .configuration: ExitStatus.config
    }
}

/// Writes `bytes` to a temporary file beside `path` and renames it, so no half-written file stays behind.
func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw CLIError(status: ExitStatus.usage, "--out: cannot write \(path) (\(error.localizedDescription))")
    }
}
