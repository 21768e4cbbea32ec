import Clocks
import Cron
import Foundation
import Logging
import Mail
import Store

extension HeraldCore {
    /// A schedule record's definition.
    func definition(of record: ScheduleRecord) throws -> ScheduleDefinition {
        try JSONDecoder.api.decode(ScheduleDefinition.self, from: Data(record.definition.utf8))
    }

    /// The schedules the planner sees: enabled ones whose definition still parses.
    func cronSchedules() throws -> (schedules: [CronSchedule], lastHandled: [String: Date]) {
        var schedules: [CronSchedule] = []
        var handled: [String: Date] = [:]
        for record in try store.enabledSchedules() {
            guard let definition = try? definition(of: record), let expression = try? CronExpression(definition.cron),
                  let zone = try? CronZone(identifier: definition.timezone ?? "UTC") else { continue }
            schedules.append(CronSchedule(id: record.id, tenantID: record.tenantID, expression: expression, zone: zone,
                                          activeSince: record.activeSince))
            // A slot handled before the schedule last changed (a plan that raced the change) never
            // brings back the old expression's slots: the change's instant is the floor.
            if let through = record.handledThrough { handled[record.id] = max(through, record.activeSince) }
        }
        return (schedules, handled)
    }

    /// One scheduler step at the clock's time: due slots become pending runs, missed slots are
    /// recorded, overdue runs are reported. Returns when to look again.
    @discardableResult
    public func planSchedules() throws -> Date? {
        let now = clock.now
        let state = try cronSchedules()
        let plan = SchedulePlanner(configuration: configuration.scheduler).plan(schedules: state.schedules, lastHandled: state.lastHandled, now: now)
        let pending = plan.due.map {
            ReportRun(scheduleID: $0.slot.scheduleID, slot: $0.slot.instant, tenantID: $0.tenantID, status: .pending,
                      detail: $0.isCatchUp ? "catch-up: earlier slots were missed" : nil, createdAt: now, updatedAt: now)
        }
        var missed = plan.missed.map {
            ReportRun(scheduleID: $0.slot.scheduleID, slot: $0.slot.instant, tenantID: $0.tenantID, status: .missed,
                      detail: $0.reason == .superseded ? "superseded: a later slot ran instead" : "beyond the grace period: Herald was not running when it was due",
                      createdAt: now, updatedAt: now)
        }
        missed += plan.missedRanges.map {
            ReportRun(scheduleID: $0.scheduleID, slot: $0.first, tenantID: $0.tenantID, status: .missed,
                      detail: "and every slot through \(Formats.iso($0.last)): \($0.reason == .superseded ? "superseded" : "beyond the grace period")",
                      createdAt: now, updatedAt: now)
        }
        if !pending.isEmpty || !missed.isEmpty || !plan.handledThrough.isEmpty {
            try store.recordPlan(pending: pending, missed: missed, handledThrough: plan.handledThrough, now: now)
        }
        if !pending.isEmpty {
            logger.info("report slots due", metadata: ["herald.schedule.due": "\(pending.count)", "herald.schedule.missed": "\(missed.count)"])
            runSignal.fire()
        }
        try watchOverdue(now: now)
        return plan.nextWakeUp
    }

    /// Prunes the outbox, the log and the service's own records past the retention period.
    public func prune() throws {
        let days = configuration.delivery.retentionDays
        let now = clock.now
        let removed = try store.prune(olderThanDays: days, now: now) + store.pruneService(olderThanDays: days, now: now)
        if removed > 0 { logger.info("pruned past the retention period", metadata: ["herald.pruned": "\(removed)", "herald.retention.days": "\(days)"]) }
    }

    /// The scheduler: plans at every wake-up (at most a minute apart, so changed schedules count),
    /// and prunes at start and every hour.
    func runScheduler() async {
        var pruneAt = clock.now
        await repeatSteps("scheduler step", wakeUp: nil) {
            if clock.now >= pruneAt {
                pruneAt = clock.now.addingTimeInterval(3_600)
                try await offload { try self.prune() }
            }
            return try await offload { try self.planSchedules() }
        }
    }

    /// Runs `step` until the task is cancelled; each run says when to run again, at most a minute
    /// later (nil: in a minute), and `wakeUp` may bring it forward. A failing step is logged and
    /// tried again in a minute.
    func repeatSteps(_ name: String, wakeUp: WakeSignal?, _ step: () async throws -> Date?) async {
        while !Task.isCancelled {
            var next: Date?
            do {
                next = try await step()
            } catch {
                logger.error("\(name) failed; trying again in a minute", metadata: ["herald.error": "\(error)"])
            }
            let limit = clock.now.addingTimeInterval(60)
            let deadline = min(next ?? limit, limit)
            if let wakeUp {
                await wakeUp.wait(until: deadline, clock: clock)
            } else {
                do { try await clock.sleep(until: deadline) } catch { return }
            }
        }
    }

