import Clocks
import Cron
import Foundation
import Store

/// A schedule as the API shows it: the definition, with what it means and when it runs next.
public struct ScheduleView: Sendable, Codable {
    public struct Run: Sendable, Codable {
        /// The instant in UTC.
        public var at: Date
        /// The same instant in the schedule's zone, with its offset.
        public var local: String
        /// The zone's offset then, e.g. `+01:00`.
        public var offset: String
    }
    public struct LastRun: Sendable, Codable {
        public var slot: Date
        public var status: String
        public var detail: String?
        public var outbox_ids: [Int64]
    }
    public var id: String
    public var definition: ScheduleDefinition
    public var description: String
    public var next_runs: [Run]
    public var last_runs: [LastRun]
    public var created_at: Date
    public var updated_at: Date
}

/// The tenants' report schedules and ad-hoc report requests: checked against the tenant's quotas,
/// stored, explained (the expression in words, the next runs in the schedule's zone).
final class Schedules: Sendable {
    let repository: any ScheduleRepository
    /// The mails of the runs, for their outcomes.
    let outbox: any OutboxRepository
    let tenants: Tenants
    let configuration: ServiceConfiguration
    let clock: any WallClock
    let metrics: ServiceMetrics
    /// Fired when a run is added, for the report workers.
    let wakeUp: WakeSignal

    init(repository: any ScheduleRepository, outbox: any OutboxRepository, tenants: Tenants, configuration: ServiceConfiguration, clock: any WallClock,
         metrics: ServiceMetrics, wakeUp: WakeSignal) {
        self.repository = repository
        self.outbox = outbox
        self.tenants = tenants
        self.configuration = configuration
        self.clock = clock
        self.metrics = metrics
        self.wakeUp = wakeUp
    }

    /// Validates and stores a schedule (new when `id` is nil).
    /// - Throws: ``ServiceError`` `.invalid` naming the field; `.notFound` for an unknown id.
    func save(_ definition: ScheduleDefinition, id: String?, tenant: Tenant, actor: String) async throws -> ScheduleView {
        var definition = definition
        try definition.validate(tenantZone: tenant.timeZone, tenantLocale: tenant.locale, reports: ReportKind.names,
                                sources: configuration.dataSources.keys.sorted())
        try tenants.requireCount(definition.recipients.count, within: "recipients_per_schedule", of: tenant, field: "recipients", what: "recipients")
        try requireInterval(of: definition, tenant: tenant)
        let now = clock.now
        let json = String(decoding: try JSONEncoder.api.encode(definition), as: UTF8.self)
        var record: ScheduleRecord
        if let id {
            guard let existing = try await repository.schedule(id, tenantID: tenant.id) else {
                throw ServiceError(.notFound, field: "schedule", "no schedule \"\(id)\"")
            }
            record = existing
            let before = try? Self.definition(of: existing)
            // A changed time starts afresh: slots of the old expression are not caught up.
            if before?.cron != definition.cron || before?.timezone != definition.timezone || existing.enabled != definition.enabled {
                record.activeSince = now
                record.handledThrough = nil
            }
            record.definition = json
            record.enabled = definition.enabled ?? true
            record.updatedAt = now
        } else {
            record = ScheduleRecord(id: UUID().uuidString.lowercased(), tenantID: tenant.id, definition: json, enabled: definition.enabled ?? true,
                                    activeSince: now, createdAt: now, updatedAt: now)
        }
        let maxCount = tenants.quotas(of: tenant).schedules
        guard try await repository.saveSchedule(record, actor: actor, now: now, created: id == nil, maxCount: maxCount) else {
            metrics.recordRefusal(tenant: tenant.id, limit: "schedules")
            throw ServiceError(.invalid, field: "schedules",
                               "the tenant has \(maxCount) schedules, its quota schedules = \(maxCount); delete one or ask the platform admin for a higher quota")
        }
        return try await view(of: record, tenant: tenant)
    }

