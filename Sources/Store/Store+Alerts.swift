import Foundation
import GRDB

// MARK: - Alerts, digests, 2FA

extension Store {
    /// Records a state change (unless `record` is false: an acknowledgement changes no state),
    /// updates the open problem of its host and service, and enqueues the mails `compose` makes, in
    /// one transaction.
    ///
    /// `compose` runs before the transaction, with the problem as it will be after the change, so
    /// that rendering a mail never holds the write lock; should another change to the same host
    /// and service commit in between, the mails are made again for the new state.
    ///
    /// - Parameters:
    ///   - problemMessageID: the Message-ID a new problem's mail gets; recoveries and
    ///     acknowledgements thread under the open problem's.
    ///   - compose: makes the mail, given the open problem (nil when there is none); nil for no mail.
    /// - Returns: the enqueued entries, and the problem they refer to.
    public func recordAlert(_ event: AlertEvent, record: Bool = true, isProblem: Bool, isRecovery: Bool, problemMessageID: String, now: Date,
                            compose: (AlertProblem?) throws -> [NewMail]) throws -> (entries: [OutboxEntry], problem: AlertProblem?) {
        let key: [String: any DatabaseValueConvertible & Sendable] = ["tenantID": event.tenantID, "host": event.host, "service": event.service]
        for _ in 0..<5 {
            let before = try read { db in try AlertProblem.fetchOne(db, key: key) }
            var after = before
            if isProblem && before == nil {
                after = AlertProblem(tenantID: event.tenantID, host: event.host, service: event.service,
                                     messageID: problemMessageID, status: event.status, since: event.at)
            } else if isProblem, before?.status != event.status {
                after?.status = event.status
            }
            let mails = try compose(after)
            // Accepted together with the other mails of the moment (one flush for all).
            let done: (entries: [OutboxEntry], problem: AlertProblem?)? = try groupWriteWaiting { db in
                guard try AlertProblem.fetchOne(db, key: key) == before else { return nil }
                var event = event
                // A repeated state change (same host, service, instant and status) is recorded once.
                if record { try event.insert(db, onConflict: .ignore) }
                if isRecovery {
                    try AlertProblem.deleteOne(db, key: key)
                } else if var after {
                    // A mail now carries the thread's Message-ID or replies to it.
                    if !mails.isEmpty { after.threadOpened = true }
                    if after != before { try after.save(db) }
                }
                return (try mails.map { try Self.insert($0, db: db, now: now).entry }, after)
            }
            if let done { return done }
        }
        throw StoreError(.database, "alert: the state of \(event.host) / \(event.service) kept changing while its mail was made; send it again")
    }

    /// A tenant's state changes of `[start, end)`, plus the last change before `start` per host and
    /// service (the state the period began in), oldest first.
    public func alertHistory(tenantID: String, start: Date, end: Date) throws -> [AlertEvent] {
        try read { db in
            let before = try AlertEvent.fetchAll(db, sql: """
                SELECT e.* FROM alertEvent e
                JOIN (SELECT host, service, MAX(at) AS at FROM alertEvent WHERE tenantID = ? AND at < ? GROUP BY host, service) last
                  ON e.host = last.host AND e.service = last.service AND e.at = last.at
                WHERE e.tenantID = ?
                """, arguments: [tenantID, start.stored, tenantID])
            let within = try AlertEvent.filter(Column("tenantID") == tenantID && Column("at") >= start.stored && Column("at") < end.stored)
                .order(Column("at"), Column("id")).fetchAll(db)
            return before.sorted { ($0.at, $0.id ?? 0) < ($1.at, $1.id ?? 0) } + within
        }
    }

    /// Adds an event to a digest window.
    public func addDigestEvent(_ event: DigestEvent) throws {
        try write { db in
            var event = event
            try event.insert(db, onConflict: .ignore)
        }
    }

    /// Closed digest windows: events grouped by (tenant, channel, window end), oldest first.
    public func closedDigests(now: Date) throws -> [[DigestEvent]] {
        try read { db in
            let events = try DigestEvent.filter(Column("windowEnd") <= now.stored).order(Column("windowEnd"), Column("id")).fetchAll(db)
            var groups: [String: [DigestEvent]] = [:]
            var order: [String] = []
            for event in events {
                let key = "\(event.tenantID)\u{0}\(event.channel)\u{0}\(event.windowEnd.stored)"
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(event)
            }
            return order.map { groups[$0]! }
        }
    }

