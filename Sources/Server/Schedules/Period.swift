import Foundation
import Reports

/// Which stretch of time a report covers, relative to the moment it runs.
public struct PeriodSpec: Sendable, Codable, Equatable {
    /// `previous-day`, `previous-week`, `previous-month`, `previous-quarter` or `custom`.
    public var type: String
    /// For `custom`: the first instant (ISO 8601).
    public var start: Date?
    /// For `custom`: the instant after the last (ISO 8601).
    public var end: Date?

    public static let types = ["previous-day", "previous-week", "previous-month", "previous-quarter", "custom"]

    public init(type: String, start: Date? = nil, end: Date? = nil) {
        self.type = type
        self.start = start
        self.end = end
    }

    /// Checks the spec.
    /// - Throws: ``ServiceError`` naming `field`.
    func validate(field: String) throws {
        guard Self.types.contains(type) else {
            throw ServiceError(.invalid, field: "\(field).type", "\"\(type)\" is not a period; use one of \(Self.types.joined(separator: ", "))")
        }
        if type == "custom" {
            guard let start, let end else {
                throw ServiceError(.invalid, field: "\(field).start", "a custom period needs start and end (ISO 8601, e.g. 2026-11-01T00:00:00Z)")
            }
            guard start < end, end.timeIntervalSince(start) <= 400 * 86_400 else {
                throw ServiceError(.invalid, field: "\(field).end", "must be after start and at most 400 days later")
            }
        } else if start != nil || end != nil {
            throw ServiceError(.invalid, field: "\(field).start", "start and end belong to a custom period only")
        }
    }

    /// The period for a run at `instant` in `zone`: the whole day, ISO week, month or quarter before it.
    func resolve(at instant: Date, zone: TimeZone, locale: String) -> ReportPeriod {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let startOfDay = calendar.startOfDay(for: instant)
        let (start, end): (Date, Date)
        switch type {
        case "custom":
            (start, end) = (self.start!, self.end!)
        case "previous-week":
            let thisWeek = calendar.dateInterval(of: .weekOfYear, for: instant)!.start
            (start, end) = (calendar.date(byAdding: .day, value: -7, to: thisWeek)!, thisWeek)
        case "previous-month":
            let thisMonth = calendar.dateInterval(of: .month, for: instant)!.start
            (start, end) = (calendar.date(byAdding: .month, value: -1, to: thisMonth)!, thisMonth)
        case "previous-quarter":
            let month = calendar.component(.month, from: instant)
            var parts = calendar.dateComponents([.year], from: instant)
            parts.month = (month - 1) / 3 * 3 + 1
            parts.day = 1
            let thisQuarter = calendar.date(from: parts)!
            (start, end) = (calendar.date(byAdding: .month, value: -3, to: thisQuarter)!, thisQuarter)
        default:
            (start, end) = (calendar.date(byAdding: .day, value: -1, to: startOfDay)!, startOfDay)
        }
        return ReportPeriod(start: start, end: end, label: ReportFormat.periodLabel(start: start, end: end, zone: zone, locale: locale))
    }
}

/// A resolved report period.
struct ReportPeriod: Sendable, Equatable {
    var start: Date
    var end: Date
    var label: String
}

/// Dates and times formatted for a tenant's locale and zone: templates receive them ready.
enum Formats {
    static func date(_ date: Date, zone: TimeZone, locale: String) -> String {
        ReportFormat.date(date, zone: zone, locale: locale)
    }

    static func dateTime(_ date: Date, zone: TimeZone, locale: String) -> String {
        ReportFormat.dateTime(date, zone: zone, locale: locale)
    }

    static func time(_ date: Date, zone: TimeZone) -> String {
        ReportFormat.formatter("HH:mm", zone: zone).string(from: date)
    }

    static func iso(_ date: Date) -> String {
        ReportFormat.iso(date)
    }

    /// A duration as the reports show it (one format for mails and PDFs).
    static func duration(_ seconds: TimeInterval, locale: String) -> String {
        ReportFormat.duration(minutes: seconds / 60, locale: locale)
    }
}
