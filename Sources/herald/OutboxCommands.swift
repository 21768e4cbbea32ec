import ArgumentParser
import Clocks
import Delivery
import Dispatch
import Foundation
import Logging
import Mail
import Reports
import SMTP
import Server
import Store

extension MailKind: ExpressibleByArgument {}
extension OutboxStatus: ExpressibleByArgument {}

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Put mails into the durable outbox.",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Encode a message and put it into the outbox; prints the new (or existing) entry's id."
        )

        @OptionGroup var config: ConfigOption

        @Option(help: "Kind, which decides the lane: 2fa, alert, digest, report or test.")
        var kind: MailKind

        @Option(help: "Tenant the mail belongs to.")
        var tenant: String = "default"

        @Option(name: .customLong("idempotency-key"), help: "The same key (per tenant) yields the existing entry instead of a new one.")
        var idempotencyKey: String?

        @Option(name: .customLong("expires-in"), help: "Never send after this long, e.g. 10m, 90s, 2h (2FA mails: 10m unless given).")
        var expiresIn: String?

        @OptionGroup var message: MessageOptions

        func run() async throws {
            try await reportingErrors {
                let expiry = try expiresIn.map(parseDuration)
                let configuration = try config.load()
                let encoded = try MessageWriter().encode(message.message())
                let store = try configuration.openStore()
                let now = Date()
                let (entry, _) = try await storeErrors {
                    try await store.enqueue(NewMail(tenantID: tenant, kind: kind, message: Data(encoded.bytes), messageID: encoded.messageID,
                                              subject: message.subject, mailFrom: encoded.mailFrom, recipients: encoded.recipients,
                                              idempotencyKey: idempotencyKey, expiresAt: expiry.map { now.addingTimeInterval($0) }),
                                      now: now)
                }
                print(entry.id!)
            }
        }
    }
}

/// Parses `90`, `90s`, `10m`, `2h` or `1d` into seconds.
func parseDuration(_ text: String) throws -> TimeInterval {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    var number = Substring(text)
    var factor = 1.0
    if let last = text.last, let unit = units[last] {
        factor = unit
        number = number.dropLast()
    }
    guard let value = Double(number), value > 0, value.isFinite, value * factor <= 365 * 86_400 else {
        throw CLIError(status: ExitStatus.usage, "--expires-in: \"\(text)\" is not a duration; write e.g. 90s, 10m or 2h")
    }
    return value * factor
}

/// Turns a ``StoreError`` into a message and exit status 75 (the database may be busy) or 64.
func storeErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw CLIError(status: error.code == .invalidInput || error.code == .notFound ? ExitStatus.usage : ExitStatus.tempFail, error.message)
    }
}

struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Run the delivery workers: send due outbox entries, retry, expire, record every attempt.",
        discussion: "Without --once it runs until SIGTERM or SIGINT, then finishes the sends in flight and stops."
    )

    @OptionGroup var config: ConfigOption

    @Flag(help: "Return when nothing is due.")
    var once = false

    func run() async throws {
        try await reportingErrors {
            let configuration = try config.load()
            let settings = try configuration.smtpSettings()
            let store = try configuration.openStore()
            var logger = Logger(label: "herald.delivery") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .info
            let deliverer = Deliverer(outbox: store, configuration: configuration.delivery, clock: SystemWallClock(), logger: logger) {
                try SMTPSession(settings: settings)
            }
            try await storeErrors { _ = try await store.prune(olderThanDays: configuration.delivery.retentionDays, now: Date()) }
            let work = Task { try await deliverer.run(once: once) }
            // SIGTERM / SIGINT: stop claiming, let the sends in flight finish.
            let signals = [SIGTERM, SIGINT].map { signal -> DispatchSourceSignal in
                Foundation.signal(signal, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signal)
                source.setEventHandler { work.cancel() }
                source.resume()
                return source
            }
            defer { signals.forEach { $0.cancel() } }
            do {
                try await work.value
            } catch let error as StoreError {
                throw CLIError(status: ExitStatus.tempFail, error.message)
            }
        }
    }
}

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The notification log: one entry per mail, newest first, with every attempt and the server's replies."
    )

    @OptionGroup var config: ConfigOption
    @Option(help: "Only this status (queued, sending, retrying, sent, partially-sent, failed, expired, suppressed).")
    var status: OutboxStatus?
    @Option(help: "Only this tenant.")
    var tenant: String?
    @Option(help: "Only this kind.")
    var kind: MailKind?
    @Option(help: "Only mails to this address.")
    var recipient: String?
    @Option(help: "Page size.")
    var limit: Int = 50
    @Option(help: "Page: entries with an id below this one.")
    var before: Int64?
    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let store = try config.load().openStore()
            let entries = try await storeErrors {
                try await store.log(LogQuery(tenantID: tenant, status: status, kind: kind, recipient: recipient, limit: limit, before: before))
            }
            if json {
                try printJSON(entries.map(LogView.init))
                return
            }
            for e in entries {
                let x = e.entry
                print("\(x.id!) \(iso(x.createdAt)) \(x.tenantID) \(x.kind.rawValue) \(x.status.rawValue) <\(x.messageID)> \"\(x.subject)\"\(x.queueID.map { " queued as \($0)" } ?? "")")
                for r in e.recipients {
                    print("    \(r.status.rawValue) \(r.address)\(replyText(r.replyCode, r.enhancedCode, r.replyText))")
                }
                for a in e.attempts {
                    print("    attempt \(a.number) \(iso(a.at)) \(a.recipient ?? "-") \(a.outcome)\(replyText(a.replyCode, a.enhancedCode, a.replyText))")
                }
            }
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log, newest first.")

    @OptionGroup var config: ConfigOption
    @Option(help: "Page size.")
    var limit: Int = 100
    @Option(help: "Page: entries with an id below this one.")
    var before: Int64?
    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let store = try config.load().openStore()
            let entries = try await storeErrors { try await store.audit(limit: limit, before: before) }
            if json {
                try printJSON(entries)
                return
            }
            for a in entries {
                print("\(a.id!) \(iso(a.at)) \(a.actor) \(a.action)\(a.tenantID.map { " tenant=\($0)" } ?? "")\(a.subject.map { " \($0)" } ?? ""): \(a.detail)")
            }
        }
    }
}

struct SuppressionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppressions",
        abstract: "Addresses no longer mailed after a permanent \"no such user\" answer.",
        subcommands: [List.self, Remove.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List suppressed addresses.")
        @OptionGroup var config: ConfigOption
        @Option(help: "Only this tenant.")
        var tenant: String?
        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let store = try config.load().openStore()
                let list = try await storeErrors { try await store.suppressions(tenantID: tenant) }
                if json {
                    try printJSON(list)
                    return
                }
                for s in list {
                    print("\(s.tenantID) \(s.address) since \(iso(s.createdAt)):\(replyText(s.replyCode, s.enhancedCode, s.replyText))")
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a suppression (audited).")
        @OptionGroup var config: ConfigOption
        @Option(help: "Tenant of the suppression.")
        var tenant: String
        @Argument(help: "The suppressed address.")
        var address: String

        func run() async throws {
            try await reportingErrors {
                let store = try config.load().openStore()
                try await storeErrors { try await store.liftSuppression(tenantID: tenant, address: address, actor: "cli", now: Date()) }
            }
        }
    }
}

/// The notification log entry as JSON.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

func iso(_ date: Date) -> String { ReportFormat.iso(date) }

/// ` 550 5.1.1 text` as stored for a recipient or an attempt; empty when there was no reply.
func replyText(_ code: Int?, _ enhanced: String?, _ text: String?) -> String {
    let reply = [code.map(String.init), enhanced, text].compactMap { $0 }.joined(separator: " ")
    return reply.isEmpty ? "" : " \(reply)"
}