    /// Refuses an enabled schedule that would run more often than the tenant's quota allows.
    /// - Throws: ``ServiceError`` `.invalid` naming `cron`, the shortest gap found and the quota.
    func requireInterval(of definition: ScheduleDefinition, tenant: Tenant) throws {
        guard definition.enabled ?? true else { return }
        let minimum = tenants.quotas(of: tenant).min_cron_interval_minutes
        guard minimum > 1, let expression = try? CronExpression(definition.cron),
              let zone = try? CronZone(identifier: definition.timezone ?? tenant.timeZone) else { return }
        // The gaps of the next fire times, enough of them to see a whole year of a daily schedule
        // and every irregular gap (`0,5 7 * * *`, the last day of a month, a DST change).
        let times = expression.nextTimes(after: clock.now, count: 400, in: zone)
        guard times.count > 1 else { return }
        let shortest = zip(times, times.dropFirst()).map { $1.timeIntervalSince($0) }.min()!
        guard shortest < TimeInterval(minimum * 60) else { return }
        metrics.recordRefusal(tenant: tenant.id, limit: "min_cron_interval_minutes")
        throw ServiceError(.invalid, field: "cron",
                           "runs as often as every \(Int(shortest / 60)) minute(s); the tenant's quota min_cron_interval_minutes = \(minimum); choose a longer interval or ask the platform admin")
    }

