import Foundation
import GRDB

// MARK: - Delivery: claims, leases, attempts

/// An entry a worker holds a lease on, with its MIME bytes and the recipients still to deliver.
public struct ClaimedMail: Sendable {
    public let entry: OutboxEntry
    public let message: Data
    public let pendingRecipients: [String]
}

/// What one delivery attempt did, per recipient, for ``Store/complete(_:)``.
public struct AttemptResult: Sendable {
    /// One recipient's outcome in this attempt.
    public struct Recipient: Sendable {
        public enum Outcome: String, Sendable { case accepted, temporary, permanent, configuration, suppressed, expired }
        public var address: String
        public var outcome: Outcome
        public var replyCode: Int?
        public var enhancedCode: String?
        public var replyText: String?
        /// Put the address on the tenant's suppression list (a permanent "no such user").
        public var suppress: Bool

        public init(address: String, outcome: Outcome, replyCode: Int? = nil, enhancedCode: String? = nil,
                    replyText: String? = nil, suppress: Bool = false) {
            self.address = address
            self.outcome = outcome
            self.replyCode = replyCode
            self.enhancedCode = enhancedCode
            self.replyText = replyText
            self.suppress = suppress
        }
    }

    public var outboxID: Int64
    public var leaseOwner: String
    public var at: Date
    public var recipients: [Recipient]
    public var queueID: String?
    /// When temporary failures remain, the next attempt's time; nil when retries are used up.
    public var retryAt: Date?

    public init(outboxID: Int64, leaseOwner: String, at: Date, recipients: [Recipient], queueID: String?, retryAt: Date?) {
        self.outboxID = outboxID
        self.leaseOwner = leaseOwner
        self.at = at
        self.recipients = recipients
        self.queueID = queueID
        self.retryAt = retryAt
    }
}