    /// Reports slots that were not sent in time to the tenant's admin address, once each. A run
    /// whose report mail cannot be made is still marked (and audited), and the others go on.
    func watchOverdue(now: Date) throws {
        for run in try store.overdueRuns(before: now.addingTimeInterval(-configuration.watchdogDelay)) {
            logger.warning("report slot overdue", metadata: ["herald.schedule.id": "\(run.scheduleID)", "herald.run.status": "\(run.status.rawValue)"])
            var mail: NewMail?
            do {
                mail = try overdueMail(for: run, now: now)
            } catch {
                logger.error("cannot write the overdue report's mail", metadata: ["herald.schedule.id": "\(run.scheduleID)", "herald.error": "\(error)"])
            }
            try store.reportOverdue(run, mail: mail, now: now)
            if mail != nil { deliverySignal.fire() }
        }
    }

    /// The mail that tells a tenant's admin about an overdue slot, from the `watchdog` templates
    /// in the tenant's language; nil without an admin address.
    func overdueMail(for run: ReportRun, now: Date) throws -> NewMail? {
        guard let tenant = try store.tenant(run.tenantID), let admin = tenant.adminEmail else { return nil }
        let zone = TimeZone(identifier: tenant.timeZone) ?? .gmt
        let context: [String: Any] = [
            "run": ["schedule_id": run.scheduleID, "due": Formats.dateTime(run.slot, zone: zone, locale: tenant.locale),
                    "status": run.status.rawValue, "detail": run.detail ?? ""],
            "delay_minutes": Int(configuration.watchdogDelay / 60),
        ]
        let custom = try jobs.customTemplates(tenant: tenant, kind: .watchdog)
        return try currentComposer().compose(MailComposer.Envelope(
            tenant: tenant, kind: .watchdog, locale: tenant.locale, recipients: [admin], context: context, custom: custom[tenant.locale],
            idempotencyKey: "watchdog:\(run.scheduleID):\(Int64(run.slot.timeIntervalSince1970))"), now: now)
    }

    /// The report workers: render pending runs, one per report thread, until cancelled. A thread
    /// that comes free takes the next run at once, and a new run wakes a free one. Runs are taken
    /// fairly: first the oldest run of each tenant with none in progress, and only when no other
    /// tenant waits a second run of a tenant already rendering.
    func runReportWorkers() async {
        enum Event { case finished(key: String, tenant: String), woken }
        await withTaskGroup(of: Event.self) { group in
            var free = reportPool.threads
            var inFlight = Set<String>()
            var busyTenants: [String: Int] = [:]
            var listening = false
            while !Task.isCancelled {
                if free > 0, let runs = try? await nextRuns(free: free, inFlight: inFlight.count, busy: Set(busyTenants.keys)) {
                    for run in runs where free > 0 {
                        let key = "\(run.scheduleID)@\(run.slot.timeIntervalSince1970)"
                        guard inFlight.insert(key).inserted else { continue }
                        free -= 1
                        busyTenants[run.tenantID, default: 0] += 1
                        group.addTask {
                            await self.perform(run)
                            return .finished(key: key, tenant: run.tenantID)
                        }
                    }
                }
                if free > 0 && !listening {
                    // Free threads wait for a new run (or look again in 5 s, for runs added by another process).
                    listening = true
                    group.addTask {
                        await self.runSignal.wait(until: self.clock.now.addingTimeInterval(5), clock: self.clock)
                        return .woken
                    }
                }
                switch await group.next() {
                case .finished(let key, let tenant)?:
                    inFlight.remove(key)
                    free += 1
                    busyTenants[tenant, default: 1] -= 1
                    if busyTenants[tenant] == 0 { busyTenants[tenant] = nil }
                case .woken?:
                    listening = false
                case nil:
                    return
                }
            }
            // Cancelled: renders in progress finish; their runs stay pending if they cannot enqueue.
            group.cancelAll()
            for await _ in group {}
        }
    }