    /// A schedule's view: description in the tenant's locale, the next five runs, the last runs.
    func view(of record: ScheduleRecord, tenant: Tenant) async throws -> ScheduleView {
        let definition = try Self.definition(of: record)
        let expression = try CronExpression(definition.cron)
        let zone = try CronZone(identifier: definition.timezone ?? tenant.timeZone)
        let runs = record.enabled ? expression.nextTimes(after: clock.now, count: 5, in: zone) : []
        return ScheduleView(
            id: record.id, definition: definition, description: expression.describe(locale: CronLocale(rawValue: tenant.locale) ?? .en),
            next_runs: runs.map { ScheduleView.Run(at: $0, local: zone.iso8601($0), offset: Self.offset(zone.secondsFromGMT(for: $0))) },
            last_runs: try await repository.runs(scheduleID: record.id, limit: 5).map {
                ScheduleView.LastRun(slot: $0.slot, status: $0.status.rawValue, detail: $0.detail,
                                     outbox_ids: $0.outboxIDList)
            },
            created_at: record.createdAt, updated_at: record.updatedAt)
    }

    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return String(format: "%@%02d:%02d", sign, minutes / 60, minutes % 60)
    }

    /// Queues an ad-hoc report for rendering and returns its run at once.
    /// - Throws: ``ServiceError`` `.invalid` naming the field, `.notFound` for an unknown report.
    func requestReport(_ request: AdHocReport, tenant: Tenant, actor: String) async throws -> ReportRun {
        var request = request
        guard ReportKind(rawValue: request.report) != nil else {
            throw ServiceError(.notFound, field: "report", "no report \"\(request.report)\"; choose one of \(ReportKind.names.joined(separator: ", "))")
        }
        // The schedule's checks apply: one definition with a placeholder time.
        var check = ScheduleDefinition(cron: "@daily", timezone: request.timezone, report: request.report, parameters: request.parameters,
                                       period: request.period ?? PeriodSpec(type: "previous-week"), recipients: request.recipients,
                                       subject: request.subject, enabled: true)
        try check.validate(tenantZone: tenant.timeZone, tenantLocale: tenant.locale, reports: ReportKind.names,
                           sources: configuration.dataSources.keys.sorted())
        try tenants.requireCount(check.recipients.count, within: "recipients_per_schedule", of: tenant, field: "recipients", what: "recipients")
        try tenants.takeRate("adhoc_reports_per_hour", period: 3600, of: tenant, what: "ad-hoc reports")
        request.recipients = check.recipients
        request.timezone = check.timezone
        request.period = check.period
        let now = clock.now
        let run = ReportRun(scheduleID: "adhoc-\(UUID().uuidString.lowercased())", slot: now, tenantID: tenant.id, status: .pending,
                            request: String(decoding: try JSONEncoder.api.encode(request), as: UTF8.self), createdAt: now, updatedAt: now)
        try await repository.addRun(run, actor: actor, now: now)
        wakeUp.fire()
        return run
    }

    /// A tenant's schedules with what they mean and when they run.
    func list(tenant: Tenant) async throws -> [ScheduleView] {
        var views: [ScheduleView] = []
        for record in try await repository.schedules(tenantID: tenant.id) { views.append(try await view(of: record, tenant: tenant)) }
        return views
    }

    /// One of a tenant's schedules.
    /// - Throws: ``ServiceError`` `.notFound`.
    func get(_ id: String, tenant: Tenant) async throws -> ScheduleView {
        guard let record = try await repository.schedule(id, tenantID: tenant.id) else {
            throw ServiceError(.notFound, field: "schedule", "no schedule \"\(id)\"")
        }
        return try await view(of: record, tenant: tenant)
    }

    /// Deletes one of a tenant's schedules (its runs stay in the log).
    /// - Throws: ``ServiceError`` `.notFound`.
    func delete(_ id: String, tenant: Tenant, actor: String) async throws {
        guard try await repository.deleteSchedule(id, tenantID: tenant.id, actor: actor, now: clock.now) else {
            throw ServiceError(.notFound, field: "schedule", "no schedule \"\(id)\"")
        }
    }

    /// A tenant's report run: an ad-hoc request's, or a schedule's latest.
    /// - Throws: ``ServiceError`` `.notFound`.
    func run(_ id: String, tenant: Tenant) async throws -> ReportRun {
        guard let run = try await repository.run(scheduleID: id, tenantID: tenant.id) else {
            throw ServiceError(.notFound, field: "id", "no report run \"\(id)\"")
        }
        return run
    }

    /// One of a tenant's schedules' definition, as a change starts from it.
    /// - Throws: ``ServiceError`` `.notFound`.
    func definition(_ id: String, tenant: Tenant) async throws -> ScheduleDefinition {
        guard let record = try await repository.schedule(id, tenantID: tenant.id) else {
            throw ServiceError(.notFound, field: "schedule", "no schedule \"\(id)\"")
        }
        return try Self.definition(of: record)
    }

    /// Pauses (`enabled` false) or resumes a schedule; a resumed one starts afresh, without
    /// catching up the slots it was paused for.
    func setEnabled(_ enabled: Bool, id: String, tenant: Tenant, actor: String) async throws -> ScheduleView {
        var definition = try await definition(id, tenant: tenant)
        definition.enabled = enabled
        return try await save(definition, id: id, tenant: tenant, actor: actor)
    }

    /// Runs a schedule now, with its own report, recipients, parameters and period, as a run of
    /// the schedule (in its run history); counts as an ad-hoc report for the tenant's quota.
    /// - Throws: ``ServiceError`` `.notFound`, `.rateLimited` past `adhoc_reports_per_hour`.
    func runNow(_ id: String, tenant: Tenant, actor: String) async throws -> ReportRun {
        _ = try await definition(id, tenant: tenant)
        try tenants.takeRate("adhoc_reports_per_hour", period: 3600, of: tenant, what: "ad-hoc reports")
        let now = clock.now
        let run = ReportRun(scheduleID: id, slot: now, tenantID: tenant.id, status: .pending, detail: "run now by \(actor)",
                            createdAt: now, updatedAt: now)
        try await repository.addRun(run, actor: actor, now: now)
        wakeUp.fire()
        return run
    }

    /// A tenant's runs (of one schedule when `query` names it, which must exist), newest first,
    /// with the outcome of each run's mails.
    /// - Throws: ``ServiceError`` `.notFound` for a schedule the tenant does not have.
    func runs(_ query: RunQuery, tenant: Tenant) async throws -> [(run: ReportRun, mails: [OutboxEntry])] {
        var query = query
        query.tenantID = tenant.id
        if let id = query.scheduleID { _ = try await definition(id, tenant: tenant) }
        let runs = try await repository.runs(query)
        let entries = Dictionary(uniqueKeysWithValues: try await outbox.entries(runs.flatMap(\.outboxIDList)).map { ($0.id!, $0) })
        return runs.map { run in (run, run.outboxIDList.compactMap { entries[$0] }) }
    }

    /// A schedule record's definition.
    static func definition(of record: ScheduleRecord) throws -> ScheduleDefinition {
        try JSONDecoder.api.decode(ScheduleDefinition.self, from: Data(record.definition.utf8))
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
