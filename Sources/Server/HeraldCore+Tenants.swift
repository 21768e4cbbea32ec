import Cron
import Foundation
import Mail
import Store

/// A tenant as the API takes it at creation.
public struct TenantRequest: Sendable, Codable {
    public struct Branding: Sendable, Codable {
        /// `#rrggbb`.
        public var color: String?
        public var footer: String?
        /// Display name of the From address.
        public var from_name: String?
        /// PNG logo, base64.
        public var logo_png: String?
    }
    /// Lower-case letters, digits and dashes, 2–40; made from the name when absent.
    public var id: String?
    public var name: String
    public var locale: String?
    public var timezone: String?
    public var plan: String?
    public var admin_email: String?
    public var branding: Branding?
}

/// A tenant as the API shows it.
public struct TenantView: Sendable, Codable {
    public struct Branding: Sendable, Codable {
        public var color: String?
        public var footer: String?
        public var from_name: String?
        public var has_logo: Bool
    }
    public var id: String
    public var name: String
    public var locale: String
    public var timezone: String
    public var plan: String
    public var admin_email: String?
    public var branding: Branding
    public var created_at: Date

    init(_ t: Tenant) {
        id = t.id
        name = t.name
        locale = t.locale
        timezone = t.timeZone
        plan = t.plan
        admin_email = t.adminEmail
        branding = Branding(color: t.brandColor, footer: t.footer, from_name: t.fromName, has_logo: t.logo != nil)
        created_at = t.createdAt
    }
}

/// A tenant just created, with its first token (shown this once).
public struct TenantCreated: Sendable, Codable {
    public var tenant: TenantView
    public var token: String
}

extension HeraldCore {
    /// Creates a tenant and its first API token (`token`, or a new random one).
    /// - Throws: ``ServiceError`` `.invalid` naming the field, `.conflict` when the id is taken.
    public func createTenant(_ r: TenantRequest, actor: String, token: String = SecretBox.newToken()) throws -> TenantCreated {
        let name = r.name.trimmingCharacters(in: .whitespaces)
        try Validate.line(name, field: "name", max: 200)
        let id = r.id ?? String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }.prefix(40))
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        guard (2...40).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
              id.first != "-" else {
            throw ServiceError(.invalid, field: "id", "must be 2 to 40 lower-case letters, digits and dashes")
        }
        let locale = r.locale ?? "en"
        guard supportedLocales.contains(locale) else {
            throw ServiceError(.invalid, field: "locale", "\"\(locale)\" is not a locale Herald writes; use de or en")
        }
        let zone = r.timezone ?? "UTC"
        guard (try? CronZone(identifier: zone)) != nil else {
            throw ServiceError(.invalid, field: "timezone", "\"\(zone)\" is not an IANA time zone; use a name like Europe/Berlin")
        }
        let plan = r.plan ?? "free"
        guard Plan(rawValue: plan) != nil else {
            throw ServiceError(.invalid, field: "plan", "\"\(plan)\" is not a plan; use free, pro or enterprise")
        }
        if let admin = r.admin_email {
            _ = try Validate.address(admin, field: "admin_email")
        }
        let b = r.branding
        if let color = b?.color, !(color.count == 7 && color.first == "#" && color.dropFirst().allSatisfy(\.isHexDigit)) {
            throw ServiceError(.invalid, field: "branding.color", "must be a colour like #0a7ea4")
        }
        if let footer = b?.footer { try Validate.line(footer, field: "branding.footer", max: 500, allowEmpty: true) }
        if let fromName = b?.from_name {
            try Validate.line(fromName, field: "branding.from_name", max: 100)
            do { _ = try Mailbox(displayName: fromName, address: composer.from.address, field: "branding.from_name") } catch let error as MailError {
                throw ServiceError(.invalid, field: "branding.from_name", error.message)
            }
        }
        var logo: Data?
        if let text = b?.logo_png {
            guard let data = Data(base64Encoded: text), data.starts(with: [0x89, 0x50, 0x4E, 0x47]), data.count <= 512 * 1024 else {
                throw ServiceError(.invalid, field: "branding.logo_png", "must be a base64 PNG of at most 512 KiB")
            }
            logo = data
        }
        let now = clock.now
        let tenant = Tenant(id: id, name: name, locale: locale, timeZone: zone, plan: plan, createdAt: now,
                            brandColor: b?.color, footer: b?.footer, fromName: b?.from_name, adminEmail: r.admin_email, logo: logo)
        do {
            try store.createTenant(tenant, token: APIToken(hash: SecretBox.tokenHash(token), tenantID: id, name: "first", createdAt: now),
                                   actor: actor, now: now)
        } catch let error as StoreError where error.code == .invalidInput {
            throw ServiceError(.conflict, field: "id", error.message)
        }
        return TenantCreated(tenant: TenantView(tenant), token: token)
    }

    /// The tenant a caller may see: any for the admin, only its own for a tenant token; an
    /// unknown tenant and someone else's look the same.
    /// - Throws: ``ServiceError`` `.notFound`.
    func tenant(_ id: String, for principal: Principal) throws -> Tenant {
        if case .tenant(let own) = principal, own != id {
            throw ServiceError(.notFound, field: "tenant", "no tenant \"\(id)\"")
        }
        guard let tenant = try store.tenant(id) else { throw ServiceError(.notFound, field: "tenant", "no tenant \"\(id)\"") }
        return tenant
    }
}

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

