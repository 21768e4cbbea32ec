import Foundation
import GRDB

/// What a token may do.
public enum TokenScope: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    /// Everything of its tenant.
    case tenant
    /// Its tenant's reads only.
    case tenantRead = "tenant:read"
    /// Posting its tenant's alerts only.
    case alerts
    /// Asking for and checking its tenant's 2FA codes only.
    case twoFactor = "2fa"
}

/// An API token of a tenant; only its SHA-256 is stored.
public struct APIToken: Codable, Sendable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "apiToken"
    /// Lower-case hex SHA-256 of the token.
    public var hash: String
    public var tenantID: String
    public var name: String
    public var createdAt: Date
    public var scope: TokenScope = .tenant
    /// After this instant the token is refused; nil: never.
    public var expiresAt: Date?
    /// When it was last used (to the minute).
    public var lastUsedAt: Date?

    public init(hash: String, tenantID: String, name: String, createdAt: Date, scope: TokenScope = .tenant, expiresAt: Date? = nil) {
        self.hash = hash
        self.tenantID = tenantID
        self.name = name
        self.createdAt = createdAt
        self.scope = scope
        self.expiresAt = expiresAt
    }

    /// The token's public name in lists and revocations: the start of its hash, which says
    /// nothing of the token itself.
    public var id: String { "tok_" + hash.prefix(16) }
}

/// A report schedule. The store keeps the definition as the JSON the service gives it; the
/// service owns its shape and validation.
public struct ScheduleRecord: Codable, Sendable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "schedule"
    public var id: String
    public var tenantID: String
    /// The schedule's definition as JSON.
    public var definition: String
    public var enabled: Bool
    /// Slots at or before this instant never run (the schedule did not exist, or was changed then).
    public var activeSince: Date
    /// The last slot the scheduler handled.
    public var handledThrough: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, tenantID: String, definition: String, enabled: Bool, activeSince: Date,
                handledThrough: Date? = nil, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.definition = definition
        self.enabled = enabled
        self.activeSince = activeSince
        self.handledThrough = handledThrough
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What became of one slot of a schedule.
public enum ReportRunStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Due; a report worker will render and enqueue it.
    case pending
    /// Its mails are in the outbox.
    case enqueued
    /// Rendering or composing failed; `detail` says why.
    case failed
    /// Not run (a later slot ran instead, or it was too late); `detail` says which.
    case missed
}

/// One slot (schedule, instant) and what became of it: the record that keeps a restart from
/// running a slot twice or skipping it without a trace.
public struct ReportRun: Codable, Sendable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "reportRun"
    public var scheduleID: String
    public var slot: Date
    public var tenantID: String
    public var status: ReportRunStatus
    public var detail: String?
    /// Comma-separated outbox ids of the run's mails.
    public var outboxIDs: String?
    /// ``outboxIDs`` as numbers.
    public var outboxIDList: [Int64] { (outboxIDs ?? "").split(separator: ",").compactMap { Int64($0) } }
    /// An ad-hoc run's request as JSON; nil for scheduled runs.
    public var request: String?
    /// When the missed-run watchdog reported this slot.
    public var overdueAt: Date?
    /// Attempts that failed for a passing cause (a data source or the database); the run is
    /// tried again at `retryAt`.
    public var attempts: Int = 0
    public var retryAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(scheduleID: String, slot: Date, tenantID: String, status: ReportRunStatus, detail: String? = nil,
                outboxIDs: String? = nil, request: String? = nil, overdueAt: Date? = nil, createdAt: Date, updatedAt: Date) {
        self.request = request
        self.overdueAt = overdueAt
        self.scheduleID = scheduleID
        self.slot = slot
        self.tenantID = tenantID
        self.status = status
        self.detail = detail
        self.outboxIDs = outboxIDs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A tenant's own mail templates for one kind and locale.
public struct CustomTemplate: Codable, Sendable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "customTemplate"
    public var tenantID: String
    public var kind: String
    public var locale: String
    public var subject: String
    public var text: String
    public var html: String?
    public var updatedAt: Date

    public init(tenantID: String, kind: String, locale: String, subject: String, text: String, html: String?, updatedAt: Date) {
        self.tenantID = tenantID
        self.kind = kind
        self.locale = locale
        self.subject = subject
        self.text = text
        self.html = html
        self.updatedAt = updatedAt
    }
}

