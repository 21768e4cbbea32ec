import Foundation
import GRDB

/// A tenant of the monitoring product.
public struct Tenant: Codable, Sendable, FetchableRecord, PersistableRecord, UnixTimeRecord {
    public static let databaseTableName = "tenant"
    public var id: String
    public var name: String
    public var locale: String
    public var timeZone: String
    public var plan: Plan
    public var createdAt: Date
    /// Accent colour `#rrggbb`, or nil for Herald's.
    public var brandColor: String?
    /// Footer line of mails and reports.
    public var footer: String?
    /// Display name of the From address, or nil for the configured one.
    public var fromName: String?
    /// Where the missed-run watchdog writes.
    public var adminEmail: String?
    /// PNG logo, sent as an inline image.
    public var logo: Data?
    /// The admin's overrides of the plan's quotas (JSON object), or nil for the plan's defaults.
    public var quotas: String?

    public init(id: String, name: String, locale: String, timeZone: String, plan: Plan, createdAt: Date,
                brandColor: String? = nil, footer: String? = nil, fromName: String? = nil, adminEmail: String? = nil, logo: Data? = nil) {
        self.id = id
        self.name = name
        self.locale = locale
        self.timeZone = timeZone
        self.plan = plan
        self.createdAt = createdAt
        self.brandColor = brandColor
        self.footer = footer
        self.fromName = fromName
        self.adminEmail = adminEmail
        self.logo = logo
    }
}

/// A tenant's plan: what it may do and its quotas' defaults.
public enum Plan: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case free, pro, enterprise

    /// A stored plan Herald does not know (written past the API) counts as free: the tenant keeps
    /// working with the least it may do.
    public init(from decoder: Decoder) throws {
        self = Plan(rawValue: try decoder.singleValueContainer().decode(String.self)) ?? .free
    }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Plan? {
        String.fromDatabaseValue(dbValue).map { Plan(rawValue: $0) ?? .free }
    }
}

extension Tenant {
    /// The columns queries name.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
    }
}
