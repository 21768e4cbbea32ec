import Foundation
import GRDB

// MARK: - Schedules and report runs

extension Store {
    /// Inserts or replaces a schedule and audits the change.
    /// - Parameter maxCount: for a new schedule, how many the tenant may have at most; checked in
    ///   the same transaction, so parallel requests cannot pass it together.
    /// - Returns: false when a new schedule would exceed `maxCount` (nothing is written).
    @discardableResult
    public func saveSchedule(_ schedule: ScheduleRecord, actor: String, now: Date, created: Bool, maxCount: Int? = nil) async throws -> Bool {
        try await write { db in
            if created {
                if let maxCount, try ScheduleRecord.filter(ScheduleRecord.Columns.tenantID == schedule.tenantID).fetchCount(db) >= maxCount {
                    return false
                }
                try schedule.insert(db)
            } else {
                // A change never brings back a schedule deleted in the meantime.
                do { try schedule.update(db) } catch RecordError.recordNotFound {
                    throw StoreError(.notFound, "schedule: \(schedule.id) was deleted")
                }
            }
            var audit = AuditEntry(at: now, actor: actor, action: created ? "schedule.created" : "schedule.changed",
                                   tenantID: schedule.tenantID, subject: "schedule:\(schedule.id)", detail: schedule.definition)
            try audit.insert(db)
            return true
        }
    }

    /// A tenant's schedule, or nil (also when it belongs to another tenant).
    public func schedule(_ id: String, tenantID: String) async throws -> ScheduleRecord? {
        try await read { db in try ScheduleRecord.filter(ScheduleRecord.Columns.id == id && ScheduleRecord.Columns.tenantID == tenantID).fetchOne(db) }
    }

    /// A tenant's schedules, oldest first.
    public func schedules(tenantID: String) async throws -> [ScheduleRecord] {
        try await read { db in try ScheduleRecord.filter(ScheduleRecord.Columns.tenantID == tenantID).order(ScheduleRecord.Columns.createdAt, ScheduleRecord.Columns.id).fetchAll(db) }
    }

    /// Every enabled schedule, for the scheduler.
    public func enabledSchedules() async throws -> [ScheduleRecord] {
        try await read { db in try ScheduleRecord.filter(ScheduleRecord.Columns.enabled == true).fetchAll(db) }
    }

    /// Deletes a tenant's schedule; false when it does not exist. Its runs stay in the log.
    public func deleteSchedule(_ id: String, tenantID: String, actor: String, now: Date) async throws -> Bool {
        try await write { db in
            guard try ScheduleRecord.filter(ScheduleRecord.Columns.id == id && ScheduleRecord.Columns.tenantID == tenantID).deleteAll(db) > 0 else { return false }
            var audit = AuditEntry(at: now, actor: actor, action: "schedule.deleted", tenantID: tenantID,
                                   subject: "schedule:\(id)", detail: "schedule deleted")
            try audit.insert(db)
            return true
        }
    }

    /// Records a scheduler plan in one transaction: due slots become pending runs, missed slots
    /// missed runs, and each schedule's `handledThrough` advances. A slot already recorded is left
    /// as it is, so replaying a plan changes nothing.
    public func recordPlan(pending: [ReportRun], missed: [ReportRun], handledThrough: [String: Date], now: Date) async throws {
        try await write { db in
            for run in pending + missed {
                try run.insert(db, onConflict: .ignore)
            }
            for (id, instant) in handledThrough {
                try db.execute(sql: "UPDATE schedule SET handledThrough = ? WHERE id = ? AND (handledThrough IS NULL OR handledThrough < ?)",
                               arguments: [instant.stored, id, instant.stored])
            }
        }
    }

    /// Adds a run (an ad-hoc report request) and audits it.
    public func addRun(_ run: ReportRun, actor: String, now: Date) async throws {
        try await write { db in
            try run.insert(db)
            var audit = AuditEntry(at: now, actor: actor, action: "report.requested", tenantID: run.tenantID,
                                   subject: "run:\(run.scheduleID)", detail: "ad-hoc report requested")
            try audit.insert(db)
        }
    }

