import ArgumentParser
import Foundation
import Mail

/// The options that describe a message, shared by `mail build` and `mail send`.
struct MessageOptions: ParsableArguments {
    @Option(help: "Author, as addr or \"Name <addr>\".")
    var from: String

    @Option(help: "Recipient (repeatable).")
    var to: [String] = []

    @Option(help: "Copy recipient (repeatable).")
    var cc: [String] = []

    @Option(help: "Blind copy recipient (repeatable); never written into the message.")
    var bcc: [String] = []

    @Option(name: .customLong("reply-to"), help: "Reply-To address (repeatable).")
    var replyTo: [String] = []

    @Option(help: "Subject line (UTF-8).")
    var subject: String = ""

    @Option(help: "File with the text/plain body (UTF-8).")
    var text: String?

    @Option(help: "File with the text/html body (UTF-8).")
    var html: String?

    @Option(help: "File to attach (repeatable); the media type follows from the extension.")
    var attach: [String] = []

    @Option(help: "Extra header as \"Name: value\" (repeatable), e.g. \"Auto-Submitted: auto-generated\".")
    var header: [String] = []

    func validate() throws {
        if to.isEmpty && cc.isEmpty && bcc.isEmpty {
            throw ValidationError("give at least one recipient with --to, --cc or --bcc")
        }
    }

    /// Reads the files and builds the message.
    /// - Throws: ``MailError`` for a bad address or header, ``CLIError`` for an unreadable file.
    func message() throws -> MailMessage {
        var message = MailMessage(from: try Mailbox(parsing: from, field: "--from"))
        message.to = try to.map { try Mailbox(parsing: $0, field: "--to") }
        message.cc = try cc.map { try Mailbox(parsing: $0, field: "--cc") }
        message.bcc = try bcc.map { try Mailbox(parsing: $0, field: "--bcc") }
        message.replyTo = try replyTo.map { try Mailbox(parsing: $0, field: "--reply-to") }
        message.subject = subject
        message.text = try text.map { try readText($0, option: "--text") }
        message.html = try html.map { try readText($0, option: "--html") }
        message.attachments = try attach.map { path in
            let data = try readFile(path, option: "--attach")
            return Attachment(fileName: URL(fileURLWithPath: path).lastPathComponent, data: data)
        }
        message.extraHeaders = try header.map { try HeaderField(parsing: $0) }
        return message
    }

    private func readFile(_ path: String, option: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(status: ExitStatus.usage, "\(option): cannot read \(path); check the path and permissions")
        }
        return [UInt8](data)
    }

    private func readText(_ path: String, option: String) throws -> String {
        let bytes = try readFile(path, option: option)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CLIError(status: ExitStatus.usage, "\(option): \(path) is not UTF-8 text; convert it to UTF-8")
        }
        return text
    }
}

/// An error the CLI reports on stderr with a given exit status.
struct CLIError: Error, CustomStringConvertible {
    let status: ExitCode
    let description: String
    /// Printed as it is, without the `herald: ` prefix (template errors keep `NAME:LINE:COL: message`).
    let bare: Bool
    init(status: ExitCode, _ description: String, bare: Bool = false) {
        self.status = status
        self.description = description
        self.bare = bare
    }
}

/// Prints `message` on stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("herald: \(message)\n".utf8))
}

/// Runs `body`, turning Herald's errors into a message on stderr and the matching exit status.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as MailError {
        printError(error.description)
        throw ExitStatus.usage
    } catch let error as CLIError {
        if error.bare {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
        } else {
            printError(error.description)
        }
        throw error.status
    }
}