/// A state change of a host's service, as received from the monitoring product.
public struct AlertEvent: Codable, Sendable, FetchableRecord, MutablePersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "alertEvent"
    public var id: Int64?
    public var tenantID: String
    public var host: String
    public var service: String
    public var status: AlertStatus
    public var message: String
    public var at: Date

    public init(tenantID: String, host: String, service: String, status: AlertStatus, message: String, at: Date) {
        self.tenantID = tenantID
        self.host = host
        self.service = service
        self.status = status
        self.message = message
        self.at = at
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A service's state as the monitoring product reports it.
public enum AlertStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case ok = "OK", warn = "WARN", crit = "CRIT", noData = "NO_DATA"
}

/// The open problem of a host's service and the Message-ID its recovery threads under.
public struct AlertProblem: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "alertProblem"
    public var tenantID: String
    public var host: String
    public var service: String
    public var messageID: String
    public var status: AlertStatus
    public var since: Date
    /// True once a mail carries ``messageID`` (a problem that began in a digest has none yet):
    /// until then the problem's next mail opens its thread.
    public var threadOpened = false

    public init(tenantID: String, host: String, service: String, messageID: String, status: AlertStatus, since: Date) {
        self.tenantID = tenantID
        self.host = host
        self.service = service
        self.messageID = messageID
        self.status = status
        self.since = since
    }
}

/// An event waiting for its digest window to close.
public struct DigestEvent: Codable, Sendable, FetchableRecord, MutablePersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "digestEvent"
    public var id: Int64?
    public var tenantID: String
    /// The channel (recipients, locale, window) as the service keys it.
    public var channel: String
    public var windowEnd: Date
    /// The event as JSON.
    public var event: String

    public init(tenantID: String, channel: String, windowEnd: Date, event: String) {
        self.tenantID = tenantID
        self.channel = channel
        self.windowEnd = windowEnd
        self.event = event
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A 2FA code sent to an address: only its hash is kept.
public struct TwoFactorChallenge: Codable, Sendable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "twoFactor"
    public var id: String
    public var tenantID: String
    public var address: String
    /// HMAC-SHA-256 of the code under a key only the service holds.
    public var codeHash: Data
    public var createdAt: Date
    public var expiresAt: Date
    public var attempts: Int
    public var verifiedAt: Date?
    public var outboxID: Int64?

    public init(id: String, tenantID: String, address: String, codeHash: Data, createdAt: Date, expiresAt: Date,
                attempts: Int = 0, verifiedAt: Date? = nil, outboxID: Int64? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.address = address
        self.codeHash = codeHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.attempts = attempts
        self.verifiedAt = verifiedAt
        self.outboxID = outboxID
    }
}

extension AlertEvent {
    /// The columns queries name.
    public enum Columns {
        public static let at = Column(CodingKeys.at)
        public static let id = Column(CodingKeys.id)
        public static let tenantID = Column(CodingKeys.tenantID)
    }
}

extension DigestEvent {
    /// The columns queries name.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let windowEnd = Column(CodingKeys.windowEnd)
    }
}

extension ReportRun {
    /// The columns queries name.
    public enum Columns {
        public static let retryAt = Column(CodingKeys.retryAt)
        public static let scheduleID = Column(CodingKeys.scheduleID)
        public static let slot = Column(CodingKeys.slot)
        public static let status = Column(CodingKeys.status)
        public static let tenantID = Column(CodingKeys.tenantID)
    }
}

extension ScheduleRecord {
    /// The columns queries name.
    public enum Columns {
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let enabled = Column(CodingKeys.enabled)
        public static let id = Column(CodingKeys.id)
        public static let tenantID = Column(CodingKeys.tenantID)
    }
}

extension TwoFactorChallenge {
    /// The columns queries name.
    public enum Columns {
        public static let address = Column(CodingKeys.address)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let id = Column(CodingKeys.id)
        public static let tenantID = Column(CodingKeys.tenantID)
    }
}

extension APIToken {
    /// The columns queries name.
    public enum Columns {
        public static let tenantID = Column(CodingKeys.tenantID)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let hash = Column(CodingKeys.hash)
    }
}
