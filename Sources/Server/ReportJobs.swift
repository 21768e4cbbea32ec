import Cron
import Dispatch
import Foundation
import Jinja
import Logging
import Mail
import Reports
import Store

/// Turns a report request (a schedule's slot, or an ad-hoc send) into mails: gathers the data,
/// renders the PDF in each recipient locale, composes the mail from the tenant's templates.
public struct ReportJobs: Sendable {
    let store: Store
    let reportsDirectory: URL
    let fontsDirectory: URL
    let dataSources: [String: HTTPDataSource]
    let maxMessageBytes: Int
    let environment: [String: String]

    /// The built-in reports.
    public static let reports = ["availability", "alert-summary", "metrics"]

    /// One report to make: what, for whom, over which period.
    struct Request {
        var tenant: Tenant
        var report: String
        var parameters: [String: JSONValue]
        var period: PeriodSpec
        var zone: TimeZone
        var recipients: [ReportRecipient]
        var subject: String?
        /// When it runs: the slot's instant, or now for ad-hoc sends.
        var instant: Date
        /// The schedule's expression, described in each mail's locale; nil for ad-hoc sends.
        var cron: CronExpression?
        /// Prefix of the mails' idempotency keys.
        var key: String
    }

    /// Makes the mails of a request, one per recipient locale.
    /// - Throws: ``ServiceError`` `.failed` naming the step that failed (data, template, render, size).
    func mails(for request: Request, composer: MailComposer, on pool: WorkerPool, now: Date) async throws -> [NewMail] {
        let byLocale = Dictionary(grouping: request.recipients, by: { $0.locale ?? request.tenant.locale })
        var mails: [NewMail] = []
        let custom = try customTemplates(tenant: request.tenant, kind: .report)
        for locale in byLocale.keys.sorted() {
            let period = request.period.resolve(at: request.instant, zone: request.zone, locale: locale)
            let (data, summary) = try await reportData(request, period: period, locale: locale, on: pool)
            let pdf = try await render(request.report, data: data, locale: locale, zone: request.zone, on: pool)
            let title = request.parameters["title"]?.string ?? Self.title(request.report, locale: locale)
            let fileName = "\(title) \(period.label).pdf".replacingOccurrences(of: "/", with: "-")
            let context: [String: Any] = [
                "report": [
                    "title": title, "name": request.report,
                    "period": ["label": period.label, "start": Formats.date(period.start, zone: request.zone, locale: locale),
                               "end": Formats.date(period.end.addingTimeInterval(-1), zone: request.zone, locale: locale)],
                    "summary": summary, "attachment_name": fileName,
                ] as [String: Any],
                "schedule": request.cron.map { ["description": $0.describe(locale: CronLocale(rawValue: locale) ?? .en)] as Any } ?? "",
            ]
            let envelope = MailComposer.Envelope(
                tenant: request.tenant, kind: .report, locale: locale, recipients: byLocale[locale]!.map(\.address), context: context,
                custom: custom[locale], attachments: [Attachment(fileName: fileName, mediaType: "application/pdf", data: [UInt8](pdf))],
                idempotencyKey: "\(request.key):\(locale)", subjectOverride: request.subject)
            let mail = try composer.compose(envelope, now: now)
            guard mail.message.count <= maxMessageBytes else {
                throw ServiceError(.failed, field: "report",
                                   "the mail with the \(request.report) report is \(mail.message.count / 1024) KiB once encoded (base64 adds a third to the \(pdf.count / 1024) KiB PDF), above the server's limit of \(maxMessageBytes / 1024) KiB; choose a shorter period or fewer hosts")
            }
            mails.append(mail)
        }
        return mails
    }

