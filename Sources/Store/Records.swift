import Foundation
import GRDB

extension Date {
    /// How instants are stored: seconds since 1970 as a REAL, which compares and sorts in SQL and
    /// costs nothing to encode (GRDB's default text form goes through a date formatter).
    var stored: Double { timeIntervalSince1970 }

    /// The instant a stored number stands for.
    init(stored: Double) { self.init(timeIntervalSince1970: stored) }
}

/// A record whose instants the database keeps as seconds since 1970 (a REAL column): one date
/// strategy for every record, so that SQL comparing instants (`nextAttemptAt <= ?`) compares numbers.
public protocol UnixTimeRecord {}

extension FetchableRecord where Self: UnixTimeRecord {
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy { .timeIntervalSince1970 }
}

extension EncodableRecord where Self: UnixTimeRecord {
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy { .timeIntervalSince1970 }
}

/// The kind of a mail, which decides its priority lane.
public enum MailKind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case twoFactor = "2fa", alert, digest, report, test

    /// Lower goes first: 2FA, then alerts, then digests, reports and test mails.
    public var priority: Int {
        switch self {
        case .twoFactor: 0
        case .alert: 1
        case .digest, .report, .test: 2
        }
    }
}

/// Where a mail stands, as the notification log shows it.
public enum OutboxStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case queued, sending, retrying, sent, partiallySent = "partially-sent", failed, expired, suppressed

    /// True when nothing more will happen to the mail.
    public var isFinal: Bool { [.sent, .partiallySent, .failed, .expired, .suppressed].contains(self) }
}

/// Where one recipient of a mail stands.
public enum RecipientStatus: String, Codable, Sendable, DatabaseValueConvertible {
    case pending, accepted, failed, suppressed, expired
}

/// One mail in the outbox: the envelope sender and its state. The MIME bytes live in their own
/// table, written once, so the frequent state updates stay small rows.
public struct OutboxEntry: Codable, Sendable, FetchableRecord, MutablePersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "outbox"
    public var id: Int64?
    public var tenantID: String
    public var kind: MailKind
    public var priority: Int
    public var status: OutboxStatus
    public var messageID: String
    public var subject: String
    public var mailFrom: String
    public var idempotencyKey: String?
    public var createdAt: Date
    public var expiresAt: Date?
    public var nextAttemptAt: Date
    public var attempts: Int
    public var leaseOwner: String?
    public var leaseUntil: Date?
    public var sendStartedAt: Date?
    public var queueID: String?
    public var updatedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

// Workers decode and write these rows for every mail; reading columns by name directly is several
// times cheaper than going through Codable (half of a claim's time went to the decoder).
extension OutboxEntry {
    public init(row: Row) throws {
        id = row["id"]
        tenantID = row["tenantID"]
        kind = row["kind"]
        priority = row["priority"]
        status = row["status"]
        messageID = row["messageID"]
        subject = row["subject"]
        mailFrom = row["mailFrom"]
        idempotencyKey = row["idempotencyKey"]
        createdAt = Date(stored: row["createdAt"])
        expiresAt = (row["expiresAt"] as Double?).map(Date.init(stored:))
        nextAttemptAt = Date(stored: row["nextAttemptAt"])
        attempts = row["attempts"]
        leaseOwner = row["leaseOwner"]
        leaseUntil = (row["leaseUntil"] as Double?).map(Date.init(stored:))
        sendStartedAt = (row["sendStartedAt"] as Double?).map(Date.init(stored:))
        queueID = row["queueID"]
        updatedAt = Date(stored: row["updatedAt"])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["tenantID"] = tenantID
        container["kind"] = kind
        container["priority"] = priority
        container["status"] = status
        container["messageID"] = messageID
        container["subject"] = subject
        container["mailFrom"] = mailFrom
        container["idempotencyKey"] = idempotencyKey
        container["createdAt"] = createdAt.stored
        container["expiresAt"] = expiresAt?.stored
        container["nextAttemptAt"] = nextAttemptAt.stored
        container["attempts"] = attempts
        container["leaseOwner"] = leaseOwner
        container["leaseUntil"] = leaseUntil?.stored
        container["sendStartedAt"] = sendStartedAt?.stored
        container["queueID"] = queueID
        container["updatedAt"] = updatedAt.stored
    }
}

