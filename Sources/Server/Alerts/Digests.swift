import Clocks
import Foundation
import Logging
import Store

/// The digest worker: when a channel's window closes, its events go out as one mail per
/// recipient locale.
final class Digests: Sendable {
    let repository: any AlertRepository
    let tenants: any TenantRepository
    let audit: any AuditRepository
    let templates: Templates
    let mailSettings: MailSettings
    let workers: Workers
    let clock: any WallClock
    let logger: Logger
    let signals: Signals

    init(repository: any AlertRepository, tenants: any TenantRepository, audit: any AuditRepository, templates: Templates,
         mailSettings: MailSettings, workers: Workers, clock: any WallClock, logger: Logger, signals: Signals) {
        self.repository = repository
        self.tenants = tenants
        self.audit = audit
        self.templates = templates
        self.mailSettings = mailSettings
        self.workers = workers
        self.clock = clock
        self.logger = logger
        self.signals = signals
    }

    /// A window counts as closed this long after its end, so an event computed for it just before
    /// the end but committed just after still goes into its mail.
    static let grace: TimeInterval = 5

    /// Mails every closed digest window; returns when the next one closes. A window whose mail
    /// cannot be made is logged and audited, and does not hold up the windows after it.
    @discardableResult
    func flush() async throws -> Date? {
        let now = clock.now
        for events in try await repository.closedDigests(now: now.addingTimeInterval(-Self.grace)) {
            do {
                try await flush(digest: events, now: now)
            } catch {
                let detail = (error as? ServiceError)?.description ?? "\(error)"
                logger.error("digest could not be made", metadata: ["herald.digest.events": "\(events.count)", "herald.error": "\(detail)"])
                _ = try await repository.flushDigest(events, mails: [], now: now)
                try await audit.appendAudit(AuditEntry(at: now, actor: "system", action: "digest.failed", tenantID: events[0].tenantID,
                                                       subject: "digest:\(events[0].channel)", detail: "\(events.count) event(s) not mailed: \(detail)"))
            }
        }
        return try await repository.nextDigestWindow().map { $0.addingTimeInterval(Self.grace) }
    }

    /// Makes and enqueues the mail of one closed window, removing its events in the same transaction.
    private func flush(digest events: [DigestEvent], now: Date) async throws {
        let first = events[0]
        let items = events.compactMap { try? JSONDecoder.api.decode(DigestItem.self, from: Data($0.event.utf8)) }
        guard let tenant = try await tenants.tenant(first.tenantID), let channel = items.first else {
            _ = try await repository.flushDigest(events, mails: [], now: now)
            return
        }
        let composer = try await mailSettings.currentComposer()
        let custom = try await templates.custom(tenant: tenant, kind: .digest)
        // The mails render the tenant's templates: on the worker threads, never the cooperative pool.
        let mails = try await workers.run(.normal) {
            try Self.mails(items, first: first, channel: channel, tenant: tenant, custom: custom, composer: composer, now: now)
        }
        let entries = try await repository.flushDigest(events, mails: mails, now: now)
        signals.delivery.fire()
        logger.info("digest enqueued", metadata: ["herald.digest.events": "\(items.count)", "herald.outbox.ids": "\(entries.compactMap(\.id))"])
    }

    /// A window's mails, one per recipient locale.
    private static func mails(_ items: [DigestItem], first: DigestEvent, channel: DigestItem, tenant: Tenant,
                              custom: [String: TemplateSet], composer: MailComposer, now: Date) throws -> [NewMail] {
        let zone = TimeZone(identifier: tenant.timeZone) ?? .gmt
        let windowStart = first.windowEnd.addingTimeInterval(-TimeInterval(channel.window))
        let byLocale = Dictionary(grouping: channel.recipients, by: { $0.locale ?? tenant.locale })
        var mails: [NewMail] = []
        for locale in byLocale.keys.sorted() {
            var counts: [String: Int] = [:]
            for item in items { counts[item.status.rawValue, default: 0] += 1 }
            var hostOrder: [String] = []
            var byHost: [String: [DigestItem]] = [:]
            for item in items.sorted(by: { $0.at < $1.at }) {
                if byHost[item.host] == nil { hostOrder.append(item.host) }
                byHost[item.host, default: []].append(item)
            }
            let hosts: [[String: Any]] = hostOrder.map { host in
                ["name": host, "url": byHost[host]!.compactMap(\.host_url).last ?? NSNull(),
                 "events": byHost[host]!.map { ["at": Formats.time($0.at, zone: zone), "status": $0.status.rawValue, "service": $0.service,
                                                "message": $0.message] }]
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
        return mails
    }

    /// Flushes windows as they close, until cancelled.
    func run() async {
        await repeatSteps("digest flush", clock: clock, logger: logger, wakeUp: signals.digests) { try await flush() }
    }
}

/// One event as a digest keeps it until its window closes.
struct DigestItem: Codable, Sendable {
    var recipients: [ReportRecipient]
    var window: Int
    var host: String
    var host_url: String?
    var service: String
    var status: AlertStatus
    var message: String
    var at: Date
    var kind: TemplateKind
}
