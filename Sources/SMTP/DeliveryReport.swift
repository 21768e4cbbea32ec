import Foundation

/// The outcome of one message for one recipient.
public struct RecipientOutcome: Sendable {
    /// The recipient's address as given to RCPT TO.
    public let address: String
    /// What the server said about this recipient: its RCPT reply when rejected there, otherwise
    /// the reply to the end of DATA (e.g. `250 2.0.0 Ok: queued as 4F2A1`).
    public let reply: SMTPReply?
    /// Why the recipient did not get the message; nil when the server accepted it.
    public let error: SMTPError?
    /// True when the server refused this address itself (its reply to RCPT TO), as opposed to
    /// a failure of the whole message.
    public let refusedAtRecipient: Bool

    public init(address: String, reply: SMTPReply?, error: SMTPError?, refusedAtRecipient: Bool = false) {
        self.address = address
        self.reply = reply
        self.error = error
        self.refusedAtRecipient = refusedAtRecipient
    }

    /// True when the server took responsibility for delivering to this recipient.
    public var accepted: Bool { error == nil }
}

/// What happened to one message: one outcome per envelope recipient.
public struct DeliveryReport: Sendable {
    /// The message's Message-ID.
    public let messageID: String
    /// One entry per envelope recipient, in envelope order.
    public let recipients: [RecipientOutcome]
    /// The server's reply to the end of DATA, when it got that far.
    public let finalReply: SMTPReply?
    /// The conversation with passwords and AUTH payloads redacted (the message content is never in it).
    public let transcript: [TranscriptLine]

    /// A report, for transports other than the SMTP core (the file transport).
    public init(messageID: String, recipients: [RecipientOutcome], finalReply: SMTPReply?, transcript: [TranscriptLine] = []) {
        self.messageID = messageID
        self.recipients = recipients
        self.finalReply = finalReply
        self.transcript = transcript
    }

    /// True when every recipient was accepted.
    public var allAccepted: Bool { recipients.allSatisfy(\.accepted) }

    /// The queue id the server returned, from replies like `250 2.0.0 Ok: queued as 4F2A1`.
    public var queueID: String? {
        guard let text = finalReply?.text else { return nil }
        for marker in ["queued as ", "queued as: ", "id="] {
            if let range = text.range(of: marker, options: .caseInsensitive) {
                let id = text[range.upperBound...].prefix { !$0.isWhitespace && $0 != ")" && $0 != ">" && $0 != "," }
                if !id.isEmpty { return String(id) }
            }
        }
        return nil
    }

    /// The most serious failure among the recipients: configuration over permanent over temporary; nil when all were accepted.
    public var worstSeverity: SMTPError.Severity? {
        let severities = recipients.compactMap { $0.error?.severity }
        if severities.contains(.configuration) { return .configuration }
        if severities.contains(.permanent) { return .permanent }
        return severities.isEmpty ? nil : .temporary
    }
}
