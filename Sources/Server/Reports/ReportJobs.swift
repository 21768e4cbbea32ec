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
struct ReportJobs: Sendable {
    /// Where the reports read Herald's own alert history.
    let history: any AlertRepository
    let reportsDirectory: URL
    let fontsDirectory: URL
    let dataSources: [String: HTTPDataSource]
    let maxMessageBytes: Int
    let environment: [String: String]
    /// Where data is computed, templates rendered and PDFs drawn: the report lane.
    let workers: Workers

    /// One report to make: what, for whom, over which period.
    struct Request {
        var tenant: Tenant
        var report: ReportKind
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
    /// - Parameter custom: the tenant's report mail templates per locale.
    func mails(for request: Request, composer: MailComposer, custom: [String: TemplateSet], now: Date) async throws -> [NewMail] {
        let byLocale = Dictionary(grouping: request.recipients, by: { $0.locale ?? request.tenant.locale })
        var mails: [NewMail] = []
        for locale in byLocale.keys.sorted() {
            let period = request.period.resolve(at: request.instant, zone: request.zone, locale: locale)
            let prepared = try await reportData(request, period: period, locale: locale)
            let pdf = try await render(request.report, data: prepared, locale: locale, zone: request.zone)
            mails.append(try await workers.run(.report) {
                try compose(request, period: period, locale: locale, summary: prepared.summary, pdf: pdf, composer: composer,
                            recipients: byLocale[locale]!.map(\.address), custom: custom[locale], now: now)
            })
        }
        return mails
    }

    /// The mail of one locale with its PDF.
    private func compose(_ request: Request, period: ReportPeriod, locale: String, summary: [[String: String]], pdf: Data,
                         composer: MailComposer, recipients: [String], custom: TemplateSet?, now: Date) throws -> NewMail {
        let title = request.parameters["title"]?.string ?? request.report.title(locale: locale)
        let fileName = "\(title) \(period.label).pdf".replacingOccurrences(of: "/", with: "-")
        let context: [String: Any] = [
            "report": [
                "title": title, "name": request.report.rawValue,
                "period": ["label": period.label, "start": Formats.date(period.start, zone: request.zone, locale: locale),
                           "end": Formats.date(period.end.addingTimeInterval(-1), zone: request.zone, locale: locale)],
                "summary": summary, "attachment_name": fileName,
            ] as [String: Any],
            "schedule": request.cron.map { ["description": $0.describe(locale: CronLocale(rawValue: locale) ?? .en)] as Any } ?? "",
        ]
        let envelope = MailComposer.Envelope(
            tenant: request.tenant, kind: .report, locale: locale, recipients: recipients, context: context,
            custom: custom, attachments: [Attachment(fileName: fileName, mediaType: "application/pdf", data: [UInt8](pdf))],
            idempotencyKey: "\(request.key):\(locale)", subjectOverride: request.subject)
        let mail = try composer.compose(envelope, now: now)
        guard mail.message.count <= maxMessageBytes else {
            throw ServiceError(.failed, field: "report",
                               "the mail with the \(request.report.rawValue) report is \(mail.message.count / 1024) KiB once encoded (base64 adds a third to the \(pdf.count / 1024) KiB PDF), above the server's limit of \(maxMessageBytes / 1024) KiB; choose a shorter period or fewer hosts")
        }
        return mail
    }

    /// A report's data as its template takes it (JSON), and the summary lines the mail shows.
    struct Prepared: Sendable {
        let json: Data
        let summary: [[String: String]]
    }

    /// Gathers the report's data (Herald's alert history, or a configured HTTP source) and computes
    /// its figures on the report lane.
    func reportData(_ request: Request, period: ReportPeriod, locale: String) async throws -> Prepared {
        let source = request.parameters["source"]?.string ?? "history"
        var events: [AlertEvent] = []
        var fetched: Data?
        if source == "history" {
            events = try await history.alertHistory(tenantID: request.tenant.id, start: period.start, end: period.end)
        } else {
            guard let configured = dataSources[source] else {
                throw ServiceError(.failed, field: "parameters.source", "the data source \"\(source)\" is no longer configured: add it again under service.dataSources in the configuration file, or change the schedule's parameters.source", transient: true)
            }
            fetched = try await HTTPFetcher.fetch(configured, tenant: request.tenant.id, report: request.report.rawValue,
                                                  period: period, environment: environment, workers: workers)
        }
        let (changes, answer) = (events, fetched)
        return try await workers.run(.report) {
            var data: [String: Any]
            if let answer {
                data = try HTTPFetcher.object(answer)
            } else {
                switch request.report {
                case .availability:
                    data = HistoryData.availability(changes, period: period, group: request.parameters["group"]?.string,
                                                    slaTarget: request.parameters["sla_target"]?.number ?? 99.9)
                case .metrics:
                    data = HistoryData.metrics(changes, period: period, slaTarget: request.parameters["sla_target"]?.number, locale: locale)
                case .alertSummary:
                    data = HistoryData.alertSummary(changes, period: period)
                }
            }
            var tenant: [String: Any] = ["name": request.tenant.name, "footer": request.tenant.footer.map { $0 as Any } ?? NSNull()]
            // The branding logo (a PNG), for the cover; absent when the tenant has none.
            if let logo = request.tenant.logo { tenant["logo"] = "data:image/png;base64,\(logo.base64EncodedString())" }
            data["tenant"] = tenant
            data["period"] = ["label": period.label, "start": Formats.iso(period.start), "end": Formats.iso(period.end)]
            data["generated_at"] = Formats.iso(request.instant)
            // One title for the PDF, the subject and the file name.
            data["title"] = request.parameters["title"]?.string ?? request.report.title(locale: locale)
            ReportFigures.annotate(&data, report: request.report.rawValue, zone: request.zone, locale: locale)
            let summary = Self.summary(data, report: request.report, locale: locale)
            data["locale"] = locale
            data["tz"] = request.zone.identifier
            return Prepared(json: try JSONSerialization.data(withJSONObject: data), summary: summary)
        }
    }

