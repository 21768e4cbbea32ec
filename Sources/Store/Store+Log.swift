import Foundation
import GRDB

/// Filters for the notification log; nil means any.
public struct LogQuery: Sendable {
    public var tenantID: String?
    public var status: OutboxStatus?
    public var kind: MailKind?
    /// A recipient address (exact, case-insensitive).
    public var recipient: String?
    public var from: Date?
    public var until: Date?
    /// Page size.
    public var limit: Int
    /// Paging: entries with an id below this one (the last id of the previous page).
    public var before: Int64?

    public init(tenantID: String? = nil, status: OutboxStatus? = nil, kind: MailKind? = nil, recipient: String? = nil,
                from: Date? = nil, until: Date? = nil, limit: Int = 50, before: Int64? = nil) {
        self.tenantID = tenantID
        self.status = status
        self.kind = kind
        self.recipient = recipient
        self.from = from
        self.until = until
        self.limit = limit
        self.before = before
    }
}

/// One mail in the notification log: the entry, its recipients with the server's last reply, and every attempt.
public struct LogEntry: Sendable {
    public let entry: OutboxEntry
    public let recipients: [OutboxRecipient]
    public let attempts: [Attempt]
}

extension Store {
    /// The notification log, newest first.
    public func log(_ query: LogQuery) async throws -> [LogEntry] {
        try await read { db in
            var request = OutboxEntry.order(OutboxEntry.Columns.id.desc).limit(max(1, min(query.limit, 1000)))
            if let t = query.tenantID { request = request.filter(OutboxEntry.Columns.tenantID == t) }
            if let s = query.status { request = request.filter(OutboxEntry.Columns.status == s) }
            if let k = query.kind { request = request.filter(OutboxEntry.Columns.kind == k) }
            if let f = query.from { request = request.filter(OutboxEntry.Columns.createdAt >= f.stored) }
            if let u = query.until { request = request.filter(OutboxEntry.Columns.createdAt < u.stored) }
            if let b = query.before { request = request.filter(OutboxEntry.Columns.id < b) }
            if let r = query.recipient {
                request = request.filter(sql: "id IN (SELECT outboxID FROM outboxRecipient WHERE address = ? COLLATE NOCASE)", arguments: [r])
            }
            let entries = try request.fetchAll(db)
            // Two queries for the whole page, not two per entry.
            let ids = entries.compactMap(\.id)
            let recipients = Dictionary(grouping: try OutboxRecipient.filter(ids.contains(OutboxRecipient.Columns.outboxID)).order(sql: "rowid").fetchAll(db), by: \.outboxID)
            let attempts = Dictionary(grouping: try Attempt.filter(ids.contains(Attempt.Columns.outboxID)).order(Attempt.Columns.id).fetchAll(db), by: \.outboxID)
            return entries.map { LogEntry(entry: $0, recipients: recipients[$0.id!] ?? [], attempts: attempts[$0.id!] ?? []) }
        }
    }

    /// A tenant's suppression list (all tenants when nil), newest first.
    public func suppressions(tenantID: String?) async throws -> [Suppression] {
        try await read { db in
            var request = Suppression.order(Suppression.Columns.createdAt.desc)
            if let tenantID { request = request.filter(Suppression.Columns.tenantID == tenantID) }
            return try request.fetchAll(db)
        }
    }

    /// Lifts a suppression and audits who did it.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/notFound`` when the address is not suppressed.
    public func liftSuppression(tenantID: String, address: String, actor: String, now: Date) async throws {
        try await write { db in
            guard try Suppression.deleteOne(db, key: ["tenantID": tenantID, "address": address.lowercased()]) else {
                throw StoreError(.notFound, "suppression: \(address) is not on tenant \(tenantID)'s suppression list")
            }
            var audit = AuditEntry(at: now, actor: actor, action: "suppression.lifted", tenantID: tenantID,
                                   subject: "suppression", detail: "a suppressed address was lifted")
            try audit.insert(db)
        }
    }
}
