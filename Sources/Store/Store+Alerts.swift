import Foundation
import GRDB

// MARK: - Alert events, problems and digests

extension Store {
    /// Records a state change, updates the open problem of its host and service as `change`
    /// says, and enqueues the mails `compose` makes, in one transaction shared with the other
    /// acceptances of the moment.
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
    public func recordAlert(_ event: AlertEvent, change: AlertChange, problemMessageID: String, now: Date,
                            compose: @Sendable (AlertProblem?) async throws -> [NewMail]) async throws -> (entries: [OutboxEntry], problem: AlertProblem?) {
        let key: [String: any DatabaseValueConvertible & Sendable] = ["tenantID": event.tenantID, "host": event.host, "service": event.service]
        for _ in 0..<5 {
            let before = try await read { db in try AlertProblem.fetchOne(db, key: key) }
            var after = before
            if change == .problem && before == nil {
                after = AlertProblem(tenantID: event.tenantID, host: event.host, service: event.service,
                                     messageID: problemMessageID, status: event.status, since: event.at)
            } else if change == .problem, before?.status != event.status {
                after?.status = event.status
            }
            let mails = try await compose(after)
            // Accepted together with the other mails of the moment (one flush for all).
            let done: Recorded? = try await groupWrite { [after] db in
                guard try AlertProblem.fetchOne(db, key: key) == before else { return nil }
                var event = event
                // A repeated state change (same host, service, instant and status) is recorded once.
                if change != .acknowledgement { try event.insert(db, onConflict: .ignore) }
                if change == .recovery {
                    try AlertProblem.deleteOne(db, key: key)
                } else if var after = after {
                    // A mail now carries the thread's Message-ID or replies to it.
                    if !mails.isEmpty { after.threadOpened = true }
                    if after != before { try after.save(db) }
                }
                return Recorded(entries: try mails.map { try Self.insert($0, db: db, now: now).entry }, problem: after)
            }
            if let done { return (done.entries, done.problem) }
        }
        throw StoreError(.database, "alert: the state of \(event.host) / \(event.service) kept changing while its mail was made; send it again")
    }

    /// A tenant's state changes of `[start, end)`, plus the last change before `start` per host and
    /// service (the state the period began in), oldest first.
    public func alertHistory(tenantID: String, start: Date, end: Date) async throws -> [AlertEvent] {
        try await read { db in
            let before = try AlertEvent.fetchAll(db, sql: """
                SELECT e.* FROM alertEvent e
                JOIN (SELECT host, service, MAX(at) AS at FROM alertEvent WHERE tenantID = ? AND at < ? GROUP BY host, service) last
                  ON e.host = last.host AND e.service = last.service AND e.at = last.at
                WHERE e.tenantID = ?
                """, arguments: [tenantID, start.stored, tenantID])
            let within = try AlertEvent.filter(AlertEvent.Columns.tenantID == tenantID && AlertEvent.Columns.at >= start.stored && AlertEvent.Columns.at < end.stored)
                .order(AlertEvent.Columns.at, AlertEvent.Columns.id).fetchAll(db)
            return before.sorted { ($0.at, $0.id ?? 0) < ($1.at, $1.id ?? 0) } + within
        }
    }

    /// Adds an event to a digest window.
    public func addDigestEvent(_ event: DigestEvent) async throws {
        try await write { db in
            var event = event
            try event.insert(db, onConflict: .ignore)
        }
    }

    /// Closed digest windows: events grouped by (tenant, channel, window end), oldest first.
    public func closedDigests(now: Date) async throws -> [[DigestEvent]] {
        try await read { db in
            let events = try DigestEvent.filter(DigestEvent.Columns.windowEnd <= now.stored).order(DigestEvent.Columns.windowEnd, DigestEvent.Columns.id).fetchAll(db)
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
    public func flushDigest(_ events: [DigestEvent], mails: [NewMail], now: Date) async throws -> [OutboxEntry] {
        try await write { db in
            let entries = try mails.map { try Self.insert($0, db: db, now: now).entry }
            _ = try DigestEvent.deleteAll(db, keys: events.compactMap(\.id))
            return entries
        }
    }

    /// The earliest closing digest window, for the digest worker's sleep.
    public func nextDigestWindow() async throws -> Date? {
        try await read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(windowEnd) FROM digestEvent").map { Date(timeIntervalSince1970: $0) }
        }
    }
}

/// What a state change does to the open problem of its host and service.
public enum AlertChange: Sendable, Equatable {
    /// A state change that opens the problem, or changes its status.
    case problem
    /// The service is OK again: its problem closes.
    case recovery
    /// Someone acknowledged the problem: no state changes, nothing is added to the history.
    case acknowledgement
    /// A state change for the history only (seeded or imported history): no problem is opened or closed.
    case historyOnly
}

/// What ``Store/recordAlert(_:change:problemMessageID:now:compose:)`` committed.
private struct Recorded: Sendable {
    let entries: [OutboxEntry]
    let problem: AlertProblem?
}