    /// A few headline figures for the mail body.
    static func summary(_ data: [String: Any], report: ReportKind, locale: String) -> [[String: String]] {
        let de = locale == "de"
        switch report {
        case .availability:
            // The figures the PDF shows, from the one computation both use.
            let summary = data["summary"] as? [String: Any] ?? [:]
            let breaches = (summary["breaches"] as? [String])?.count ?? 0
            return [["label": de ? "Verfügbarkeit (Mittel)" : "Availability (mean)", "value": summary["availability_label"] as? String ?? ""],
                    ["label": de ? "SLA-Ziel" : "SLA target", "value": summary["sla_target_label"] as? String ?? ""],
                    ["label": de ? "SLA-Verletzungen" : "SLA breaches", "value": breaches == 0 ? (de ? "keine" : "none") : "\(breaches)"],
                    ["label": de ? "Ausfälle" : "Outages", "value": summary["outages_label"] as? String ?? ""],
                    ["label": de ? "Dienste" : "Services", "value": "\(summary["services"] as? Int ?? 0)"]]
        case .alertSummary:
            let events = data["events"] as? [[String: Any]] ?? []
            return [["label": de ? "Alarme" : "Alerts", "value": "\(events.count)"],
                    ["label": "CRIT", "value": "\(events.filter { $0["status"] as? String == "CRIT" }.count)"]]
        case .metrics:
            return [["label": de ? "Diagramme" : "Charts", "value": "\((data["charts"] as? [Any])?.count ?? 0)"]]
        }
    }

    /// The budget of a report document's render: 2 minutes, 256 MB of document, 1 GiB of values built, single values up to 256 MB.
    static let reportLimits = RenderLimits(maxRenderTime: 120, maxOutputBytes: 256 << 20, maxValueBytes: 1 << 30, maxValueSize: 256 << 20)

    /// Renders the report template with the data, then the document to PDF, on the report lane.
    func render(_ report: ReportKind, data: Prepared, locale: String, zone: TimeZone) async throws -> Data {
        let template = reportsDirectory.appendingPathComponent("\(report.rawValue)/report.xml.j2")
        var settings = Configuration()
        settings.autoescape = .byExtension
        settings.undefined = .strict
        // The template is Herald's, the data the tenant's: a budget with room for large reports
        // (100,000 rows render in seconds and build a few hundred MB at most) stops data built to
        // exhaust the service.
        settings.limits = Self.reportLimits
        let configuration = settings
        let json = data.json
        let base = reportsDirectory.appendingPathComponent(report.rawValue)
        do {
            // The template render, the layout's parse and the drawing are CPU work: on the report threads.
            let fonts = fontsDirectory.path
            return try await workers.run(.report) {
                let xml = try Environment.loadTemplateFile(template, configuration: configuration, contextFilters: FormatFilters.all).render(json: json)
                let document = try DocumentParser.parse(Data(xml.utf8), baseDirectory: base)
                return try PDFRenderer(fontsDirectory: fonts).render(document)
            }
        } catch let error as JinjaError {
            throw ServiceError(.failed, field: "data", "the \(report.rawValue) report's data does not fit its template: \(error.description)")
        } catch let error as ReportError {
            throw ServiceError(.failed, field: "report", "rendering the \(report.rawValue) report failed: \(error.message)")
        }
    }
}

/// The built-in reports.
enum ReportKind: String, Sendable, CaseIterable {
    case availability
    case alertSummary = "alert-summary"
    case metrics

    /// Every report's name, as schedules and the API give it.
    static let names = allCases.map(\.rawValue)

    /// The report a stored request names.
    /// - Throws: ``ServiceError`` `.failed` for a name that is no report (any more).
    init(checking name: String) throws {
        guard let kind = ReportKind(rawValue: name) else {
            throw ServiceError(.failed, field: "report", "no report \"\(name)\"; the reports are \(Self.names.joined(separator: ", "))")
        }
        self = kind
    }

    /// The report's title in `locale`: of the PDF, the mail's subject and the file name.
    func title(locale: String) -> String {
        switch (self, locale) {
        case (.availability, "de"): "Verfügbarkeitsbericht"
        case (.availability, _): "Availability report"
        case (.alertSummary, "de"): "Alarmübersicht"
        case (.alertSummary, _): "Alert summary"
        case (.metrics, "de"): "Metriken"
        case (.metrics, _): "Metrics"
        }
    }
}
