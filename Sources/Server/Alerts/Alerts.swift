import Clocks
import Crypto
import Foundation
import Logging
import Mail
import Store

/// An alert event from the monitoring product, named as the templates name its variables.
public struct AlertRequest: Sendable, Codable {
    public struct Host: Sendable, Codable { public var name: String }
    public struct Service: Sendable, Codable { public var display_name: String }
    /// Where the mail goes and how.
    public struct Channel: Sendable, Codable {
        public var recipients: [ReportRecipient]
        /// `immediate` (default) or `digest`.
        public var mode: String?
        /// Digest window in minutes (1–1440). Default 15.
        public var window_minutes: Int?
    }

    public var host: Host
    public var service: Service
    /// `OK`, `WARN`, `CRIT` or `NO_DATA`.
    public var status: String
    public var previous_status: String?
    public var message: String?
    public var host_url: String?
    public var is_recovery: Bool?
    public var acknowledged_by: String?
    public var comment: String?
    /// When the state changed (ISO 8601); now when absent.
    public var at: Date?
    public var channel: Channel

    static let statuses = AlertStatus.allCases.map(\.rawValue)

    /// The checked request's status.
    var alertStatus: AlertStatus { AlertStatus(rawValue: status) ?? .noData }
    /// The checked request's delivery mode.
    var deliveryMode: DeliveryMode { DeliveryMode(rawValue: channel.mode ?? "immediate") ?? .immediate }

    mutating func validate(tenantLocale: String) throws {
        try Validate.line(host.name, field: "host.name", max: 255)
        try Validate.line(service.display_name, field: "service.display_name", max: 255)
        if let by = acknowledged_by { try Validate.line(by, field: "acknowledged_by", max: 255, allowEmpty: true) }
        guard Self.statuses.contains(status) else {
            throw ServiceError(.invalid, field: "status", "\"\(status)\" is not a status; use OK, WARN, CRIT or NO_DATA")
        }
        if let previous = previous_status, !Self.statuses.contains(previous) {
            throw ServiceError(.invalid, field: "previous_status", "\"\(previous)\" is not a status; use OK, WARN, CRIT or NO_DATA")
        }
        if acknowledged_by?.isEmpty == true { acknowledged_by = nil }
        if is_recovery == true && status != "OK" {
            throw ServiceError(.invalid, field: "status", "a recovery has status OK")
        }
        if is_recovery != true && acknowledged_by == nil && status == "OK" {
            throw ServiceError(.invalid, field: "is_recovery", "an OK event is a recovery; send is_recovery: true")
        }
        if (message?.count ?? 0) > 10_000 { throw ServiceError(.invalid, field: "message", "is longer than 10,000 characters") }
        if let url = host_url {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? "") else {
                throw ServiceError(.invalid, field: "host_url", "must be an http(s) URL")
            }
        }
        try ScheduleDefinition.validate(recipients: &channel.recipients, field: "channel.recipients", tenantLocale: tenantLocale)
        let mode = channel.mode ?? DeliveryMode.immediate.rawValue
        guard let delivery = DeliveryMode(rawValue: mode) else {
            throw ServiceError(.invalid, field: "channel.mode", "\"\(mode)\" is not a mode; use immediate or digest")
        }
        channel.mode = mode
        if delivery == .digest {
            let window = channel.window_minutes ?? 15
            guard (1...1440).contains(window) else {
                throw ServiceError(.invalid, field: "channel.window_minutes", "must be 1 to 1440 minutes")
            }
            channel.window_minutes = window
        }
    }
}

/// What the API answers for an alert.
public struct AlertAccepted: Sendable, Codable {
    public var mode: String
    /// Outbox entries of immediate mails.
    public var outbox_ids: [Int64]
    /// For digests: when the window closes.
    public var digest_at: Date?
    /// The problem mail this one threads under: its Message-ID in the tenant's locale when mails
    /// went out in it, else in the first locale they went out in.
    public var thread: String?
    /// The problem mail's Message-ID per locale a mail went out in (each locale's recipients have
    /// their own thread).
    public var threads: [String: String]?
}