    /// Enqueues a digest's mails (one per locale) and removes its events, in one transaction.
    public func flushDigest(_ events: [DigestEvent], mails: [NewMail], now: Date) throws -> [OutboxEntry] {
        try write { db in
            let entries = try mails.map { try Self.insert($0, db: db, now: now).entry }
            _ = try DigestEvent.deleteAll(db, keys: events.compactMap(\.id))
            return entries
        }
    }

    /// The earliest closing digest window, for the digest worker's sleep.
    public func nextDigestWindow() throws -> Date? {
        try read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(windowEnd) FROM digestEvent").map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// The number of 2FA challenges for an address since `since`: the rate limit's count.
    public func twoFactorCount(tenantID: String, address: String, since: Date) throws -> Int {
        try read { db in
            try TwoFactorChallenge.filter(Column("tenantID") == tenantID && Column("address") == address && Column("createdAt") >= since.stored).fetchCount(db)
        }
    }

    /// Stores a challenge and enqueues its mail (highest lane), in one transaction, unless the
    /// address has `limit` challenges since `since` already: the count and the insert share the
    /// transaction, so parallel requests cannot pass the limit together.
    /// - Returns: the entry, or nil when the limit is reached.
    public func createTwoFactor(_ challenge: TwoFactorChallenge, mail: NewMail, now: Date, limit: Int, since: Date) throws -> OutboxEntry? {
        try groupWriteWaiting { db in
            let recent = try TwoFactorChallenge.filter(Column("tenantID") == challenge.tenantID && Column("address") == challenge.address
                                                       && Column("createdAt") >= since.stored).fetchCount(db)
            guard recent < limit else { return nil }
            let entry = try Self.insert(mail, db: db, now: now).entry
            var challenge = challenge
            challenge.outboxID = entry.id
            try challenge.insert(db)
            return entry
        }
    }

    /// Loads a tenant's challenge, lets `check` decide, and stores the counted attempt, in one
    /// transaction (so concurrent guesses are counted, not lost).
    public func verifyTwoFactor<T>(id: String, tenantID: String, now: Date,
                                   check: (inout TwoFactorChallenge) throws -> T) throws -> T? {
        try write { db in
            guard var challenge = try TwoFactorChallenge.filter(Column("id") == id && Column("tenantID") == tenantID).fetchOne(db) else {
                return nil
            }
            let result = try check(&challenge)
            try challenge.update(db)
            return result
        }
    }
}

// MARK: - Retention

extension Store {
    /// How long state history is kept: long enough for a previous-quarter report and a year's comparison.
    public static let historyDays = 400

    /// Deletes what the service no longer needs, in one transaction: report runs older than
    /// `days` (but never a schedule's latest), 2FA challenges a day after they expired, and state
    /// changes older than ``historyDays`` except each service's last one (its state when a later
    /// period begins).
    /// - Returns: how many rows went.
    @discardableResult
    public func pruneService(olderThanDays days: Int, now: Date) throws -> Int {
        try write { db in
            let runs = now.addingTimeInterval(-Double(days) * 86_400).stored
            try db.execute(sql: """
                DELETE FROM reportRun WHERE updatedAt < ? AND status != 'pending'
                  AND slot < (SELECT MAX(slot) FROM reportRun latest WHERE latest.scheduleID = reportRun.scheduleID)
                """, arguments: [runs])
            var removed = db.changesCount
            try db.execute(sql: "DELETE FROM twoFactor WHERE expiresAt < ?", arguments: [now.addingTimeInterval(-86_400).stored])
            removed += db.changesCount
            try db.execute(sql: """
                DELETE FROM alertEvent WHERE at < ? AND id NOT IN (SELECT MAX(id) FROM alertEvent GROUP BY tenantID, host, service)
                """, arguments: [now.addingTimeInterval(-Double(Self.historyDays) * 86_400).stored])
            removed += db.changesCount
            return removed
        }
    }
}