    /// A run by schedule (or ad-hoc id) and tenant, newest slot first.
    public func run(scheduleID: String, tenantID: String) async throws -> ReportRun? {
        try await read { db in
            try ReportRun.filter(ReportRun.Columns.scheduleID == scheduleID && ReportRun.Columns.tenantID == tenantID).order(ReportRun.Columns.slot.desc).fetchOne(db)
        }
    }

    /// Runs waiting to be rendered at `now` (a run to be tried again waits for its time), oldest slot first.
    public func pendingRuns(limit: Int, now: Date) async throws -> [ReportRun] {
        try await read { db in
            try ReportRun.filter(ReportRun.Columns.status == ReportRunStatus.pending.rawValue && (ReportRun.Columns.retryAt == nil || ReportRun.Columns.retryAt <= now.stored))
                .order(ReportRun.Columns.slot).limit(limit).fetchAll(db)
        }
    }

    /// The oldest due pending run of each tenant not in `busy`, oldest first: what the report
    /// workers take first, so one tenant's pile of runs never holds up another tenant's.
    public func pendingRunsPerTenant(limit: Int, now: Date, excluding busy: Set<String>) async throws -> [ReportRun] {
        try await read { db in
            // SQLite takes the bare columns of an aggregate query with MIN() from the row holding the minimum.
            var sql = """
                SELECT *, MIN(slot) AS firstSlot FROM reportRun
                WHERE status = ? AND (retryAt IS NULL OR retryAt <= ?)
                """
            var arguments: StatementArguments = [ReportRunStatus.pending.rawValue, now.stored]
            if !busy.isEmpty {
                sql += " AND tenantID NOT IN (\(Array(repeating: "?", count: busy.count).joined(separator: ",")))"
                arguments += StatementArguments(busy.sorted())
            }
            sql += " GROUP BY tenantID ORDER BY firstSlot LIMIT ?"
            arguments += [limit]
            return try ReportRun.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// A schedule's runs, newest first.
    public func runs(scheduleID: String, limit: Int = 20) async throws -> [ReportRun] {
        try await read { db in
            try ReportRun.filter(ReportRun.Columns.scheduleID == scheduleID).order(ReportRun.Columns.slot.desc).limit(limit).fetchAll(db)
        }
    }

    /// Enqueues a run's mails and marks the run enqueued, in one transaction; the mails carry the
    /// slot's idempotency keys, so a run retried after a crash finds them instead of adding more.
    public func completeRun(scheduleID: String, slot: Date, mails: [NewMail], now: Date) async throws -> [OutboxEntry] {
        try await groupWrite { db in
            let entries = try mails.map { try Self.insert($0, db: db, now: now).entry }
            try db.execute(sql: "UPDATE reportRun SET status = 'enqueued', outboxIDs = ?, detail = NULL, updatedAt = ? WHERE scheduleID = ? AND slot = ?",
                           arguments: [entries.map { "\($0.id!)" }.joined(separator: ","), now.stored, scheduleID, slot.stored])
            return entries
        }
    }

    /// Keeps a run pending after a passing failure, to be tried again at `retryAt`, with the reason.
    public func retryRun(_ run: ReportRun, detail: String, retryAt: Date, now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE reportRun SET attempts = attempts + 1, retryAt = ?, detail = ?, updatedAt = ? WHERE scheduleID = ? AND slot = ? AND status = 'pending'",
                           arguments: [retryAt.stored, detail, now.stored, run.scheduleID, run.slot.stored])
        }
    }

