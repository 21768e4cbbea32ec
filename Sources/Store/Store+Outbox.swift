import Foundation
import GRDB

/// A mail to put into the outbox.
public struct NewMail: Sendable {
    public var tenantID: String
    public var kind: MailKind
    /// The final MIME bytes.
    public var message: Data
    public var messageID: String
    public var subject: String
    public var mailFrom: String
    public var recipients: [String]
    /// A caller's key (a client retrying a 2FA request, a report slot): the same key yields the same entry.
    public var idempotencyKey: String?
    /// After this instant the mail is never sent; 2FA mails get ten minutes when nil.
    public var expiresAt: Date?

    public init(tenantID: String, kind: MailKind, message: Data, messageID: String, subject: String,
                mailFrom: String, recipients: [String], idempotencyKey: String? = nil, expiresAt: Date? = nil) {
        self.tenantID = tenantID
        self.kind = kind
        self.message = message
        self.messageID = messageID
        self.subject = subject
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.idempotencyKey = idempotencyKey
        self.expiresAt = expiresAt
    }
}

extension Store {
    /// 2FA mails expire after this long unless the caller says otherwise.
    public static let defaultTwoFactorExpiry: TimeInterval = 600

    /// Puts a mail into the outbox, or returns the existing entry for the same idempotency key.
    /// The mail commits together with the other mails accepted at the same moment (one
    /// transaction and one flush to the disk for all, ``GroupCommit``) and, with
    /// ``Durability/full``, is on disk before this returns.
    /// - Returns: the entry and whether it was created now.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidInput`` when there is no recipient.
    public func enqueue(_ mail: NewMail, now: Date) async throws -> (entry: OutboxEntry, created: Bool) {
        let result = try await groupWrite { db in Accepted(try Self.insert(mail, db: db, now: now)) }
        return (result.entry, result.created)
    }

    /// ``enqueue(_:now:)`` inside a transaction the caller holds, so that other changes commit with the mail.
    static func insert(_ mail: NewMail, db: Database, now: Date) throws -> (entry: OutboxEntry, created: Bool) {
        guard !mail.recipients.isEmpty else {
            throw StoreError(.invalidInput, "recipients: a mail needs at least one recipient")
        }
        if let key = mail.idempotencyKey,
           let existing = try OutboxEntry.filter(OutboxEntry.Columns.tenantID == mail.tenantID && OutboxEntry.Columns.idempotencyKey == key).fetchOne(db) {
            return (existing, false)
        }
        let expiry = mail.expiresAt ?? (mail.kind == .twoFactor ? now.addingTimeInterval(Self.defaultTwoFactorExpiry) : nil)
        var entry = OutboxEntry(id: nil, tenantID: mail.tenantID, kind: mail.kind, priority: mail.kind.priority,
                                status: .queued, messageID: mail.messageID, subject: mail.subject, mailFrom: mail.mailFrom,
                                idempotencyKey: mail.idempotencyKey, createdAt: now,
                                expiresAt: expiry, nextAttemptAt: now, attempts: 0, leaseOwner: nil, leaseUntil: nil,
                                sendStartedAt: nil, queueID: nil, updatedAt: now)
        // Cached statements rather than record inserts: this runs once per mail, and GRDB's generic
        // insert cost more than the SQL itself.
        try db.cachedStatement(sql: """
            INSERT INTO outbox (tenantID, kind, priority, status, messageID, subject, mailFrom, idempotencyKey,
                                createdAt, expiresAt, nextAttemptAt, attempts, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
            """).execute(arguments: [entry.tenantID, entry.kind, entry.priority, entry.status, entry.messageID, entry.subject,
                                     entry.mailFrom, entry.idempotencyKey, now.stored, expiry?.stored, now.stored, now.stored])
        let id = db.lastInsertedRowID
        entry.id = id
        try db.cachedStatement(sql: "INSERT INTO outboxMessage (outboxID, message) VALUES (?, ?)").execute(arguments: [id, mail.message])
        let recipient = try db.cachedStatement(sql: """
            INSERT INTO outboxRecipient (outboxID, address, status, updatedAt) VALUES (?, ?, 'pending', ?)
            """)
        var seen = Set<String>()
        for address in mail.recipients where seen.insert(address.lowercased()).inserted {
            try recipient.execute(arguments: [id, address, now.stored])
        }
        return (entry, true)
    }

    /// Deletes sent and otherwise final entries (with their attempts) and nothing else, when older than `days`.
    /// - Returns: how many entries went.
    @discardableResult
    public func prune(olderThanDays days: Int, now: Date) async throws -> Int {
        try await write { db in
            let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
            try db.execute(sql: """
                DELETE FROM outbox WHERE status IN ('sent', 'partially-sent', 'failed', 'expired', 'suppressed') AND updatedAt < ?
                """, arguments: [cutoff.stored])
            return db.changesCount
        }
    }

    /// The entries with these ids (those that still exist), by id.
    public func entries(_ ids: [Int64]) async throws -> [OutboxEntry] {
        guard !ids.isEmpty else { return [] }
        return try await read { db in try OutboxEntry.filter(keys: ids).order(OutboxEntry.Columns.id).fetchAll(db) }
    }

    /// The entry with `id`, or nil.
    public func entry(_ id: Int64) async throws -> OutboxEntry? {
        try await read { db in try OutboxEntry.fetchOne(db, key: id) }
    }

    /// The entry's recipients and their state.
    public func recipients(of id: Int64) async throws -> [OutboxRecipient] {
        try await read { db in try OutboxRecipient.filter(OutboxRecipient.Columns.outboxID == id).order(sql: "rowid").fetchAll(db) }
    }

    /// The entry's attempts, oldest first.
    public func attempts(of id: Int64) async throws -> [Attempt] {
        try await read { db in try Attempt.filter(Attempt.Columns.outboxID == id).order(Attempt.Columns.id).fetchAll(db) }
    }

    /// Mails by kind and status, for metrics.
    public func mailCounts() async throws -> [(kind: String, status: String, count: Int)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT kind, status, COUNT(*) AS n FROM outbox GROUP BY kind, status").map {
                (kind: $0["kind"], status: $0["status"], count: $0["n"])
            }
        }
    }

    /// How many entries are waiting per kind (queued, retrying or sending), for metrics.
    public func queueDepth() async throws -> [MailKind: Int] {
        try await read { db in
            var depth: [MailKind: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM outbox WHERE status IN ('queued', 'retrying', 'sending') GROUP BY kind") {
                if let kind = MailKind(rawValue: row["kind"]) { depth[kind] = row["n"] }
            }
            return depth
        }
    }
}

/// An accepted mail handed back from the writer's thread.
private struct Accepted: Sendable {
    let entry: OutboxEntry
    let created: Bool
    init(_ result: (entry: OutboxEntry, created: Bool)) { (entry, created) = result }
}
