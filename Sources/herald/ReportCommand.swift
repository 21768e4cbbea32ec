import ArgumentParser
import Foundation
import Jinja
import Reports

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render reports to PDF.",
        subcommands: [Render.self]
    )

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a report to PDF: a built-in report or a report directory with data, or a report document.",
            discussion: """
            NAME is a built-in report (availability, alert-summary, metrics); DIR a directory with report.xml.j2; \
            a file ending in .xml a finished report document (ReportTemplates/README.md). The data file is a \
            JSON object (see the report's schema.json). Exit status: 0; 65 when the template or the data is \
            wrong (the message names the template line or the data field); 64 bad usage.
            """
        )

        @Argument(help: "Built-in report name, report directory, or report document (.xml).")
        var report: String

        @Option(help: "JSON file with the report's data.")
        var data: String?

        @Option(help: "The PDF file to write.")
        var out: String

        @Option(help: "Language of the report: en or de.")
        var locale: String = "en"

        @Option(help: "IANA time zone for times in the report (default UTC).")
        var tz: String = "UTC"

        func validate() throws {
            guard ["en", "de"].contains(locale) else { throw ValidationError("--locale must be en or de") }
            guard TimeZone(identifier: tz) != nil else {
                throw ValidationError("--tz: unknown time zone \"\(tz)\"; use an IANA name like Europe/Berlin")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let (xml, source, base) = try document()
                do {
                    let parsed = try DocumentParser.parse(xml, baseDirectory: base)
                    let pdf = try await PDFRenderer(fontsDirectory: try fontsDirectory())
                        .render(parsed, on: DispatchQueue(label: "herald.report"))
                    try writeAtomically([UInt8](pdf), to: out)
                } catch let error as ReportError {
                    let place = error.line.map { "\(source):\($0): " } ?? "\(source): "
                    throw CLIError(status: error.code == .document ? ExitStatus.dataError : ExitStatus.config, place + error.message)
                }
            }
        }

        /// The report document: read as it is, or rendered from the report's template and the data.
        /// The report document, its name for messages, and the directory its images may come from.
        private func document() throws -> (Data, String, URL) {
            var isDirectory: ObjCBool = false
            if report.hasSuffix(".xml"), FileManager.default.fileExists(atPath: report, isDirectory: &isDirectory), !isDirectory.boolValue {
                guard let data = FileManager.default.contents(atPath: report) else {
                    throw CLIError(status: ExitStatus.usage, "cannot read \(report)")
                }
                return (data, report, URL(fileURLWithPath: report).deletingLastPathComponent())
            }
            let directory = FileManager.default.fileExists(atPath: report, isDirectory: &isDirectory) && isDirectory.boolValue
                ? report : try resourcePath("ReportTemplates/\(report)", variable: "HERALD_REPORTS_DIR")
            let template = URL(fileURLWithPath: directory).appendingPathComponent("report.xml.j2")
            guard FileManager.default.fileExists(atPath: template.path) else {
                throw CLIError(status: ExitStatus.usage, "\(report): no report.xml.j2 there; give availability, alert-summary, metrics, a report directory or a .xml document")
            }
            guard let dataPath = data else {
                throw CLIError(status: ExitStatus.usage, "--data: a report template needs its data (see \(directory)/schema.json)")
            }
            let json = try readContext(dataPath)
            var object = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
            object["locale"] = locale
            object["tz"] = tz
            // The built-in reports show the figures the service computes for its mails.
            ReportFigures.annotate(&object, report: URL(fileURLWithPath: directory).lastPathComponent,
                                   zone: TimeZone(identifier: tz) ?? .gmt, locale: locale)
            var configuration = Configuration()
            configuration.autoescape = .byExtension
            // Strict: a missing data field is an error naming it, not an empty cell.
            configuration.undefined = .strict
            let output = try templateErrors {
                try Environment.loadTemplateFile(template, configuration: configuration, contextFilters: FormatFilters.all)
                    .render(json: try JSONSerialization.data(withJSONObject: object))
            }
            return (Data(output.utf8), "\(template.path) (rendered)", URL(fileURLWithPath: directory))
        }
    }
}
