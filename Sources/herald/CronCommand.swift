import ArgumentParser
import Cron
import Foundation

struct CronCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "Show when a cron expression fires and what it means.",
        subcommands: [Next.self, Explain.self]
    )

    struct Next: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next fire times, one per line, as ISO 8601 with the zone's offset.",
            discussion: "Exit status: 0; 64 for a bad expression, zone or instant (message on stderr)."
        )

        @Argument(help: "Cron expression, e.g. \"0 8 * * 1\" or \"@daily\".")
        var expression: String

        @Option(help: "IANA time zone the expression is evaluated in, e.g. Europe/Berlin.")
        var tz: String

        @Option(help: "ISO 8601 instant with an offset or Z; the times printed are strictly after it (default: now).")
        var after: String?

        @Option(help: "How many fire times to print.")
        var count: Int = 5

        func validate() throws {
            guard (1...10_000).contains(count) else { throw ValidationError("--count must be between 1 and 10000") }
        }

        func run() async throws {
            try cronErrorsAsUsage {
                let parsed = try CronExpression(expression)
                let zone = try CronZone(identifier: tz)
                let start = try after.map(CronInstant.parse) ?? Date()
                for date in parsed.nextTimes(after: start, count: count, in: zone) {
                    print(zone.iso8601(date))
                }
            }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a cron expression in English or German.",
            discussion: "Exit status: 0; 64 for a bad expression (message on stderr)."
        )

        @Argument(help: "Cron expression.")
        var expression: String

        @Option(help: "Language of the description: en or de.")
        var locale: CronLocale = .en

        func run() async throws {
            try cronErrorsAsUsage {
                print(try CronExpression(expression).describe(locale: locale))
            }
        }
    }
}

extension CronLocale: ExpressibleByArgument {}

/// Reports a ``CronError`` on stderr and exits 64.
private func cronErrorsAsUsage(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CronError {
        printError(error.message)
        throw ExitStatus.usage
    }
}