/// How an alert channel mails: each event at once, or a digest per window.
public enum DeliveryMode: String, Sendable, Codable {
    case immediate, digest
}

/// Alert events from the monitoring product: recorded in the state history, and mailed at once
/// (threaded per problem and locale) or added to their channel's digest.
final class Alerts: Sendable {
    let repository: any AlertRepository
    let tenants: Tenants
    let templates: Templates
    let mailSettings: MailSettings
    let gate: RenderGate
    let clock: any WallClock
    let signals: Signals

    init(repository: any AlertRepository, tenants: Tenants, templates: Templates, mailSettings: MailSettings, gate: RenderGate,
         clock: any WallClock, signals: Signals) {
        self.repository = repository
        self.tenants = tenants
        self.templates = templates
        self.mailSettings = mailSettings
        self.gate = gate
        self.clock = clock
        self.signals = signals
    }

    /// Records an alert event and mails it at once or adds it to its channel's digest.
    /// - Throws: ``ServiceError`` for bad input (422).
    func post(_ request: AlertRequest, tenant: Tenant) async throws -> AlertAccepted {
        // The whole request in one of the tenant's render slots: a flood is refused before anything is done.
        try await gate.admit(tenant.id) { try await record(request, tenant: tenant) }
    }

    private func record(_ request: AlertRequest, tenant: Tenant) async throws -> AlertAccepted {
        var request = request
        try request.validate(tenantLocale: tenant.locale)
        try tenants.requireCount(request.channel.recipients.count, within: "recipients_per_alert", of: tenant, field: "channel.recipients",
                                 what: "recipients of the channel")
        try tenants.takeRate("alerts_per_minute", period: 60, of: tenant, what: "alerts")
        let now = clock.now
        let at = request.at ?? now
        let isRecovery = request.is_recovery == true
        let isAck = !isRecovery && !(request.acknowledged_by ?? "").isEmpty
        let kind: TemplateKind = isRecovery ? .recovery : isAck ? .acknowledgement : .alert
        let change: AlertChange = isRecovery ? .recovery : isAck ? .acknowledgement : .problem
        let event = AlertEvent(tenantID: tenant.id, host: request.host.name, service: request.service.display_name,
                               status: request.alertStatus, message: request.message ?? "", at: at)
        let composer = try await mailSettings.currentComposer()
        let problemKey = Self.key(SHA256.hash(data: Data("\(tenant.id)\u{0}\(request.host.name)\u{0}\(request.service.display_name)\u{0}\(at.timeIntervalSince1970)".utf8)))
        let custom = try await templates.custom(tenant: tenant, kind: kind)

        if request.deliveryMode == .digest {
            let window = TimeInterval(request.channel.window_minutes! * 60)
            let windowEnd = Date(timeIntervalSince1970: (floor(now.timeIntervalSince1970 / window) + 1) * window)
            let recipients = request.channel.recipients
            let channelKey = Self.key(SHA256.hash(data: try JSONEncoder.api.encode(recipients))) + ":\(Int(window))"
            _ = try await repository.recordAlert(event, change: change, problemMessageID: composer.messageID("problem.\(problemKey)"),
                                                 now: now) { _ in [] }
            let item = DigestItem(recipients: recipients, window: Int(window), host: request.host.name, host_url: request.host_url,
                                  service: request.service.display_name, status: request.alertStatus, message: request.message ?? "",
                                  at: at, kind: kind)
            try await repository.addDigestEvent(DigestEvent(tenantID: tenant.id, channel: channelKey, windowEnd: windowEnd,
                                                            event: String(decoding: try JSONEncoder.api.encode(item), as: UTF8.self)))
            signals.digests.fire()
            return AlertAccepted(mode: DeliveryMode.digest.rawValue, outbox_ids: [], digest_at: windowEnd, thread: nil, threads: nil)
        }

        let byLocale = Dictionary(grouping: request.channel.recipients, by: { $0.locale ?? tenant.locale })
        // An event that names its instant is the same event when posted again (a client retrying
        // after a lost answer): its mails are found by this key instead of sent twice.
        let retryKey: String? = request.at.map { at in
            Self.key(SHA256.hash(data: Data(["\(at.timeIntervalSince1970)", request.host.name, request.service.display_name, request.status,
                                             kind.rawValue, request.acknowledged_by ?? "",
                                             request.channel.recipients.map { "\($0.address)/\($0.locale ?? "")" }.joined(separator: ",")]
                                                .joined(separator: "\u{0}").utf8)))
        }
        let (gate, checked) = (gate, request)
        let result = try await repository.recordAlert(event, change: change, problemMessageID: composer.messageID("problem.\(problemKey)"),
                                                      now: now) { problem in
            // The mails render the tenant's templates: on the urgent lane.
            try await gate.render(.urgent) {
                try Self.mails(checked, tenant: tenant, kind: kind, problem: problem, at: at, byLocale: byLocale, custom: custom,
                               composer: composer, retryKey: retryKey, now: now)
            }
        }
        signals.delivery.fire()
        let locales = byLocale.keys.sorted()
        let threads = result.problem.map { problem in
            Dictionary(uniqueKeysWithValues: locales.map { ($0, Self.localized(problem.messageID, $0)) })
        }
        let main = locales.contains(tenant.locale) ? tenant.locale : locales.first
        return AlertAccepted(mode: DeliveryMode.immediate.rawValue, outbox_ids: result.entries.compactMap(\.id), digest_at: nil,
                             thread: main.flatMap { threads?[$0] }, threads: threads)
    }

