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

    static let statuses = ["OK", "WARN", "CRIT", "NO_DATA"]

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
        let mode = channel.mode ?? "immediate"
        guard ["immediate", "digest"].contains(mode) else {
            throw ServiceError(.invalid, field: "channel.mode", "\"\(mode)\" is not a mode; use immediate or digest")
        }
        channel.mode = mode
        if mode == "digest" {
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
    /// The problem mail this one threads under.
    public var thread: String?
}

extension HeraldCore {
    /// Records an alert event and mails it at once or adds it to its channel's digest.
    /// - Throws: ``ServiceError`` for bad input (422).
    public func postAlert(_ request: AlertRequest, tenant: Tenant) throws -> AlertAccepted {
        var request = request
        try request.validate(tenantLocale: tenant.locale)
        try requireCount(request.channel.recipients.count, within: "recipients_per_alert", of: tenant, field: "channel.recipients",
                         what: "recipients of the channel")
        try takeRate("alerts_per_minute", period: 60, of: tenant, what: "alerts")
        let now = clock.now
        let at = request.at ?? now
        let isRecovery = request.is_recovery == true
        let isAck = !isRecovery && !(request.acknowledged_by ?? "").isEmpty
        let kind: TemplateKind = isRecovery ? .recovery : isAck ? .acknowledgement : .alert
        let event = AlertEvent(tenantID: tenant.id, host: request.host.name, service: request.service.display_name,
                               status: request.status, message: request.message ?? "", at: at)
        let composer = try currentComposer()
        let problemKey = Self.key(SHA256.hash(data: Data("\(tenant.id)\u{0}\(request.host.name)\u{0}\(request.service.display_name)\u{0}\(at.timeIntervalSince1970)".utf8)))
        let zone = TimeZone(identifier: tenant.timeZone) ?? .gmt
        let custom = try jobs.customTemplates(tenant: tenant, kind: kind)

        if request.channel.mode == "digest" {
            let window = TimeInterval(request.channel.window_minutes! * 60)
            let windowEnd = Date(timeIntervalSince1970: (floor(now.timeIntervalSince1970 / window) + 1) * window)
            let recipients = request.channel.recipients
            let channelKey = Self.key(SHA256.hash(data: try JSONEncoder.api.encode(recipients))) + ":\(Int(window))"
            _ = try store.recordAlert(event, record: !isAck, isProblem: !isRecovery && !isAck, isRecovery: isRecovery,
                                      problemMessageID: composer.messageID("problem.\(problemKey)"), now: now) { _ in [] }
            let item = DigestItem(recipients: recipients, window: Int(window), host: request.host.name, host_url: request.host_url,
                                  service: request.service.display_name, status: request.status, message: request.message ?? "",
                                  at: at, kind: kind.rawValue)
            try store.addDigestEvent(DigestEvent(tenantID: tenant.id, channel: channelKey, windowEnd: windowEnd,
                                                 event: String(decoding: try JSONEncoder.api.encode(item), as: UTF8.self)))
            digestSignal.fire()
            return AlertAccepted(mode: "digest", outbox_ids: [], digest_at: windowEnd, thread: nil)
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
        let result = try store.recordAlert(event, record: !isAck, isProblem: !isRecovery && !isAck, isRecovery: isRecovery,
                                           problemMessageID: composer.messageID("problem.\(problemKey)"), now: now) { problem in
            try byLocale.keys.sorted().map { locale in
                let threadID = problem.map { Self.localized($0.messageID, locale) }
                // The problem's first mail carries the thread's Message-ID; later ones reply to it.
                // A problem that began in a digest has had no mail yet: its first one opens the thread.
                let opensThread = problem.map { !$0.threadOpened } ?? false
                let context: [String: Any] = ["alert": [
                    "host": ["name": request.host.name], "service": ["display_name": request.service.display_name],
                    "status": request.status, "previous_status": request.previous_status ?? (problem?.status ?? NSNull()),
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
        deliverySignal.fire()
        return AlertAccepted(mode: "immediate", outbox_ids: result.entries.compactMap(\.id), digest_at: nil,
                             thread: result.problem.map { Self.localized($0.messageID, tenant.locale) })
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

    // MARK: Digests

    /// A window counts as closed this long after its end, so an event computed for it just before
    /// the end but committed just after still goes into its mail.
    static let digestGrace: TimeInterval = 5

    /// Mails every closed digest window; returns when the next one closes. A window whose mail
    /// cannot be made is logged and audited, and does not hold up the windows after it.
    @discardableResult
    public func flushDigests() throws -> Date? {
        let now = clock.now
        for events in try store.closedDigests(now: now.addingTimeInterval(-Self.digestGrace)) {
            do {
                try flush(digest: events, now: now)
            } catch {
                let detail = (error as? ServiceError)?.description ?? "\(error)"
                logger.error("digest could not be made", metadata: ["herald.digest.events": "\(events.count)", "herald.error": "\(detail)"])
                _ = try store.flushDigest(events, mails: [], now: now)
                _ = try store.appendAudit(AuditEntry(at: now, actor: "system", action: "digest.failed", tenantID: events[0].tenantID,
                                                     subject: "digest:\(events[0].channel)", detail: "\(events.count) event(s) not mailed: \(detail)"))
            }
        }
        return try store.nextDigestWindow().map { $0.addingTimeInterval(Self.digestGrace) }
    }

    /// Makes and enqueues the mail of one closed window, removing its events in the same transaction.
    private func flush(digest events: [DigestEvent], now: Date) throws {
        let first = events[0]
        let items = events.compactMap { try? JSONDecoder.api.decode(DigestItem.self, from: Data($0.event.utf8)) }
        guard let tenant = try store.tenant(first.tenantID), let channel = items.first else {
            _ = try store.flushDigest(events, mails: [], now: now)
            return
        }
        let composer = try currentComposer()
        let zone = TimeZone(identifier: tenant.timeZone) ?? .gmt
        let custom = try jobs.customTemplates(tenant: tenant, kind: .digest)
        let windowStart = first.windowEnd.addingTimeInterval(-TimeInterval(channel.window))
        let byLocale = Dictionary(grouping: channel.recipients, by: { $0.locale ?? tenant.locale })
        var mails: [NewMail] = []
        for locale in byLocale.keys.sorted() {
            var counts: [String: Int] = [:]
            for item in items { counts[item.status, default: 0] += 1 }
            var hostOrder: [String] = []
            var byHost: [String: [DigestItem]] = [:]
            for item in items.sorted(by: { $0.at < $1.at }) {
                if byHost[item.host] == nil { hostOrder.append(item.host) }
                byHost[item.host, default: []].append(item)
            }
            let hosts: [[String: Any]] = hostOrder.map { host in
                ["name": host, "url": byHost[host]!.compactMap(\.host_url).last ?? NSNull(),
                 "events": byHost[host]!.map { ["at": Formats.time($0.at, zone: zone), "status": $0.status, "service": $0.service, "message": $0.message] }]
            }
            let context: [String: Any] = ["digest": [
                "window_start": Formats.time(windowStart, zone: zone), "window_end": Formats.time(first.windowEnd, zone: zone),
                "total": items.count, "counts": counts, "hosts": hosts,
            ] as [String: Any]]
            mails.append(try composer.compose(MailComposer.Envelope(
                tenant: tenant, kind: .digest, locale: locale, recipients: byLocale[locale]!.map(\.address), context: context,
                custom: custom[locale],
                idempotencyKey: "digest:\(first.channel):\(Int64(first.windowEnd.timeIntervalSince1970)):\(locale)"), now: now))
        }
        let entries = try store.flushDigest(events, mails: mails, now: now)
        deliverySignal.fire()
        logger.info("digest enqueued", metadata: ["herald.digest.events": "\(items.count)", "herald.outbox.ids": "\(entries.compactMap(\.id))"])
    }

    /// The digest worker: flushes windows as they close.
    func runDigests() async {
        // Digest mails render the tenants' templates: on the template threads, never the cooperative pool.
        await repeatSteps("digest flush", wakeUp: digestSignal) { try await templatePool.run { try self.flushDigests() } }
    }
}

/// One event as a digest keeps it until its window closes.
struct DigestItem: Codable {
    var recipients: [ReportRecipient]
    var window: Int
    var host: String
    var host_url: String?
    var service: String
    var status: String
    var message: String
    var at: Date
    var kind: String
}