    /// A tenant's custom templates of a kind per locale (plan Pro and above only).
    func customTemplates(tenant: Tenant, kind: TemplateKind) throws -> [String: TemplateSet] {
        guard Plan(rawValue: tenant.plan)?.allowsCustomTemplates == true else { return [:] }
        var result: [String: TemplateSet] = [:]
        for locale in supportedLocales {
            if let t = try store.customTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale) {
                result[locale] = TemplateSet(subject: t.subject, text: t.text, html: t.html)
            }
        }
        return result
    }

    static func title(_ report: String, locale: String) -> String {
        switch (report, locale) {
        case ("availability", "de"): "Verfügbarkeitsbericht"
        case ("availability", _): "Availability report"
        case ("alert-summary", "de"): "Alarmübersicht"
        case ("alert-summary", _): "Alert summary"
        case (_, "de"): "Metriken"
        default: "Metrics"
        }
    }

    /// The report's data and the summary lines the mail shows.
    /// - Parameter pool: where the history is read and its figures computed (database and CPU work).
    func reportData(_ request: Request, period: ReportPeriod, locale: String, on pool: WorkerPool) async throws -> ([String: Any], [[String: String]]) {
        var data: [String: Any]
        let source = request.parameters["source"]?.string ?? "history"
        if source == "history" {
            let store = store
            data = try await pool.run {
                let events = try store.alertHistory(tenantID: request.tenant.id, start: period.start, end: period.end)
                switch request.report {
                case "availability":
                    return HandOver(HistoryData.availability(events, period: period, group: request.parameters["group"]?.string,
                                                             slaTarget: request.parameters["sla_target"]?.number ?? 99.9))
                case "metrics":
                    return HandOver(HistoryData.metrics(events, period: period, slaTarget: request.parameters["sla_target"]?.number, locale: locale))
                default:
                    return HandOver(HistoryData.alertSummary(events, period: period))
                }
            }.value
        } else {
            guard let configured = dataSources[source] else {
                throw ServiceError(.failed, field: "parameters.source", "the data source \"\(source)\" is no longer configured: add it again under service.dataSources in the configuration file, or change the schedule's parameters.source", transient: true)
            }
            data = try await HTTPFetcher.fetchJSON(configured, tenant: request.tenant.id, report: request.report,
                                                   period: period, environment: environment)
        }
        var tenant: [String: Any] = ["name": request.tenant.name, "footer": request.tenant.footer.map { $0 as Any } ?? NSNull()]
        // The branding logo (a PNG), for the cover; absent when the tenant has none.
        if let logo = request.tenant.logo { tenant["logo"] = "data:image/png;base64,\(logo.base64EncodedString())" }
        data["tenant"] = tenant
        data["period"] = ["label": period.label, "start": Formats.iso(period.start), "end": Formats.iso(period.end)]
        data["generated_at"] = Formats.iso(request.instant)
        // One title for the PDF, the subject and the file name.
        data["title"] = request.parameters["title"]?.string ?? Self.title(request.report, locale: locale)
        ReportFigures.annotate(&data, report: request.report, zone: request.zone, locale: locale)
        return (data, Self.summary(data, report: request.report, locale: locale))
    }

    /// A few headline figures for the mail body.
    static func summary(_ data: [String: Any], report: String, locale: String) -> [[String: String]] {
        let de = locale == "de"
        switch report {
        case "availability":
            // The figures the PDF shows, from the one computation both use.
            let summary = data["summary"] as? [String: Any] ?? [:]
            let breaches = (summary["breaches"] as? [String])?.count ?? 0
            return [["label": de ? "Verfügbarkeit (Mittel)" : "Availability (mean)", "value": summary["availability_label"] as? String ?? ""],
                    ["label": de ? "SLA-Ziel" : "SLA target", "value": summary["sla_target_label"] as? String ?? ""],
                    ["label": de ? "SLA-Verletzungen" : "SLA breaches", "value": breaches == 0 ? (de ? "keine" : "none") : "\(breaches)"],
                    ["label": de ? "Ausfälle" : "Outages", "value": summary["outages_label"] as? String ?? ""],
                    ["label": de ? "Dienste" : "Services", "value": "\(summary["services"] as? Int ?? 0)"]]
        case "alert-summary":
            let events = data["events"] as? [[String: Any]] ?? []
            return [["label": de ? "Alarme" : "Alerts", "value": "\(events.count)"],
                    ["label": "CRIT", "value": "\(events.filter { $0["status"] as? String == "CRIT" }.count)"]]
        default:
            return [["label": de ? "Diagramme" : "Charts", "value": "\((data["charts"] as? [Any])?.count ?? 0)"]]
        }
    }

    /// The budget of a report document's render: 2 minutes, 256 MB of document, 1 GiB of values built, single values up to 256 MB.
    static let reportLimits = RenderLimits(maxRenderTime: 120, maxOutputBytes: 256 << 20, maxValueBytes: 1 << 30, maxValueSize: 256 << 20)

    /// Renders the report template with the data, then the document to PDF, on `pool`.
    func render(_ report: String, data: [String: Any], locale: String, zone: TimeZone, on pool: WorkerPool) async throws -> Data {
        var object = data
        object["locale"] = locale
        object["tz"] = zone.identifier
        let template = reportsDirectory.appendingPathComponent("\(report)/report.xml.j2")
        var settings = Configuration()
        settings.autoescape = .byExtension
        settings.undefined = .strict
        // The template is Herald's, the data the tenant's: a budget with room for large reports
        // (100,000 rows render in seconds and build a few hundred MB at most) stops data built to
        // exhaust the service.
        settings.limits = Self.reportLimits
        let configuration = settings
        let json = try JSONSerialization.data(withJSONObject: object)
        let base = reportsDirectory.appendingPathComponent(report)
        do {
            // The template render, the layout's parse and the drawing are CPU work: on the report threads.
            let fonts = fontsDirectory.path
            return try await pool.run {
                let xml = try Environment.loadTemplateFile(template, configuration: configuration, contextFilters: FormatFilters.all).render(json: json)
                let document = try DocumentParser.parse(Data(xml.utf8), baseDirectory: base)
                return try PDFRenderer(fontsDirectory: fonts).render(document)
            }
        } catch let error as JinjaError {
            throw ServiceError(.failed, field: "data", "the \(report) report's data does not fit its template: \(error.description)")
        } catch let error as ReportError {
            throw ServiceError(.failed, field: "report", "rendering the \(report) report failed: \(error.message)")
        }
    }
}

/// A tenant's plan.
public enum Plan: String, Sendable, Codable, CaseIterable {
    case free, pro, enterprise

    /// Custom mail templates need Pro or above.
    var allowsCustomTemplates: Bool { self != .free }
}

/// Report data made on a pool thread and handed to the waiting task: `@unchecked Sendable`
/// because the dictionary is built by the job and only read after it, never shared.
private struct HandOver: @unchecked Sendable {
    let value: [String: Any]
    init(_ value: [String: Any]) { self.value = value }
}
