import ArgumentParser
import Foundation
import Reports

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render reports to PDF.",
        subcommands: [Render.self]
    )

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a report document (Herald's report XML, see ReportTemplates/README.md) to PDF.",
            discussion: "Exit status: 0; 65 when the document is wrong (message names the line and element); 64 bad usage."
        )

        @Argument(help: "The report document (.xml).")
        var document: String

        @Option(help: "The PDF file to write.")
        var out: String

        func run() async throws {
            try await reportingErrors {
                guard let data = FileManager.default.contents(atPath: document) else {
                    throw CLIError(status: ExitStatus.usage, "cannot read \(document); check the path")
                }
                do {
                    let parsed = try DocumentParser.parse(data)
                    let pdf = try await PDFRenderer(fontsDirectory: try fontsDirectory())
                        .render(parsed, on: DispatchQueue(label: "herald.report"))
                    try writeAtomically([UInt8](pdf), to: out)
                } catch let error as ReportError {
                    let where_ = error.line.map { "\(document):\($0): " } ?? "\(document): "
                    throw CLIError(status: error.code == .document ? ExitStatus.dataError : ExitStatus.config, where_ + error.message)
                }
            }
        }
    }
}
