import Cron
import Foundation
import Mail

/// A recipient of a report, with the locale their copy is written in.
public struct ReportRecipient: Sendable, Codable, Equatable {
    public var address: String
    /// `de` or `en`; the tenant's locale when absent.
    public var locale: String?
}

/// A report schedule as the API takes and returns it (without the computed fields).
public struct ScheduleDefinition: Sendable, Codable, Equatable {
    public var name: String?
    /// Five-field cron expression or a nickname (`@daily`).
    public var cron: String
    /// IANA zone; the tenant's when absent.
    public var timezone: String?
    /// `availability`, `alert-summary` or `metrics`.
    public var report: String
    /// Report parameters: `group`, `sla_target`, `source` (a configured HTTP data source; the
    /// alert history otherwise, for the metrics report too), `title`.
    public var parameters: [String: JSONValue]?
    public var period: PeriodSpec
    public var recipients: [ReportRecipient]
    /// Subject instead of the template's.
    public var subject: String?
    public var enabled: Bool?

    /// Checks every field and fills the defaults; the error names the first wrong field.
    /// - Throws: ``ServiceError`` `.invalid`.
    mutating func validate(tenantZone: String, tenantLocale: String, reports: [String], sources: [String]) throws {
        if let name { try Validate.line(name, field: "name", max: 200, allowEmpty: true) }
        do {
            _ = try CronExpression(cron)
        } catch {
            throw ServiceError(.invalid, field: "cron", "\(error)")
        }
        let zone = timezone ?? tenantZone
        guard TimeZone(identifier: zone) != nil, (try? CronZone(identifier: zone)) != nil else {
            throw ServiceError(.invalid, field: "timezone", "\"\(zone)\" is not an IANA time zone; use a name like Europe/Berlin")
        }
        timezone = zone
        guard reports.contains(report) else {
            throw ServiceError(.invalid, field: "report", "no report \"\(report)\"; choose one of \(reports.joined(separator: ", "))")
        }
        try period.validate(field: "period")
        if let source = parameters?["source"] {
            guard let name = source.string, name == "history" || sources.contains(name) else {
                throw ServiceError(.invalid, field: "parameters.source",
                                   "must be \"history\" (Herald's own alert history) or a data source configured under service.dataSources in the configuration file (see Config/herald.json; \(sources.isEmpty ? "none is configured" : "configured: " + sources.joined(separator: ", ")))")
            }
        }
        if let title = parameters?["title"] {
            guard let text = title.string else { throw ServiceError(.invalid, field: "parameters.title", "must be a string") }
            try Validate.line(text, field: "parameters.title", max: 200)
        }
        if let group = parameters?["group"] {
            guard let text = group.string else { throw ServiceError(.invalid, field: "parameters.group", "must be a string") }
            try Validate.line(text, field: "parameters.group", max: 200)
        }
        if let target = parameters?["sla_target"], !(target.number.map { $0 > 0 && $0 <= 100 } ?? false) {
            throw ServiceError(.invalid, field: "parameters.sla_target", "must be a number above 0 and at most 100 (percent)")
        }
        try Self.validate(recipients: &recipients, field: "recipients", tenantLocale: tenantLocale)
        if let subject { try Validate.line(subject, field: "subject", max: 250) }
        enabled = enabled ?? true
    }

    /// Checks recipients: 1 to 100 valid addresses, locales de or en (the tenant's when absent).
    static func validate(recipients: inout [ReportRecipient], field: String, tenantLocale: String) throws {
        guard !recipients.isEmpty, recipients.count <= 100 else {
            throw ServiceError(.invalid, field: field, "give 1 to 100 recipients")
        }
        for index in recipients.indices {
            _ = try Validate.address(recipients[index].address, field: "\(field)[\(index)].address")
            let locale = recipients[index].locale ?? tenantLocale
            guard supportedLocales.contains(locale) else {
                throw ServiceError(.invalid, field: "\(field)[\(index)].locale", "\"\(locale)\" is not a locale Herald writes; use de or en")
            }
            recipients[index].locale = locale
        }
    }
}