/// One envelope recipient of an outbox entry, with the server's last word about it.
public struct OutboxRecipient: Codable, Sendable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "outboxRecipient"
    public var outboxID: Int64
    public var address: String
    public var status: RecipientStatus
    public var replyCode: Int?
    public var enhancedCode: String?
    public var replyText: String?
    public var updatedAt: Date
}

extension OutboxRecipient {
    public init(row: Row) throws {
        outboxID = row["outboxID"]
        address = row["address"]
        status = row["status"]
        replyCode = row["replyCode"]
        enhancedCode = row["enhancedCode"]
        replyText = row["replyText"]
        updatedAt = Date(stored: row["updatedAt"])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["outboxID"] = outboxID
        container["address"] = address
        container["status"] = status
        container["replyCode"] = replyCode
        container["enhancedCode"] = enhancedCode
        container["replyText"] = replyText
        container["updatedAt"] = updatedAt.stored
    }
}

/// One delivery attempt for one recipient (or for the whole message when it failed before the recipients).
public struct Attempt: Codable, Sendable, FetchableRecord, MutablePersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "attempt"
    public var id: Int64?
    public var outboxID: Int64
    public var number: Int
    public var recipient: String?
    public var at: Date
    /// `accepted`, `temporary`, `permanent`, `configuration`, `suppressed` or `expired`.
    public var outcome: String
    public var replyCode: Int?
    public var enhancedCode: String?
    public var replyText: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An append-only record of who did what when.
public struct AuditEntry: Codable, Sendable, FetchableRecord, MutablePersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "audit"
    public var id: Int64?
    public var at: Date
    /// Who acted: `system`, `admin`, `cli`, a tenant token's name...
    public var actor: String
    /// What happened, e.g. `mail.failed`, `suppression.added`, `settings.changed`.
    public var action: String
    public var tenantID: String?
    /// What it happened to, e.g. `outbox:42`.
    public var subject: String?
    public var detail: String

    public init(at: Date, actor: String, action: String, tenantID: String? = nil, subject: String? = nil, detail: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.tenantID = tenantID
        self.subject = subject
        self.detail = detail
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An address a tenant's mails are no longer sent to, after a permanent "no such user" answer.
public struct Suppression: Codable, Sendable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "suppression"
    public var tenantID: String
    public var address: String
    public var reason: String
    public var replyCode: Int?
    public var enhancedCode: String?
    public var replyText: String?
    public var createdAt: Date
}

/// A key-value setting (SMTP settings and the like), changed through the store so changes are audited.
public struct Setting: Codable, Sendable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "setting"
    public var key: String
    public var value: String
    public var updatedAt: Date
}

extension Attempt {
    /// The columns queries name.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let outboxID = Column(CodingKeys.outboxID)
    }
}

extension AuditEntry {
    /// The columns queries name.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let tenantID = Column(CodingKeys.tenantID)
    }
}

extension OutboxEntry {
    /// The columns queries name.
    public enum Columns {
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let id = Column(CodingKeys.id)
        public static let idempotencyKey = Column(CodingKeys.idempotencyKey)
        public static let kind = Column(CodingKeys.kind)
        public static let status = Column(CodingKeys.status)
        public static let tenantID = Column(CodingKeys.tenantID)
    }
}

extension OutboxRecipient {
    /// The columns queries name.
    public enum Columns {
        public static let outboxID = Column(CodingKeys.outboxID)
    }
}

extension Suppression {
    /// The columns queries name.
    public enum Columns {
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let tenantID = Column(CodingKeys.tenantID)
    }
}
