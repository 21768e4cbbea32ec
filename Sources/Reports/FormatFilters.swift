import Foundation
import Jinja

/// The locale filters of report and mail templates, built on ``ReportFormat``: numbers,
/// percentages, durations, dates and times as the reader expects them.
///
/// Each reads `locale` (`de` or `en`; English otherwise) and `tz` (an IANA zone; UTC otherwise)
/// from the template's context, so a template writes `{{ x | percent }}` and reads right in
/// every language:
///
/// | filter | input | de | en |
/// |---|---|---|---|
/// | `number(decimals=0)` | number | `1.234,5` | `1,234.5` |
/// | `percent(decimals=2, method='common')` | number (99.5 is 99.5 %) | `99,50 %` | `99.50 %` |
/// | `duration(unit='seconds')` | seconds (or `'minutes'`) | `1 Std. 28 Min.` | `1 h 28 min` |
/// | `date` | ISO 8601 text or Unix seconds | `23.11.2026` | `2026-11-23` |
/// | `datetime(form='long')` | ISO 8601 text or Unix seconds | `23.11.2026 08:00 MEZ` | `2026-11-23 08:00 +01:00` |
/// | `datetime('short')` | ISO 8601 text or Unix seconds | `23.11. 08:00` | `Nov 23, 08:00` |
///
/// `method` rounds as Jinja's `round` does: `common` (half to even), `floor` or `ceil`; an
/// availability shown with `floor` never reaches a target it missed. Spaces inside a figure are
/// no-break spaces. `none` stays `none`; anything else that is not a number or an instant is a
/// `TypeError` naming the filter and what it got.
public enum FormatFilters {
    /// The filters by name, for ``Jinja/Environment``'s `contextFilters`.
    public static let all: [String: ContextFilterFunction] = [
        "number": { value, args, context in
            try args.checkFormat("number", names: ["decimals"])
            guard let x = try number(value, "number") else { return .none }
            return .string(ReportFormat.number(x, decimals: try decimals(args, default: 0), locale: locale(context)))
        },
        "percent": { value, args, context in
            try args.checkFormat("percent", names: ["decimals", "method"])
            guard let x = try number(value, "percent") else { return .none }
            let places = try decimals(args, default: 2)
            switch args.get(1, "method")?.description ?? "common" {
            case "common": return .string(ReportFormat.percent(x, decimals: places, locale: locale(context)))
            case "floor": return .string(ReportFormat.percentDown(x, decimals: places, locale: locale(context)))
            case "ceil": return .string(ReportFormat.percent(-ReportFormat.floorTo(-x, decimals: places), decimals: places, locale: locale(context)))
            case let other: throw JinjaError(.type, "percent(): method must be 'common', 'floor' or 'ceil', not '\(other)'")
            }
        },
        "duration": { value, args, context in
            try args.checkFormat("duration", names: ["unit"])
            guard let x = try number(value, "duration") else { return .none }
            let unit = args.get(0, "unit")?.description ?? "seconds"
            guard unit == "seconds" || unit == "minutes" else {
                throw JinjaError(.type, "duration(): unit must be 'seconds' or 'minutes', not '\(unit)'")
            }
            return .string(ReportFormat.duration(minutes: unit == "seconds" ? x / 60 : x, locale: locale(context)))
        },
        "date": { value, args, context in
            try args.checkFormat("date", names: [])
            guard let at = try instant(value, "date") else { return .none }
            return .string(ReportFormat.date(at, zone: zone(context), locale: locale(context)))
        },
        "datetime": { value, args, context in
            try args.checkFormat("datetime", names: ["form"])
            guard let at = try instant(value, "datetime") else { return .none }
            switch args.get(0, "form")?.description ?? "long" {
            case "long": return .string(ReportFormat.dateTime(at, zone: zone(context), locale: locale(context)))
            case "short": return .string(ReportFormat.shortDateTime(at, zone: zone(context), locale: locale(context)))
            case let other: throw JinjaError(.type, "datetime(): form must be 'long' or 'short', not '\(other)'")
            }
        },
    ]

    private static func locale(_ context: (String) -> Value?) -> String {
        if case .string(let l)? = context("locale"), l == "de" { return "de" }
        return "en"
    }

    private static func zone(_ context: (String) -> Value?) -> TimeZone {
        if case .string(let name)? = context("tz"), let zone = TimeZone(identifier: name) { return zone }
        return .gmt
    }

    private static func decimals(_ args: Arguments, default value: Int) throws -> Int {
        guard let given = args.get(0, "decimals") else { return value }
        guard case .int(let n) = given, (0...6).contains(n) else {
            throw JinjaError(.type, "decimals must be a whole number from 0 to 6, not \(given.description)")
        }
        return n
    }

    /// The number `value` holds; nil for `none`.
    private static func number(_ value: Value, _ filter: String) throws -> Double? {
        switch value {
        case .none: return nil
        case .int(let n): return Double(n)
        case .float(let x) where x.isFinite: return x
        case .bool(let b): return b ? 1 : 0
        default: throw JinjaError(.type, "\(filter)(): expects a number, got \(value.description.prefix(40))")
        }
    }

    /// The instant `value` names (ISO 8601 text or Unix seconds); nil for `none`.
    private static func instant(_ value: Value, _ filter: String) throws -> Date? {
        switch value {
        case .none: return nil
        case .int(let n): return Date(timeIntervalSince1970: Double(n))
        case .float(let x) where x.isFinite: return Date(timeIntervalSince1970: x)
        case .string(let text):
            if let at = ReportFormat.parseISO(text) { return at }
            throw JinjaError(.type, "\(filter)(): expects an instant (ISO 8601 such as 2026-11-23T08:00:00Z, or Unix seconds), got '\(text.prefix(40))'")
        default: throw JinjaError(.type, "\(filter)(): expects an instant (ISO 8601 text or Unix seconds), got \(value.description.prefix(40))")
        }
    }
}

extension Arguments {
    /// Fails on a second positional argument or an unknown keyword, as Jinja2 does for Python functions.
    fileprivate func checkFormat(_ filter: String, names: [String]) throws {
        if positional.count > names.count {
            throw JinjaError(.type, "\(filter)() takes at most \(names.count) arguments (\(positional.count) given)")
        }
        for (k, _) in keywords where !names.contains(k) {
            throw JinjaError(.type, "\(filter)() got an unexpected keyword argument '\(k)'")
        }
    }
}
