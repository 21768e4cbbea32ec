import Foundation
@testable import Cron

/// Parses a hand-written ISO 8601 instant with Foundation's own formatter (independent of the code
/// under test).
func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("bad test instant \(text)") }
    return date
}

/// Formats the next `count` fire times as ISO 8601 in the zone.
func nextRuns(_ expression: String, zone: String, after: String, count: Int) throws -> [String] {
    let zone = try CronZone(identifier: zone)
    return try CronExpression(expression).nextTimes(after: instant(after), count: count, in: zone).map(zone.iso8601)
}
