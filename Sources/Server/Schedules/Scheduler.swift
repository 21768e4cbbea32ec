import Clocks
import Cron
import Foundation
import Logging
import Store

/// The scheduler: due slots of the enabled schedules become pending runs, missed slots are
/// recorded as missed, the watchdog reports what was not sent in time, and retention prunes at
/// start and every hour.
final class Scheduler: Sendable {
    let repository: any ScheduleRepository
    let configuration: SchedulerConfiguration
    let watchdog: Watchdog
    let retention: Retention
    /// Where the plan is computed (every enabled schedule's expression, each minute).
    let workers: Workers
    let clock: any WallClock
    let logger: Logger
    /// Fired when runs are added, for the report workers.
    let runs: WakeSignal

    init(repository: any ScheduleRepository, configuration: SchedulerConfiguration, watchdog: Watchdog, retention: Retention,
         workers: Workers, clock: any WallClock, logger: Logger, runs: WakeSignal) {
        self.workers = workers
        self.repository = repository
        self.configuration = configuration
        self.watchdog = watchdog
        self.retention = retention
        self.clock = clock
        self.logger = logger
        self.runs = runs
    }

    /// The schedules the planner sees: enabled ones whose definition still parses.
    static func cronSchedules(_ records: [ScheduleRecord]) -> (schedules: [CronSchedule], lastHandled: [String: Date]) {
        var schedules: [CronSchedule] = []
        var handled: [String: Date] = [:]
        for record in records {
            guard let definition = try? Schedules.definition(of: record), let expression = try? CronExpression(definition.cron),
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
    func plan() async throws -> Date? {
        let now = clock.now
        let records = try await repository.enabledSchedules()
        let configuration = configuration
        let step = try await workers.run(.normal) { Self.step(records, configuration: configuration, now: now) }
        let (pending, missed, plan) = (step.pending, step.missed, step.plan)
        if !pending.isEmpty || !missed.isEmpty || !plan.handledThrough.isEmpty {
            try await repository.recordPlan(pending: pending, missed: missed, handledThrough: plan.handledThrough, now: now)
        }
        if !pending.isEmpty {
            logger.info("report slots due", metadata: ["herald.schedule.due": "\(pending.count)", "herald.schedule.missed": "\(missed.count)"])
            runs.fire()
        }
        try await watchdog.watch(now: now)
        return plan.nextWakeUp
    }

    /// What one scheduler step records, and the plan it comes from.
    struct Step: Sendable {
        let pending: [ReportRun]
        let missed: [ReportRun]
        let plan: SchedulePlan
    }

    /// Plans the enabled schedules at `now`: due slots become pending runs, missed ones missed runs.
    static func step(_ records: [ScheduleRecord], configuration: SchedulerConfiguration, now: Date) -> Step {
        let state = cronSchedules(records)
        let plan = SchedulePlanner(configuration: configuration).plan(schedules: state.schedules, lastHandled: state.lastHandled, now: now)
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
        return Step(pending: pending, missed: missed, plan: plan)
    }

    /// Plans at every wake-up (at most a minute apart, so changed schedules count), and prunes
    /// at start and every hour, until cancelled.
    func run() async {
        var pruneAt = clock.now
        await repeatSteps("scheduler step", clock: clock, logger: logger, wakeUp: nil) {
            if clock.now >= pruneAt {
                pruneAt = clock.now.addingTimeInterval(3_600)
                try await retention.prune()
            }
            return try await plan()
        }
    }
}