    /// The mails of an immediate alert, one per recipient locale.
    private static func mails(_ request: AlertRequest, tenant: Tenant, kind: TemplateKind, problem: AlertProblem?, at: Date,
                              byLocale: [String: [ReportRecipient]], custom: [String: TemplateSet], composer: MailComposer,
                              retryKey: String?, now: Date) throws -> [NewMail] {
        let isRecovery = kind == .recovery
        let zone = TimeZone(identifier: tenant.timeZone) ?? .gmt
        return try byLocale.keys.sorted().map { locale in
            let threadID = problem.map { Self.localized($0.messageID, locale) }
            // The problem's first mail carries the thread's Message-ID; later ones reply to it.
            // A problem that began in a digest has had no mail yet: its first one opens the thread.
            let opensThread = problem.map { !$0.threadOpened } ?? false
            let context: [String: Any] = ["alert": [
                "host": ["name": request.host.name], "service": ["display_name": request.service.display_name],
                "status": request.status, "previous_status": request.previous_status ?? (problem?.status.rawValue ?? NSNull()),
                "message": request.message ?? "", "host_url": request.host_url ?? "",
                "is_recovery": isRecovery, "acknowledged_by": request.acknowledged_by ?? NSNull(), "comment": request.comment ?? NSNull(),
                "since": Formats.dateTime(problem?.since ?? at, zone: zone, locale: locale),
                "duration": isRecovery && problem != nil ? Formats.duration(at.timeIntervalSince(problem!.since), locale: locale) as Any : NSNull(),
            ] as [String: Any]]
            return try composer.compose(MailComposer.Envelope(
                tenant: tenant, kind: kind, locale: locale, recipients: byLocale[locale]!.map(\.address), context: context,
                custom: custom[locale], messageID: opensThread ? threadID : nil, inReplyTo: opensThread ? nil : threadID,
                idempotencyKey: retryKey.map { "alert:\($0):\(locale)" }), now: now)
        }
    }

    /// `<problem.X@domain>` → `<problem.X.de@domain>`: one thread per locale, since each locale's
    /// recipients get their own copy of the problem mail.
    static func localized(_ messageID: String, _ locale: String) -> String {
        guard let at = messageID.firstIndex(of: "@") else { return messageID }
        return messageID[..<at] + ".\(locale)" + messageID[at...]
    }

    /// A short key from a SHA-256 digest: its first 12 bytes in hex.
    static func key(_ digest: SHA256.Digest) -> String {
        SecretBox.hex(digest.prefix(12))
    }
}