extension HeraldCore {
    /// Validates and stores a schedule (new when `id` is nil).
    /// - Throws: ``ServiceError`` `.invalid` naming the field; `.notFound` for an unknown id.
    public func saveSchedule(_ definition: ScheduleDefinition, id: String?, tenant: Tenant, actor: String) throws -> ScheduleView {
        var definition = definition
        try definition.validate(tenantZone: tenant.timeZone, tenantLocale: tenant.locale, reports: ReportJobs.reports,
                                sources: configuration.dataSources.keys.sorted())
        try requireCount(definition.recipients.count, within: "recipients_per_schedule", of: tenant, field: "recipients", what: "recipients")
        try requireInterval(of: definition, tenant: tenant)
        let now = clock.now
        let json = String(decoding: try JSONEncoder.api.encode(definition), as: UTF8.self)
        var record: ScheduleRecord
        if let id {
            guard let existing = try store.schedule(id, tenantID: tenant.id) else {
                throw ServiceError(.notFound, field: "schedule", "no schedule \"\(id)\"")
            }
            record = existing
            let before = try? self.definition(of: existing)
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
        let maxCount = quotas(of: tenant).schedules
        guard try store.saveSchedule(record, actor: actor, now: now, created: id == nil, maxCount: maxCount) else {
            metrics.recordRefusal(tenant: tenant.id, limit: "schedules")
            throw ServiceError(.invalid, field: "schedules",
                               "the tenant has \(maxCount) schedules, its quota schedules = \(maxCount); delete one or ask the platform admin for a higher quota")
        }
        return try view(of: record, tenant: tenant)
    }

    /// Refuses an enabled schedule that would run more often than the tenant's quota allows.
    /// - Throws: ``ServiceError`` `.invalid` naming `cron`, the shortest gap found and the quota.
    func requireInterval(of definition: ScheduleDefinition, tenant: Tenant) throws {
        guard definition.enabled ?? true else { return }
        let minimum = quotas(of: tenant).min_cron_interval_minutes
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
    func view(of record: ScheduleRecord, tenant: Tenant) throws -> ScheduleView {
        let definition = try definition(of: record)
        let expression = try CronExpression(definition.cron)
        let zone = try CronZone(identifier: definition.timezone ?? tenant.timeZone)
        let runs = record.enabled ? expression.nextTimes(after: clock.now, count: 5, in: zone) : []
        return ScheduleView(
            id: record.id, definition: definition, description: expression.describe(locale: CronLocale(rawValue: tenant.locale) ?? .en),
            next_runs: runs.map { ScheduleView.Run(at: $0, local: zone.iso8601($0), offset: Self.offset(zone.secondsFromGMT(for: $0))) },
            last_runs: try store.runs(scheduleID: record.id, limit: 5).map {
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
    public func requestReport(_ request: AdHocReport, tenant: Tenant, actor: String) throws -> ReportRun {
        var request = request
        guard ReportJobs.reports.contains(request.report) else {
            throw ServiceError(.notFound, field: "report", "no report \"\(request.report)\"; choose one of \(ReportJobs.reports.joined(separator: ", "))")
        }
        // The schedule's checks apply: one definition with a placeholder time.
        var check = ScheduleDefinition(cron: "@daily", timezone: request.timezone, report: request.report, parameters: request.parameters,
                                       period: request.period ?? PeriodSpec(type: "previous-week"), recipients: request.recipients,
                                       subject: request.subject, enabled: true)
        try check.validate(tenantZone: tenant.timeZone, tenantLocale: tenant.locale, reports: ReportJobs.reports,
                           sources: configuration.dataSources.keys.sorted())
        try requireCount(check.recipients.count, within: "recipients_per_schedule", of: tenant, field: "recipients", what: "recipients")
        try takeRate("adhoc_reports_per_hour", period: 3600, of: tenant, what: "ad-hoc reports")
        request.recipients = check.recipients
        request.timezone = check.timezone
        request.period = check.period
        let now = clock.now
        let run = ReportRun(scheduleID: "adhoc-\(UUID().uuidString.lowercased())", slot: now, tenantID: tenant.id, status: .pending,
                            request: String(decoding: try JSONEncoder.api.encode(request), as: UTF8.self), createdAt: now, updatedAt: now)
        try store.addRun(run, actor: actor, now: now)
        runSignal.fire()
        return run
    }

    /// Renders every pending run now, one after the other (for tests and `--once` use).
    public func renderPending() async throws {
        while let run = try store.pendingRuns(limit: 1, now: clock.now).first {
            await perform(run)
        }
    }
}
