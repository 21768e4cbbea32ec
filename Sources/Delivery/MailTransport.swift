import Mail
import SMTP

/// Something that sends encoded messages and reports per recipient: the SMTP core, or (for a
/// machine without a mail server) a file transport. Each delivery worker owns one.
public protocol MailTransport: AnyObject, Sendable {
    /// Sends the messages in order; one result per message.
    func send(batch: [EncodedMessage]) async -> [Result<DeliveryReport, SMTPError>]
    /// Ends the connection, if any.
    func close() async
}

extension SMTPSession: MailTransport {}
