import Clocks
import Foundation
import Logging
import Store

/// Tells a tenant's admin about report slots not sent in time, once each, from the `watchdog`
/// templates in the tenant's language.
final class Watchdog: Sendable {
    let runs: any ScheduleRepository
    let tenants: any TenantRepository
    let templates: Templates
    let mailSettings: MailSettings
    let workers: Workers
    /// A slot not sent this long after it was due is reported.
    let delay: TimeInterval
    let clock: any WallClock
    let logger: Logger
    let delivery: WakeSignal

    init(runs: any ScheduleRepository, tenants: any TenantRepository, templates: Templates, mailSettings: MailSettings, workers: Workers,
         delay: TimeInterval, clock: any WallClock, logger: Logger, delivery: WakeSignal) {
        self.runs = runs
        self.tenants = tenants
        self.templates = templates
        self.mailSettings = mailSettings
        self.workers = workers
        self.delay = delay
        self.clock = clock
        self.logger = logger
        self.delivery = delivery
    }

    /// Reports every slot overdue at `now`. A run whose mail cannot be made is still marked (and
    /// audited), and the others go on.
    func watch(now: Date) async throws {
        for run in try await runs.overdueRuns(before: now.addingTimeInterval(-delay)) {
            logger.warning("report slot overdue", metadata: ["herald.schedule.id": "\(run.scheduleID)", "herald.run.status": "\(run.status.rawValue)"])
            var mail: NewMail?
            do {
                mail = try await overdueMail(for: run, now: now)
            } catch {
                logger.error("cannot write the overdue report's mail", metadata: ["herald.schedule.id": "\(run.scheduleID)", "herald.error": "\(error)"])
            }
            try await runs.reportOverdue(run, mail: mail, now: now)
            if mail != nil { delivery.fire() }
        }
    }

    /// The mail about an overdue slot to the tenant's admin address; nil without one.
    func overdueMail(for run: ReportRun, now: Date) async throws -> NewMail? {
        guard let tenant = try await tenants.tenant(run.tenantID), let admin = tenant.adminEmail else { return nil }
        let custom = try await templates.custom(tenant: tenant, kind: .watchdog)[tenant.locale]
        let composer = try await mailSettings.currentComposer()
        let minutes = Int(delay / 60)
        return try await workers.run(.normal) {
            let zone = TimeZone(identifier: tenant.timeZone) ?? .gmt
            let context: [String: Any] = [
                "run": ["schedule_id": run.scheduleID, "due": Formats.dateTime(run.slot, zone: zone, locale: tenant.locale),
                        "status": run.status.rawValue, "detail": run.detail ?? ""],
                "delay_minutes": minutes,
            ]
            return try composer.compose(MailComposer.Envelope(
                tenant: tenant, kind: .watchdog, locale: tenant.locale, recipients: [admin], context: context, custom: custom,
                idempotencyKey: "watchdog:\(run.scheduleID):\(Int64(run.slot.timeIntervalSince1970))"), now: now)
        }
    }
}
