import Foundation
import Store

/// What one tenant may ask of Herald: counts (refused with 422 naming the limit) and rates
/// (refused with 429 and `Retry-After`). Each plan has defaults; the platform admin may override
/// any of them for one tenant.
public struct Quotas: Sendable, Codable, Equatable {
    /// Report schedules.
    public var schedules: Int
    /// Recipients of one schedule or one ad-hoc report.
    public var recipients_per_schedule: Int
    /// Recipients of one alert channel.
    public var recipients_per_alert: Int
    /// The shortest time between two runs of a schedule, in minutes.
    public var min_cron_interval_minutes: Int
    /// Ad-hoc reports per hour.
    public var adhoc_reports_per_hour: Int
    /// Alert events per minute.
    public var alerts_per_minute: Int
    /// Template previews and uploads per minute.
    public var previews_per_minute: Int
    /// 2FA code requests per minute (besides the limit per address).
    public var twofactor_per_minute: Int

    public init(schedules: Int, recipients_per_schedule: Int, recipients_per_alert: Int, min_cron_interval_minutes: Int,
                adhoc_reports_per_hour: Int, alerts_per_minute: Int, previews_per_minute: Int, twofactor_per_minute: Int) {
        self.schedules = schedules
        self.recipients_per_schedule = recipients_per_schedule
        self.recipients_per_alert = recipients_per_alert
        self.min_cron_interval_minutes = min_cron_interval_minutes
        self.adhoc_reports_per_hour = adhoc_reports_per_hour
        self.alerts_per_minute = alerts_per_minute
        self.previews_per_minute = previews_per_minute
        self.twofactor_per_minute = twofactor_per_minute
    }

    /// The defaults of each plan.
    public static let free = Quotas(schedules: 5, recipients_per_schedule: 10, recipients_per_alert: 10, min_cron_interval_minutes: 60,
                                    adhoc_reports_per_hour: 5, alerts_per_minute: 60, previews_per_minute: 10, twofactor_per_minute: 30)
    public static let pro = Quotas(schedules: 50, recipients_per_schedule: 50, recipients_per_alert: 50, min_cron_interval_minutes: 15,
                                   adhoc_reports_per_hour: 30, alerts_per_minute: 600, previews_per_minute: 60, twofactor_per_minute: 300)
    public static let enterprise = Quotas(schedules: 500, recipients_per_schedule: 200, recipients_per_alert: 200, min_cron_interval_minutes: 5,
                                          adhoc_reports_per_hour: 120, alerts_per_minute: 3000, previews_per_minute: 120,
                                          twofactor_per_minute: 1200)

    /// The largest value any quota may be set to: far above a real tenant, far below what would overflow.
    static let ceiling = 1_000_000

    /// The quotas with `overrides` applied over them.
    public func applying(_ overrides: QuotaOverrides) -> Quotas {
        var q = self
        for (key, value) in overrides.values { q[key] = value }
        return q
    }

    // nonisolated(unsafe): key paths are not Sendable in Swift 6, but these are immutable constants.
    /// Every quota by its name (the JSON field name), once.
    nonisolated(unsafe) static let fields: [(name: String, path: WritableKeyPath<Quotas, Int>)] = [
        ("schedules", \.schedules), ("recipients_per_schedule", \.recipients_per_schedule),
        ("recipients_per_alert", \.recipients_per_alert), ("min_cron_interval_minutes", \.min_cron_interval_minutes),
        ("adhoc_reports_per_hour", \.adhoc_reports_per_hour), ("alerts_per_minute", \.alerts_per_minute),
        ("previews_per_minute", \.previews_per_minute), ("twofactor_per_minute", \.twofactor_per_minute),
    ]

    /// Every quota's name.
    static let names = fields.map(\.name)

    /// The quota named `key` (0 for a name that is none; setting one changes nothing).
    subscript(key: String) -> Int {
        get { Self.fields.first { $0.name == key }.map { self[keyPath: $0.path] } ?? 0 }
        set { if let field = Self.fields.first(where: { $0.name == key }) { self[keyPath: field.path] = newValue } }
    }
}

/// An admin's overrides of some of a tenant's quotas, by name.
public struct QuotaOverrides: Sendable, Codable, Equatable {
    public var values: [String: Int]

    public init(_ values: [String: Int] = [:]) { self.values = values }

    public init(from decoder: Decoder) throws {
        values = try [String: Int](from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        try values.encode(to: encoder)
    }

    /// Checks every name and value.
    /// - Throws: ``ServiceError`` `.invalid` naming the quota.
    public func validate() throws {
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard Quotas.names.contains(name) else {
                throw ServiceError(.invalid, field: name, "is not a quota; the quotas are \(Quotas.names.joined(separator: ", "))")
            }
            let lowest = name == "min_cron_interval_minutes" ? 1 : 0
            guard (lowest...Quotas.ceiling).contains(value) else {
                throw ServiceError(.invalid, field: name, "must be \(lowest) to \(Quotas.ceiling)")
            }
        }
    }
}

/// Per-plan quota defaults, as the configuration sets them.
public struct PlanQuotas: Sendable {
    public var free = Quotas.free
    public var pro = Quotas.pro
    public var enterprise = Quotas.enterprise

    public init() {}

    /// The defaults of `plan`.
    public func defaults(for plan: Plan) -> Quotas {
        switch plan {
        case .pro: pro
        case .enterprise: enterprise
        case .free: free
        }
    }
}

/// Token buckets per tenant and rate quota: a tenant may use its whole allowance at once, then at
/// the quota's steady rate. Kept in memory: a restart gives every tenant a full allowance again.
///
/// `@unchecked Sendable`: `buckets` is only touched with `lock` held.
final class RateLimiter: @unchecked Sendable {
    private struct Bucket { var tokens: Double; var at: Date }
    private let lock = NSLock()
    private var buckets: [String: Bucket] = [:]

    /// Takes one token of `tenant`'s `limit` bucket, `allowance` tokens filling in `period` seconds.
    /// - Returns: nil when taken, else the seconds until one is there again.
    func take(tenant: String, limit: String, allowance: Int, period: TimeInterval, now: Date) -> Int? {
        guard allowance > 0 else { return Int(period) }
        let rate = Double(allowance) / period
        let key = "\(tenant)\u{0}\(limit)"
        return lock.withLock {
            var bucket = buckets[key] ?? Bucket(tokens: Double(allowance), at: now)
            let elapsed = max(0, now.timeIntervalSince(bucket.at))
            bucket.tokens = min(Double(allowance), bucket.tokens + elapsed * rate)
            bucket.at = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}

/// A tenant's quotas as the API shows them.
public struct QuotaView: Sendable, Encodable {
    /// The quotas in force.
    public var quotas: Quotas
    /// The plan whose defaults apply where no override is set.
    public var plan: String
    /// The admin's overrides.
    public var overrides: [String: Int]
}