extension Store {
    /// Leases up to `limit` due entries of the most urgent lane that has any to `owner` until
    /// `now + lease`. Entries whose lease ran out (a crashed worker) are due again.
    public func claim(owner: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [ClaimedMail] {
        try await bookkeepingWrite { db in
            // Each status is its own range of the `outbox_due` index (status, priority, nextAttemptAt),
            // so every branch below reads only the rows it returns: a queue of 100,000 report mails
            // costs a claim no more than a queue of ten.
            guard let lane = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT MIN(p) FROM (
                  SELECT * FROM (SELECT priority AS p FROM outbox WHERE status = 'queued' AND nextAttemptAt <= :now ORDER BY priority LIMIT 1)
                  UNION ALL SELECT * FROM (SELECT priority FROM outbox WHERE status = 'retrying' AND nextAttemptAt <= :now ORDER BY priority LIMIT 1)
                  UNION ALL SELECT * FROM (SELECT priority FROM outbox WHERE status = 'sending' AND leaseUntil <= :now ORDER BY priority LIMIT 1))
                """), arguments: ["now": now.stored]) else { return [] }
            // An entry taken back from a lease that ran out during a send counts that lost attempt,
            // so a mail whose sending keeps killing the worker ends as failed instead of going out
            // forever; entries that were only claimed do not.
            let entries = try OutboxEntry.fetchAll(db.cachedStatement(sql: """
                UPDATE outbox SET attempts = CASE WHEN status = 'sending' AND sendStartedAt IS NOT NULL THEN attempts + 1 ELSE attempts END,
                  sendStartedAt = NULL, status = 'sending', leaseOwner = :owner, leaseUntil = :until, updatedAt = :now
                WHERE id IN (SELECT id FROM (
                  SELECT * FROM (SELECT id, nextAttemptAt FROM outbox WHERE status = 'queued' AND priority = :lane AND nextAttemptAt <= :now
                                 ORDER BY nextAttemptAt, id LIMIT :limit)
                  UNION ALL SELECT * FROM (SELECT id, nextAttemptAt FROM outbox WHERE status = 'retrying' AND priority = :lane AND nextAttemptAt <= :now
                                           ORDER BY nextAttemptAt, id LIMIT :limit)
                  UNION ALL SELECT * FROM (SELECT id, nextAttemptAt FROM outbox WHERE status = 'sending' AND priority = :lane AND leaseUntil <= :now
                                           ORDER BY nextAttemptAt, id LIMIT :limit))
                  ORDER BY nextAttemptAt, id LIMIT :limit)
                RETURNING *
                """), arguments: ["owner": owner, "until": now.addingTimeInterval(lease).stored, "now": now.stored, "lane": lane, "limit": limit])
            guard !entries.isEmpty else { return [] }
            // The bytes and pending recipients of all claimed entries in two statements, not two per entry.
            let ids = entries.map { $0.id! }
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            var messages: [Int64: Data] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT outboxID, message FROM outboxMessage WHERE outboxID IN (\(placeholders))"),
                                        arguments: StatementArguments(ids)) {
                messages[row[0]] = row[1]
            }
            var pending: [Int64: [String]] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT outboxID, address FROM outboxRecipient WHERE outboxID IN (\(placeholders)) AND status = 'pending' ORDER BY rowid
                """), arguments: StatementArguments(ids)) {
                pending[row[0], default: []].append(row[1])
            }
            return entries.sorted { ($0.nextAttemptAt, $0.id!) < ($1.nextAttemptAt, $1.id!) }.map { entry in
                ClaimedMail(entry: entry, message: messages[entry.id!] ?? Data(), pendingRecipients: pending[entry.id!] ?? [])
            }
        }
    }

    /// Extends `owner`'s lease on entry `id` to `now + lease` and marks the send as started, right before it.
    /// - Returns: false when the lease is no longer `owner`'s (it ran out and another worker took
    ///   the entry): the caller must not send it.
    public func renewLease(_ id: Int64, owner: String, now: Date, lease: TimeInterval) async throws -> Bool {
        try await bookkeepingWrite { db in
            try db.cachedStatement(sql: """
                UPDATE outbox SET leaseUntil = ?, sendStartedAt = ? WHERE id = ? AND leaseOwner = ? AND status = 'sending'
                """).execute(arguments: [now.addingTimeInterval(lease).stored, now.stored, id, owner])
            return db.changesCount == 1
        }
    }

    /// True when an entry of a more urgent lane than `priority` is due: a worker holding a run of
    /// less urgent mails hands them back rather than make a 2FA mail wait.
    public func hasMoreUrgent(than priority: Int, now: Date) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'queued' AND priority < :priority AND nextAttemptAt <= :now)
                  OR EXISTS (SELECT 1 FROM outbox WHERE status = 'retrying' AND priority < :priority AND nextAttemptAt <= :now)
                  OR EXISTS (SELECT 1 FROM outbox WHERE status = 'sending' AND priority < :priority AND leaseUntil <= :now)
                """), arguments: ["priority": priority, "now": now.stored]) ?? false
        }
    }

    /// Hands leased entries back untouched.
    public func release(_ ids: [Int64], owner: String, now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await bookkeepingWrite { db in
            for id in ids {
                try db.execute(sql: """
                    UPDATE outbox SET status = CASE WHEN attempts > 0 THEN 'retrying' ELSE 'queued' END,
                      leaseOwner = NULL, leaseUntil = NULL, updatedAt = ?
                    WHERE id = ? AND leaseOwner = ? AND status = 'sending'
                    """, arguments: [now.stored, id, owner])
            }
        }
    }

    /// Addresses among `addresses` on `tenantID`'s suppression list.
    public func suppressed(_ addresses: [String], tenantID: String) async throws -> Set<String> {
        try await read { db in
            var found = Set<String>()
            for address in addresses where try Suppression.fetchOne(db, key: ["tenantID": tenantID, "address": address.lowercased()]) != nil {
                found.insert(address)
            }
            return found
        }
    }

    /// Records an attempt: every recipient's reply, the entry's new status, suppressions, and an
    /// audit entry when the mail has failed for good. Ignored when the lease went to another worker.
    /// - Returns: the entry's status afterwards, or nil when the lease was lost.
    @discardableResult
    public func complete(_ result: AttemptResult) async throws -> OutboxStatus? {
        try await bookkeepingWrite { db in
            // One read for the lease check and every recipient's state; the message itself is neither
            // read nor rewritten. Cached statements: this runs once per delivered mail.
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT o.tenantID, o.kind, o.attempts, o.leaseOwner, o.status, r.address, r.status AS recipientStatus
                FROM outbox o JOIN outboxRecipient r ON r.outboxID = o.id WHERE o.id = ?
                """), arguments: [result.outboxID])
            guard let row = rows.first, row["leaseOwner"] as String? == result.leaseOwner,
                  row["status"] as String? == OutboxStatus.sending.rawValue
            else { return nil }
            let tenantID: String = row["tenantID"]
            let kind: String = row["kind"]
            let at = result.at.stored
            let number = (row["attempts"] as Int) + 1
            var recipientStates: [String: RecipientStatus] = [:]
            for r in rows { recipientStates[r["address"]] = RecipientStatus(rawValue: r["recipientStatus"]) }
            let insertAttempt = try db.cachedStatement(sql: """
                INSERT INTO attempt (outboxID, number, recipient, at, outcome, replyCode, enhancedCode, replyText)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let updateRecipient = try db.cachedStatement(sql: """
                UPDATE outboxRecipient SET status = ?, replyCode = ?, enhancedCode = ?, replyText = ?, updatedAt = ?
                WHERE outboxID = ? AND address = ?
                """)
            for r in result.recipients {
                try insertAttempt.execute(arguments: [result.outboxID, number, r.address, at, r.outcome.rawValue,
                                                      r.replyCode, r.enhancedCode, r.replyText])
                let status: RecipientStatus
                switch r.outcome {
                case .accepted: status = .accepted
                case .temporary: status = result.retryAt == nil ? .failed : .pending
                case .permanent, .configuration: status = .failed
                case .suppressed: status = .suppressed
                case .expired: status = .expired
                }
                try updateRecipient.execute(arguments: [status, r.replyCode, r.enhancedCode, r.replyText, at,
                                                        result.outboxID, r.address])
                if recipientStates[r.address] != nil { recipientStates[r.address] = status }
                if r.suppress {
                    try Suppression(tenantID: tenantID, address: r.address.lowercased(), reason: "no such user",
                                    replyCode: r.replyCode, enhancedCode: r.enhancedCode, replyText: r.replyText,
                                    createdAt: result.at).insert(db, onConflict: .ignore)
                    var audit = AuditEntry(at: result.at, actor: "system", action: "suppression.added", tenantID: tenantID,
                                           subject: "outbox:\(result.outboxID)",
                                           detail: "recipient suppressed after a permanent \(r.enhancedCode ?? String(r.replyCode ?? 0)) answer")
                    try audit.insert(db)
                }
            }
            let statuses = Array(recipientStates.values)
            let status: OutboxStatus
            if statuses.contains(.pending) {
                status = .retrying
            } else if statuses.allSatisfy({ $0 == .accepted }) {
                status = .sent
            } else if statuses.contains(.accepted) {
                status = .partiallySent
            } else if statuses.allSatisfy({ $0 == .expired }) {
                status = .expired
            } else if statuses.allSatisfy({ $0 == .suppressed }) {
                status = .suppressed
            } else {
                status = .failed
            }
            try db.cachedStatement(sql: """
                UPDATE outbox SET status = ?, attempts = ?, leaseOwner = NULL, leaseUntil = NULL, sendStartedAt = NULL, updatedAt = ?,
                  queueID = COALESCE(?, queueID), nextAttemptAt = CASE WHEN ? THEN ? ELSE nextAttemptAt END
                WHERE id = ?
                """).execute(arguments: [status, number, at, result.queueID, status == .retrying, result.retryAt?.stored ?? at,
                                 result.outboxID])
            if kind == MailKind.twoFactor.rawValue && status != .retrying {
                // A 2FA mail holds its code: once it is final the bytes are of no use and must not stay.
                try db.cachedStatement(sql: "DELETE FROM outboxMessage WHERE outboxID = ?").execute(arguments: [result.outboxID])
            }
            if status == .failed || status == .partiallySent {
                let failed = result.recipients.filter { $0.outcome != .accepted }
                let why = failed.first.map { "\($0.replyCode.map(String.init) ?? "")\($0.enhancedCode.map { " \($0)" } ?? "") \($0.replyText ?? $0.outcome.rawValue)" } ?? ""
                var audit = AuditEntry(at: result.at, actor: "system", action: "mail.failed", tenantID: tenantID,
                                       subject: "outbox:\(result.outboxID)",
                                       detail: "\(kind) mail \(status.rawValue) after \(number) attempt(s): \(failed.count) recipient(s) failed; last reply: \(why.trimmingCharacters(in: .whitespaces))")
                try audit.insert(db)
            }
            return status
        }
    }

    /// The next instant an entry falls due (a retry or an expired lease), for a worker's sleep.
    public func nextDue() async throws -> Date? {
        try await read { db in
            try Double.fetchOne(db, sql: """
                SELECT MIN(t) FROM (
                  SELECT MIN(nextAttemptAt) AS t FROM outbox WHERE status IN ('queued', 'retrying')
                  UNION ALL SELECT MIN(leaseUntil) FROM outbox WHERE status = 'sending')
                """).map(Date.init(timeIntervalSince1970:))
        }
    }
}
