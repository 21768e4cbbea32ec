import ArgumentParser
import Foundation
import Jinja
import Reports

struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Render or check Jinja2 templates with Herald's engine.",
        subcommands: [Render.self, Check.self]
    )

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a template to stdout, adding nothing.",
            discussion: """
            The data file is a JSON object whose keys become the context. The template's own directory is \
            searched first for includes, imports and extends. Autoescape is on for names ending in .html, \
            .htm or .xml (after dropping .j2 or .jinja). Exit status: 0; 65 template error \
            (NAME:LINE:COL: message on stderr); 64 bad usage.
            """
        )

        @Argument(help: "The template file.")
        var file: String

        @Option(help: "JSON file with the context (an object).")
        var data: String?

        @Option(name: .customLong("search-path"), help: "Further directory for includes and extends (repeatable).")
        var searchPath: [String] = []

        func run() async throws {
            try await reportingErrors {
                let context = try data.map(readContext) ?? Data("{}".utf8)
                let output = try templateErrors {
                    try Environment.loadTemplateFile(URL(fileURLWithPath: file), searchPaths: searchPath.map { URL(fileURLWithPath: $0) },
                                                     contextFilters: FormatFilters.all)
                        .render(json: context)
                }
                FileHandle.standardOutput.write(Data(output.utf8))
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate templates: syntax, and with --data a strict render (any undefined variable is an error).",
            discussion: "Prints FILE: ok per valid template. Exit status: 0; 65 when a template fails (NAME:LINE:COL: message on stderr); 64 bad usage."
        )

        @Argument(help: "Template files.")
        var files: [String]

        @Option(help: "JSON file with sample data; renders each template strictly against it.")
        var data: String?

        @Option(name: .customLong("search-path"), help: "Further directory for includes and extends (repeatable).")
        var searchPath: [String] = []

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one template file") }
        }

        func run() async throws {
            try await reportingErrors {
                let context = try data.map(readContext)
                var failed = false
                for file in files {
                    var configuration = Configuration()
                    configuration.autoescape = .byExtension
                    configuration.undefined = .strict
                    configuration.limits = .sandboxed
                    do {
                        let template = try Environment.loadTemplateFile(URL(fileURLWithPath: file),
                                                                         searchPaths: searchPath.map { URL(fileURLWithPath: $0) },
                                                                         configuration: configuration, contextFilters: FormatFilters.all)
                        if let context { _ = try template.render(json: context) }
                        print("\(file): ok")
                    } catch let error as JinjaError {
                        let line = error.templateName == nil ? "\(file): \(error)" : "\(error)"
                        FileHandle.standardError.write(Data("\(line)\n".utf8))
                        failed = true
                    }
                }
                if failed { throw ExitStatus.dataError }
            }
        }
    }
}

/// Reads a JSON object for a template's context.
/// - Throws: ``CLIError`` (64) naming the file when it is unreadable or not a JSON object.
func readContext(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIError(status: ExitStatus.usage, "--data: cannot read \(path)")
    }
    guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
        throw CLIError(status: ExitStatus.usage, "--data: \(path) is not a JSON object; write {\"name\": value, ...}")
    }
    return data
}

/// Reports a ``JinjaError`` as `NAME:LINE:COL: message` with exit status 65.
func templateErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as JinjaError {
        throw CLIError(status: ExitStatus.dataError, "\(error)", bare: true)
    }
}
