import Foundation

/// An IANA time zone prepared for fast fire-time computation.
///
/// Creating a `CronZone` validates the name against the system's tz database and reads the zone's
/// offset transitions from 1900 to 2200 once (shared by every `CronZone` of the same name). Fire times
/// are computed within that window; outside it, the searches return nil.
public struct CronZone: Sendable, Hashable, CustomStringConvertible {
    /// The zone's identifier, e.g. `Europe/Berlin`.
    public let identifier: String
    /// The Foundation time zone.
    public let timeZone: TimeZone
    let rules: ZoneRules

    /// Looks up a zone by IANA name (`Europe/Berlin`, `Asia/Kolkata`, `UTC`).
    ///
    /// A name is accepted if it is one of Foundation's known identifiers, `UTC`, or a zone file of the
    /// system's tz database (`/usr/share/zoneinfo`, which adds links such as `US/Eastern`).
    /// Abbreviations Foundation would otherwise guess at (`PST`) and offsets (`GMT+5`) are rejected.
    ///
    /// - Throws: ``CronError`` with code `unknownTimeZone` if the name is not in the tz database.
    public init(identifier: String) throws {
        guard CronZone.isDatabaseName(identifier), let zone = TimeZone(identifier: identifier) else {
            throw CronError(code: .unknownTimeZone, message: "unknown time zone '\(identifier)'; use an IANA name such as Europe/Berlin or America/New_York (names are case-sensitive)")
        }
        self.timeZone = zone
        self.identifier = identifier
        self.rules = ZoneRules.shared(for: zone)
    }

    /// Wraps a Foundation time zone.
    public init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        self.identifier = timeZone.identifier
        self.rules = ZoneRules.shared(for: timeZone)
    }

    private static let knownIdentifiers = Set(TimeZone.knownTimeZoneIdentifiers + ["UTC"])

    private static func isDatabaseName(_ name: String) -> Bool {
        if knownIdentifiers.contains(name) { return true }
        let allowed = name.utf8.allSatisfy { b in
            (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 95 || b == 45 || b == 43 || b == 47
        }
        guard !name.isEmpty, allowed, !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// UTC.
    public static let utc = CronZone(TimeZone(identifier: "UTC")!)

    /// The identifier.
    public var description: String { identifier }
    /// Zones are equal when their identifiers are equal.
    public static func == (lhs: CronZone, rhs: CronZone) -> Bool { lhs.identifier == rhs.identifier }
    /// Hashes the identifier.
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    /// The zone's offset from UTC in seconds at an instant.
    public func secondsFromGMT(for date: Date) -> Int {
        let t = Int64(floor(date.timeIntervalSince1970))
        guard t >= ZoneRules.lowerBound && t < ZoneRules.upperBound else { return timeZone.secondsFromGMT(for: date) }
        return Int(rules.offsets[rules.segment(containing: t)])
    }

    /// Formats an instant as ISO 8601 with this zone's offset, e.g. `2026-03-29T03:00:00+02:00`
    /// (whole seconds; `+00:00` for UTC).
    public func iso8601(_ date: Date) -> String {
        let t = Int64(floor(date.timeIntervalSince1970))
        let offset = Int64(secondsFromGMT(for: date))
        let local = t + offset
        let days = floorDiv(local, 86_400)
        let secondOfDay = Int(local - days * 86_400)
        let (y, m, d) = Civil.date(days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = y >= 0 && y < 10_000 ? String(repeating: "0", count: max(0, 4 - String(y).count)) + String(y) : String(y)
        let sign = offset < 0 ? "-" : "+"
        let a = Int(abs(offset))
        var zone = "\(sign)\(two(a / 3600)):\(two(a / 60 % 60))"
        if a % 60 != 0 { zone += ":\(two(a % 60))" }
        return "\(year)-\(two(m))-\(two(d))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))\(zone)"
    }
}

/// Offset transitions of one zone between 1900 and 2200, as plain integers.
final class ZoneRules: Sendable {
    static let lowerBound: Int64 = -2_208_988_800   // 1900-01-01T00:00:00Z
    static let upperBound: Int64 = 7_258_118_400    // 2200-01-01T00:00:00Z
    static let minYear = 1900
    static let maxYear = 2199

    /// Instants (seconds since 1970, UTC) at which the offset changes, ascending.
    let transitions: [Int64]
    /// offsets[i] applies from transitions[i-1] (or the lower bound) up to transitions[i] (or the upper bound).
    let offsets: [Int32]

    init(_ zone: TimeZone) {
        var transitions: [Int64] = []
        var offsets: [Int32] = [Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(ZoneRules.lowerBound))))]
        var cursor = Date(timeIntervalSince1970: TimeInterval(ZoneRules.lowerBound))
        let end = Date(timeIntervalSince1970: TimeInterval(ZoneRules.upperBound))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end, next > cursor {
            let offset = Int32(zone.secondsFromGMT(for: next))
            if offset != offsets.last! {
                transitions.append(Int64(next.timeIntervalSince1970.rounded()))
                offsets.append(offset)
            }
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    /// The index into `offsets` for an instant within the bounds.
    @inline(__always)
    func segment(containing t: Int64) -> Int {
        var lo = 0, hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    @inline(__always)
    func start(of segment: Int) -> Int64 { segment == 0 ? ZoneRules.lowerBound : transitions[segment - 1] }

    @inline(__always)
    func end(of segment: Int) -> Int64 { segment == transitions.count ? ZoneRules.upperBound : transitions[segment] }

    private static let cache = ZoneCache()

    static func shared(for zone: TimeZone) -> ZoneRules {
        cache.rules(for: zone)
    }
}

/// Process-wide cache of zone rules. `@unchecked Sendable` is safe: the dictionary is only touched
/// while holding `lock`, and the cached `ZoneRules` are immutable.
private final class ZoneCache: @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [String: ZoneRules] = [:]

    func rules(for zone: TimeZone) -> ZoneRules {
        lock.lock()
        if let cached = rules[zone.identifier] { lock.unlock(); return cached }
        lock.unlock()
        let built = ZoneRules(zone)
        lock.lock()
        defer { lock.unlock() }
        if let cached = rules[zone.identifier] { return cached }
        rules[zone.identifier] = built
        return built
    }
}
