import Foundation
import Store

extension HeraldService {
    /// On the embedded default's first start: a demo tenant (German, Europe/Berlin, plan Pro) with
    /// a week of state history for three hosts, weekly availability and metrics reports on
    /// Mondays, and one ad-hoc run of each right away, so a fresh machine shows real report
    /// mails at once.
    /// - Parameter keep: told the tenant's token before the tenant exists, so that it is kept
    ///   (written to a file) before anything can find the tenant.
    /// - Returns: the tenant and its token, or nil when the demo tenant exists already.
    public func createDemoTenant(keep: (String) throws -> Void = { _ in }) async throws -> TenantCreated? {
        guard try await tenants.repository.tenant("demo") == nil else { return nil }
        let token = SecretBox.newToken()
        try keep(token)
        let created = try await tenants.create(TenantRequest(id: "demo", name: "Demo GmbH", locale: "de", timezone: "Europe/Berlin", plan: "pro",
                                                     admin_email: "admin@demo.herald.example",
                                                     branding: .init(color: "#0a7ea4", footer: "Demo GmbH · Betrieb", from_name: "Demo Berichte")),
                                       actor: "demo", token: token)
        let tenant = try await tenants.tenant("demo", for: .admin)
        let now = clock.now
        // History from before the previous week on: each service has an outage or two in that
        // week, so the report has something to show.
        let week = PeriodSpec(type: "previous-week").resolve(at: now, zone: TimeZone(identifier: tenant.timeZone) ?? .gmt, locale: "de")
        let services = [("web-01", "HTTP"), ("web-01", "Disk"), ("db-01", "PostgreSQL"), ("mail-01", "SMTP")]
        for (index, (host, service)) in services.enumerated() {
            var events = [AlertEvent(tenantID: "demo", host: host, service: service, status: .ok, message: "",
                                     at: week.start.addingTimeInterval(-86_400))]
            for outage in 0...(index % 2) {
                let start = week.start.addingTimeInterval(Double(86_400 * (1 + 2 * outage + index)) + Double(9 * 3_600 + index * 3_600))
                events.append(AlertEvent(tenantID: "demo", host: host, service: service, status: index == 1 ? .warn : .crit,
                                         message: "\(service) check failed", at: start))
                events.append(AlertEvent(tenantID: "demo", host: host, service: service, status: .ok, message: "",
                                         at: start.addingTimeInterval(Double(600 + 1_200 * index))))
            }
            for event in events {
                _ = try await alerts.repository.recordAlert(event, change: .historyOnly, problemMessageID: "", now: now) { _ in [] }
            }
        }
        let recipients = [ReportRecipient(address: "ops@demo.herald.example", locale: "de"),
                          ReportRecipient(address: "cto@demo.herald.example", locale: "en")]
        // A weekly schedule for the previous week: the period a run covers is the time since the last run.
        let definition = ScheduleDefinition(name: "Verfügbarkeit wöchentlich", cron: "0 7 * * 1", timezone: nil, report: "availability",
                                            parameters: ["group": .string("Produktion"), "sla_target": .number(99.5)],
                                            period: PeriodSpec(type: "previous-week"), recipients: recipients, subject: nil, enabled: true)
        // The metrics report from the same history (no data source needed): availability, problems and state changes per hour.
        let metrics = ScheduleDefinition(name: "Messwerte wöchentlich", cron: "5 7 * * 1", timezone: nil, report: "metrics",
                                         parameters: ["sla_target": .number(99.5)],
                                         period: PeriodSpec(type: "previous-week"), recipients: recipients, subject: nil, enabled: true)
        for schedule in [definition, metrics] {
            _ = try await schedules.save(schedule, id: nil, tenant: tenant, actor: "demo")
            _ = try await schedules.requestReport(AdHocReport(report: schedule.report, recipients: recipients, period: schedule.period,
                                              parameters: schedule.parameters, timezone: nil, subject: nil),
                                  tenant: tenant, actor: "demo")
        }
        return created
    }
}
