import Foundation
import Mail
import SMTP

/// Delivers by writing each message as an `.eml` file into a directory: what Herald does when no
/// SMTP server is configured, so a fresh machine shows real mails at once. Each file is written
/// under a temporary name and renamed, so a reader never sees half a mail. Mails can hold 2FA
/// codes: the directory is 0700 and every file 0600, whatever the process's umask.
public final class FileTransport: MailTransport {
    /// Where the files go.
    public let directory: URL

    /// - Throws: when the directory cannot be created.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    public func send(batch: [EncodedMessage]) async -> [Result<DeliveryReport, SMTPError>] {
        batch.map { message in
            let id = message.messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
                .map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "@" ? $0 : "_" }
            let name = "\(Int64(Date().timeIntervalSince1970 * 1000))-\(String(id)).eml"
            let target = directory.appendingPathComponent(name)
            let temporary = directory.appendingPathComponent(".\(name).tmp")
            // The envelope goes first, as a Return-Path and X-Envelope-To the reader can check.
            var bytes = Array("Return-Path: <\(message.mailFrom)>\r\nX-Envelope-To: \(message.recipients.joined(separator: ", "))\r\n".utf8)
            bytes += message.bytes
            do {
                guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes),
                                                     attributes: [.posixPermissions: 0o600]) else {
                    throw CocoaError(.fileWriteUnknown)
                }
                try FileManager.default.moveItem(at: temporary, to: target)
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                return .failure(SMTPError(.transport, .temporary, "file transport: cannot write \(target.path) (\(error.localizedDescription)); check the directory"))
            }
            let reply = SMTPReply(code: 250, enhancedCode: "2.0.0", text: "written to \(name)")
            return .success(DeliveryReport(messageID: message.messageID,
                                           recipients: message.recipients.map { RecipientOutcome(address: $0, reply: reply, error: nil) },
                                           finalReply: reply))
        }
    }

    public func close() async {}
}
