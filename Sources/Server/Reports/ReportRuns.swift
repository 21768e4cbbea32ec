import Clocks
import Cron
import Foundation
import Logging
import Store

/// The report workers: pending runs (a schedule's slots, ad-hoc requests) become PDFs and mails,
/// at most `concurrency` at once, fairly between tenants; a run that fails for a passing cause is
/// tried again later.
final class ReportRuns: Sendable {
    let runs: any ScheduleRepository
    let tenants: any TenantRepository
    let jobs: ReportJobs
    let templates: Templates
    let mailSettings: MailSettings
    /// Runs rendered at once (the worker pool's report lane takes as many).
    let concurrency: Int
    let clock: any WallClock
    let metrics: ServiceMetrics
    let logger: Logger
    let signals: Signals

    init(runs: any ScheduleRepository, tenants: any TenantRepository, jobs: ReportJobs, templates: Templates, mailSettings: MailSettings,
         concurrency: Int, clock: any WallClock, metrics: ServiceMetrics, logger: Logger, signals: Signals) {
        self.runs = runs
        self.tenants = tenants
        self.jobs = jobs
        self.templates = templates
        self.mailSettings = mailSettings
        self.concurrency = max(1, concurrency)
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.signals = signals
    }

    /// Renders pending runs until cancelled. A worker that comes free takes the next run at once,
    /// and a new run wakes a free one. Runs are taken fairly: first the oldest run of each tenant
    /// with none in progress, and only when no other tenant waits a second run of a tenant
    /// already rendering.
    func run() async {
        enum Event { case finished(key: String, tenant: String), woken }
        await withTaskGroup(of: Event.self) { group in
            var free = concurrency
            var inFlight = Set<String>()
            var busyTenants: [String: Int] = [:]
            var listening = false
            while !Task.isCancelled {
                if free > 0, let next = try? await nextRuns(free: free, inFlight: inFlight.count, busy: Set(busyTenants.keys)) {
                    for run in next where free > 0 {
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
                    // Free workers wait for a new run (or look again in 5 s, for runs added by another process).
                    listening = true
                    group.addTask {
                        await self.signals.runs.wait(until: self.clock.now.addingTimeInterval(5), clock: self.clock)
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

    /// The runs to start on `free` workers: one per tenant not in `busy` first, then any.
    private func nextRuns(free: Int, inFlight: Int, busy: Set<String>) async throws -> [ReportRun] {
        let now = clock.now
        var next = try await runs.pendingRunsPerTenant(limit: free, now: now, excluding: busy)
        if next.count < free {
            let taken = Set(next.map { "\($0.scheduleID)@\($0.slot.timeIntervalSince1970)" })
            next += try await runs.pendingRuns(limit: free + inFlight + next.count, now: now)
                .filter { !taken.contains("\($0.scheduleID)@\($0.slot.timeIntervalSince1970)") }
        }
        return next
    }

    /// Renders every pending run now, one after the other (for tests and `--once` use).
    func renderPending() async throws {
        while let run = try await runs.pendingRuns(limit: 1, now: clock.now).first {
            await perform(run)
        }
    }

    /// Waits before the retries of a run that failed for a passing cause.
    static let retryDelays: [TimeInterval] = [60, 300, 900]

    /// Renders one run and enqueues its mails; a failure is recorded on the run.
    func perform(_ run: ReportRun) async {
        let started = ContinuousClock.now
        var report = "unknown"
        do {
            let request = try await self.request(for: run)
            report = request.report.rawValue
            let custom = try await templates.custom(tenant: request.tenant, kind: .report)
            let mails = try await jobs.mails(for: request, composer: try await mailSettings.currentComposer(), custom: custom, now: clock.now)
            metrics.recordRender(report: report, duration: ContinuousClock.now - started)
            let entries = try await runs.completeRun(scheduleID: run.scheduleID, slot: run.slot, mails: mails, now: clock.now)
            signals.delivery.fire()
            logger.info("report enqueued", metadata: ["herald.schedule.id": "\(run.scheduleID)", "herald.report": "\(report)",
                                                       "herald.outbox.ids": "\(entries.compactMap(\.id))"])
        } catch {
            let detail = (error as? ServiceError)?.description ?? (error as? StoreError)?.message ?? "\(error)"
            logger.error("report failed", metadata: ["herald.schedule.id": "\(run.scheduleID)", "herald.report": "\(report)", "herald.error": "\(detail)"])
            // A data source that did not answer, or a busy database, may do better soon: the run is
            // tried again after 1, 5 and 15 minutes before it counts as failed. A template or data
            // error would fail the same way again.
            let passing = error is StoreError || (error as? ServiceError)?.isTransient == true
            if passing, run.attempts < Self.retryDelays.count {
                let retryAt = clock.now.addingTimeInterval(Self.retryDelays[run.attempts])
                try? await runs.retryRun(run, detail: "attempt \(run.attempts + 1) failed, next at \(Formats.iso(retryAt)): \(detail)",
                                         retryAt: retryAt, now: clock.now)
            } else {
                try? await runs.failRun(run, detail: detail, now: clock.now)
            }
        }
    }

    /// What a run is to make: from its schedule, or from the ad-hoc request stored with it.
    func request(for run: ReportRun) async throws -> ReportJobs.Request {
        guard let tenant = try await tenants.tenant(run.tenantID) else {
            throw ServiceError(.failed, field: "tenant", "the tenant \(run.tenantID) no longer exists")
        }
        let slotKey = "\(run.scheduleID):\(Int64(run.slot.timeIntervalSince1970))"
        if let json = run.request {
            let adHoc = try JSONDecoder.api.decode(AdHocReport.self, from: Data(json.utf8))
            return ReportJobs.Request(tenant: tenant, report: try ReportKind(checking: adHoc.report), parameters: adHoc.parameters ?? [:],
                                      period: adHoc.period ?? PeriodSpec(type: "previous-week"),
                                      zone: TimeZone(identifier: adHoc.timezone ?? tenant.timeZone) ?? .gmt,
                                      recipients: adHoc.recipients, subject: adHoc.subject, instant: run.slot,
                                      cron: nil, key: "report:\(slotKey)")
        }
        guard let record = try await runs.schedule(run.scheduleID, tenantID: run.tenantID) else {
            throw ServiceError(.failed, field: "schedule", "the schedule was deleted before its slot ran")
        }
        let definition = try Schedules.definition(of: record)
        let zone = TimeZone(identifier: definition.timezone ?? tenant.timeZone) ?? .gmt
        return ReportJobs.Request(tenant: tenant, report: try ReportKind(checking: definition.report), parameters: definition.parameters ?? [:],
                                  period: definition.period, zone: zone, recipients: definition.recipients,
                                  subject: definition.subject, instant: run.slot,
                                  cron: try? CronExpression(definition.cron), key: "report:\(slotKey)")
    }
}
