import Foundation

/// A parsed five-field cron expression with Vixie cron / cronie semantics, plus three extensions
/// known from Quartz.
///
/// Supported syntax, per field (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or `JAN`-`DEC`,
/// day of week 0-7 or `SUN`-`SAT`, where 0 and 7 are both Sunday; names in any case):
///
/// - `*`, a number `5`, a range `1-5`, a step `*/15`, `1-30/5` or `5/15` (= `5-<max>/15`), and
///   comma-separated lists of these.
/// - Nicknames: `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.
/// - The day rule of cronie: when both day of month and day of week are restricted, a day matches if
///   *either* matches; when either field starts with `*` (including `*/2`), both must match.
///
/// Extensions (not in Vixie cron):
///
/// - `L` in day of month: the last day of the month (may appear in a list: `1,15,L`).
/// - `nL` in day of week: the last weekday *n* of the month (`5L` = last Friday; `FRIL` also works).
/// - `n#k` in day of week: the *k*-th weekday *n* of the month, k in 1-5 (`1#1` = first Monday).
///
/// Not supported (rejected with ``CronError/Code-swift.struct/unsupported``): `W`, `LW`, `?`,
/// seconds or year fields, `@reboot`.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text the expression was parsed from, trimmed.
    public let source: String
    /// The five fields after nickname expansion (`@daily` → `0 0 * * *`).
    public let fields: [String]
    /// The nickname used, lowercased (`@daily`), or nil.
    public let nickname: String?
    /// True when neither the minute nor the hour field starts with `*`: such a schedule runs at a fixed
    /// wall-clock time, and the DST policy moves it out of a spring-forward gap and runs it once in a
    /// fall-back fold. Other schedules run at every real instant whose wall-clock time matches.
    public let isFixedTime: Bool

    let matcher: CronMatcher
    let items: [[CronItem]]

    /// Parses an expression.
    ///
    /// - Throws: ``CronError`` naming the field, column and broken rule, e.g.
    ///   `field 2 (hour): 24 is outside 0-23 (column 3)`; code `neverMatches` for a valid expression
    ///   that can never fire, such as `0 0 30 2 *`.
    public init(_ text: String) throws {
        let trimmed = CronExpression.trimmed(text)
        source = trimmed
        var expanded = trimmed
        var nick: String?
        if trimmed.hasPrefix("@") {
            let lower = trimmed.lowercased()
            guard let fields = CronExpression.nicknames[lower] else {
                if lower == "@reboot" {
                    throw CronError(code: .unsupported, message: "@reboot runs once at startup and has no fire times; use a schedule such as @daily")
                }
                throw CronError(code: .unknownNickname, message: "unknown nickname \(trimmed); use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly")
            }
            expanded = fields
            nick = lower
        }
        let bytes = Array(expanded.utf8)
        let ranges = CronExpression.splitFields(bytes)
        guard ranges.count == 5 else {
            throw CronError(code: .fieldCount, message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(ranges.count); seconds and year fields are not supported")
        }
        var parsed: [[CronItem]] = []
        parsed.reserveCapacity(5)
        for (index, range) in ranges.enumerated() {
            parsed.append(try CronField.all[index].parse(bytes, range, fromNickname: nick != nil))
        }
        fields = ranges.map { String(decoding: bytes[$0], as: UTF8.self) }
        nickname = nick
        items = parsed
        isFixedTime = !fields[0].hasPrefix("*") && !fields[1].hasPrefix("*")

        var m = CronMatcher()
        m.minutes = CronField.minute.mask(parsed[0])
        m.hours = CronField.hour.mask(parsed[1])
        m.daysOfMonth = CronField.dayOfMonth.mask(parsed[2])
        m.months = CronField.month.mask(parsed[3])
        var dow = CronField.dayOfWeek.mask(parsed[4])
        if dow & (1 << 7) != 0 { dow = (dow | 1) & ~(1 << 7) }
        m.weekdays = dow
        for item in parsed[2] where item == .last { m.lastDayOfMonth = true }
        for item in parsed[4] {
            switch item {
            case .lastWeekday(let w): m.lastWeekdays |= 1 << UInt64(w % 7)
            case .nthWeekday(let w, let k): m.nthWeekdays |= 1 << UInt64((w % 7) * 8 + k)
            default: break
            }
        }
        m.daysAND = fields[2].hasPrefix("*") || fields[4].hasPrefix("*")
        matcher = m

        // The Gregorian calendar repeats every 400 years, so no match in 400 years means never.
        let start = Civil.days(2000, 1, 1) * 1440
        if m.nextLocal(atOrAfter: start, maxYear: 2399) == nil {
            var daysOnly = m
            daysOnly.weekdays = 0x7F
            daysOnly.nthWeekdays = 0
            daysOnly.lastWeekdays = 0
            daysOnly.daysAND = true
            if daysOnly.nextLocal(atOrAfter: start, maxYear: 2399) == nil {
                throw CronError(code: .neverMatches, message: "field 3 (day of month): \(fields[2]) never occurs in month \(fields[3]), so the expression never fires; choose days that exist, or L for the last day of the month", field: 3)
            }
            throw CronError(code: .neverMatches, message: "field 5 (day of week): \(fields[4]) never falls on day of month \(fields[2]) in month \(fields[3]), and both must match because one of the two fields starts with *, so the expression never fires; change one of the fields", field: 5)
        }
    }

    /// The source text.
    public var description: String { source }

    /// Expressions are equal when their (trimmed) source texts are equal.
    public static func == (lhs: CronExpression, rhs: CronExpression) -> Bool { lhs.source == rhs.source }
    /// Hashes the source text.
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }

    static let nicknames: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    private static func trimmed(_ text: String) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[first...last])
    }

    private static func splitFields(_ bytes: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int?
        for (i, b) in bytes.enumerated() {
            if b == 0x20 || b == 0x09 {
                if let s = start { result.append(s..<i); start = nil }
            } else if start == nil {
                start = i
            }
        }
        if let s = start { result.append(s..<bytes.count) }
        return result
    }
}

/// One comma-separated element of a field.
enum CronItem: Hashable, Sendable {
    case all(step: Int)                        // `*`, `*/n`
    case value(Int)                            // `5`
    case range(Int, Int, step: Int)            // `1-5`, `1-30/5`
    case from(Int, step: Int)                  // `5/15`
    case last                                  // `L` (day of month)
    case lastWeekday(Int)                      // `5L` (day of week)
    case nthWeekday(Int, Int)                  // `1#2` (day of week)
}
