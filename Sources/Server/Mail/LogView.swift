import Foundation
import Store

/// A notification log entry as Herald shows it in JSON: the API's `notification-log` and
/// `herald log --json` alike, with snake_case keys (the OpenAPI document's `LogEntry`).
public struct LogView: Encodable, Sendable {
    public struct Recipient: Encodable, Sendable {
        public var address: String
        public var status: String
        public var reply_code: Int?
        public var enhanced_code: String?
        public var reply: String?
    }

    public struct Attempt: Encodable, Sendable {
        public var number: Int
        public var at: Date
        public var recipient: String?
        public var outcome: String
        public var reply_code: Int?
        public var enhanced_code: String?
        public var reply: String?
    }

    public var id: Int64
    public var tenant: String
    public var kind: String
    public var status: String
    public var subject: String
    public var message_id: String
    public var created_at: Date
    public var updated_at: Date
    /// Absent once the mail is final.
    public var next_attempt_at: Date?
    public var expires_at: Date?
    public var queue_id: String?
    public var recipients: [Recipient]
    public var attempts: [Attempt]

    public init(_ e: LogEntry) {
        id = e.entry.id!
        tenant = e.entry.tenantID
        kind = e.entry.kind.rawValue
        status = e.entry.status.rawValue
        subject = e.entry.subject
        message_id = e.entry.messageID
        created_at = e.entry.createdAt
        updated_at = e.entry.updatedAt
        next_attempt_at = e.entry.status.isFinal ? nil : e.entry.nextAttemptAt
        expires_at = e.entry.expiresAt
        queue_id = e.entry.queueID
        recipients = e.recipients.map {
            Recipient(address: $0.address, status: $0.status.rawValue, reply_code: $0.replyCode, enhanced_code: $0.enhancedCode, reply: $0.replyText)
        }
        attempts = e.attempts.map {
            Attempt(number: $0.number, at: $0.at, recipient: $0.recipient, outcome: $0.outcome, reply_code: $0.replyCode,
                    enhanced_code: $0.enhancedCode, reply: $0.replyText)
        }
    }
}