    /// Marks a run failed with the reason, and audits it.
    public func failRun(_ run: ReportRun, detail: String, now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE reportRun SET status = 'failed', detail = ?, updatedAt = ? WHERE scheduleID = ? AND slot = ?",
                           arguments: [detail, now.stored, run.scheduleID, run.slot.stored])
            var audit = AuditEntry(at: now, actor: "system", action: "report.failed", tenantID: run.tenantID,
                                   subject: "schedule:\(run.scheduleID)@\(Int64(run.slot.timeIntervalSince1970))", detail: detail)
            try audit.insert(db)
        }
    }

    /// Runs not sent whose slot is older than `before` and that the watchdog has not reported yet:
    /// pending or failed ones, and enqueued ones (slot within a day before `before`) with a mail
    /// the server has not taken (queued, retrying, failed, expired, partially sent).
    public func overdueRuns(before: Date) async throws -> [ReportRun] {
        try await read { db in
            // outboxIDs is "1,2,3": as a JSON array each id is found through the outbox's primary key.
            try ReportRun.fetchAll(db, sql: """
                SELECT * FROM reportRun r
                WHERE r.overdueAt IS NULL AND r.slot < ?
                  AND (r.status IN ('pending', 'failed')
                       OR (r.status = 'enqueued' AND r.slot >= ? AND EXISTS (
                           SELECT 1 FROM json_each('[' || r.outboxIDs || ']') j JOIN outbox o ON o.id = j.value
                           WHERE o.status NOT IN ('sent', 'suppressed'))))
                """, arguments: [before.stored, before.addingTimeInterval(-86_400).stored])
        }
    }

    /// Marks an overdue run as reported, audits it and enqueues the mail that tells the tenant's
    /// admin (if there is one to tell), in one transaction: a run is reported exactly once.
    public func reportOverdue(_ run: ReportRun, mail: NewMail?, now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE reportRun SET overdueAt = ?, updatedAt = ? WHERE scheduleID = ? AND slot = ?",
                           arguments: [now.stored, now.stored, run.scheduleID, run.slot.stored])
            var audit = AuditEntry(at: now, actor: "system", action: "report.overdue", tenantID: run.tenantID,
                                   subject: "schedule:\(run.scheduleID)@\(Int64(run.slot.timeIntervalSince1970))",
                                   detail: "the report was not sent within the watchdog's limit after it was due (\(run.status.rawValue))")
            try audit.insert(db)
            if let mail { _ = try Self.insert(mail, db: db, now: now) }
        }
    }

    /// A tenant's runs, newest slot first: of one schedule (or ad-hoc request) or all, with a
    /// status, in `[from, until)`; `before` pages backwards by slot.
    public func runs(_ query: RunQuery) async throws -> [ReportRun] {
        try await read { db in
            var request = ReportRun.filter(ReportRun.Columns.tenantID == query.tenantID)
            if let id = query.scheduleID { request = request.filter(ReportRun.Columns.scheduleID == id) }
            if let status = query.status { request = request.filter(ReportRun.Columns.status == status.rawValue) }
            if let from = query.from { request = request.filter(ReportRun.Columns.slot >= from.stored) }
            if let until = query.until { request = request.filter(ReportRun.Columns.slot < until.stored) }
            if let before = query.before { request = request.filter(ReportRun.Columns.slot < before.stored) }
            return try request.order(ReportRun.Columns.slot.desc, ReportRun.Columns.scheduleID).limit(max(1, min(query.limit, 500))).fetchAll(db)
        }
    }
}

/// Which of a tenant's report runs to list; nil means any.
public struct RunQuery: Sendable {
    public var tenantID: String
    public var scheduleID: String?
    public var status: ReportRunStatus?
    public var from: Date?
    public var until: Date?
    /// Runs with a slot before this one (the last slot of the previous page).
    public var before: Date?
    public var limit: Int

    public init(tenantID: String, scheduleID: String? = nil, status: ReportRunStatus? = nil, from: Date? = nil, until: Date? = nil,
                before: Date? = nil, limit: Int = 50) {
        self.tenantID = tenantID
        self.scheduleID = scheduleID
        self.status = status
        self.from = from
        self.until = until
        self.before = before
        self.limit = limit
    }
}