    /// The runs to start on `free` threads: one per tenant not in `busy` first, then any.
    private func nextRuns(free: Int, inFlight: Int, busy: Set<String>) async throws -> [ReportRun] {
        let now = clock.now
        return try await offload { [store] in
            var runs = try store.pendingRunsPerTenant(limit: free, now: now, excluding: busy)
            if runs.count < free {
                let taken = Set(runs.map { "\($0.scheduleID)@\($0.slot.timeIntervalSince1970)" })
                runs += try store.pendingRuns(limit: free + inFlight + runs.count, now: now)
                    .filter { !taken.contains("\($0.scheduleID)@\($0.slot.timeIntervalSince1970)") }
            }
            return runs
        }
    }

    /// Waits before the retries of a run that failed for a passing cause.
    static let reportRetryDelays: [TimeInterval] = [60, 300, 900]

    /// Renders one run and enqueues its mails; a failure is recorded on the run.
    func perform(_ run: ReportRun) async {
        let started = ContinuousClock.now
        var report = "unknown"
        do {
            let request = try reportRequest(for: run)
            report = request.report
            let mails = try await jobs.mails(for: request, composer: try currentComposer(), on: reportPool, now: clock.now)
            metrics.recordRender(report: report, duration: ContinuousClock.now - started)
            let now = clock.now
            let entries = try await offload { [store] in try store.completeRun(scheduleID: run.scheduleID, slot: run.slot, mails: mails, now: now) }
            deliverySignal.fire()
            logger.info("report enqueued", metadata: ["herald.schedule.id": "\(run.scheduleID)", "herald.report": "\(report)",
                                                       "herald.outbox.ids": "\(entries.compactMap(\.id))"])
        } catch {
            let detail = (error as? ServiceError)?.description ?? (error as? StoreError)?.message ?? "\(error)"
            logger.error("report failed", metadata: ["herald.schedule.id": "\(run.scheduleID)", "herald.report": "\(report)", "herald.error": "\(detail)"])
            // A data source that did not answer, or a busy database, may do better soon: the run is
            // tried again after 1, 5 and 15 minutes before it counts as failed. A template or data
            // error would fail the same way again.
            let passing = error is StoreError || (error as? ServiceError)?.isTransient == true
            if passing, run.attempts < Self.reportRetryDelays.count {
                let retryAt = clock.now.addingTimeInterval(Self.reportRetryDelays[run.attempts])
                try? store.retryRun(run, detail: "attempt \(run.attempts + 1) failed, next at \(Formats.iso(retryAt)): \(detail)",
                                    retryAt: retryAt, now: clock.now)
            } else {
                try? store.failRun(run, detail: detail, now: clock.now)
            }
        }
    }

    /// What a run is to make: from its schedule, or from the ad-hoc request stored with it.
    func reportRequest(for run: ReportRun) throws -> ReportJobs.Request {
        guard let tenant = try store.tenant(run.tenantID) else {
            throw ServiceError(.failed, field: "tenant", "the tenant \(run.tenantID) no longer exists")
        }
        let slotKey = "\(run.scheduleID):\(Int64(run.slot.timeIntervalSince1970))"
        if let json = run.request {
            let adHoc = try JSONDecoder.api.decode(AdHocReport.self, from: Data(json.utf8))
            return ReportJobs.Request(tenant: tenant, report: adHoc.report, parameters: adHoc.parameters ?? [:],
                                      period: adHoc.period ?? PeriodSpec(type: "previous-week"),
                                      zone: TimeZone(identifier: adHoc.timezone ?? tenant.timeZone) ?? .gmt,
                                      recipients: adHoc.recipients, subject: adHoc.subject, instant: run.slot,
                                      cron: nil, key: "report:\(slotKey)")
        }
        guard let record = try store.schedule(run.scheduleID, tenantID: run.tenantID) else {
            throw ServiceError(.failed, field: "schedule", "the schedule was deleted before its slot ran")
        }
        let definition = try definition(of: record)
        let zone = TimeZone(identifier: definition.timezone ?? tenant.timeZone) ?? .gmt
        return ReportJobs.Request(tenant: tenant, report: definition.report, parameters: definition.parameters ?? [:],
                                  period: definition.period, zone: zone, recipients: definition.recipients,
                                  subject: definition.subject, instant: run.slot,
                                  cron: try? CronExpression(definition.cron), key: "report:\(slotKey)")
    }
}

/// An ad-hoc "send this report now".
public struct AdHocReport: Sendable, Codable {
    public var report: String
    public var recipients: [ReportRecipient]
    public var period: PeriodSpec?
    public var parameters: [String: JSONValue]?
    public var timezone: String?
    public var subject: String?
}
