import Foundation

/// Numbers, percentages and durations as a German or English reader expects them: one place for
/// every figure a report or its mail shows, so the two never disagree.
public enum ReportFormat {
    /// `x` with `decimals` decimals: `99.504` / `99,504`, thousands grouped (`1,234` / `1.234`).
    public static func number(_ x: Double, decimals: Int, locale: String) -> String {
        // `x + 0` turns -0 into 0: no "-0,00".
        numberFormatter(decimals: decimals, locale: locale).string(from: NSNumber(value: x + 0)) ?? String(x)
    }

    /// A percentage (`99.5` is 99.5 %) with `decimals` decimals, rounded half to even:
    /// `99,50 %` / `99.50 %`, the sign after a no-break space.
    public static func percent(_ x: Double, decimals: Int, locale: String) -> String {
        number(x, decimals: decimals, locale: locale) + "\u{A0}%"
    }

    /// A percentage rounded down to `decimals` decimals, so that a value below a target never
    /// shows as the target: `99.4999` is `99.49 %`, not `99.50 %`.
    public static func percentDown(_ x: Double, decimals: Int, locale: String) -> String {
        percent(floorTo(x, decimals: decimals), decimals: decimals, locale: locale)
    }

    /// `x` rounded down to `decimals` decimals.
    public static func floorTo(_ x: Double, decimals: Int) -> Double {
        let scale = pow(10, Double(decimals))
        // The small nudge keeps 99.9 (stored as 99.899999...) at 99.9.
        return (x * scale + 1e-7).rounded(.down) / scale
    }

    /// A duration given in minutes, with no-break spaces: `7 min`, `1 h 28 min`, `2 d 3 h` / `7 Min.`, `1 Std. 28 Min.`, `2 T. 3 Std.`.
    public static func duration(minutes: Double, locale: String) -> String {
        let de = locale == "de"
        // No-break spaces: a duration is one figure, never wrapped inside a table cell.
        let nb = "\u{A0}"
        let total = Int(minutes.rounded())
        if minutes > 0 && total == 0 { return de ? "<\(nb)1\(nb)Min." : "<\(nb)1\(nb)min" }
        let days = total / 1440, hours = total % 1440 / 60, mins = total % 60
        let (d, h, m) = de ? ("T.", "Std.", "Min.") : ("d", "h", "min")
        if days > 0 { return hours > 0 ? "\(days)\(nb)\(d)\(nb)\(hours)\(nb)\(h)" : "\(days)\(nb)\(d)" }
        if hours > 0 { return mins > 0 ? "\(hours)\(nb)\(h)\(nb)\(mins)\(nb)\(m)" : "\(hours)\(nb)\(h)" }
        return "\(mins)\(nb)\(m)"
    }

    /// A day in the reader's form: `23.11.2026` / `2026-11-23`.
    public static func date(_ date: Date, zone: TimeZone, locale: String) -> String {
        formatter(locale == "de" ? "dd.MM.yyyy" : "yyyy-MM-dd", zone: zone).string(from: date)
    }

    /// An instant in the reader's form and zone: `23.11.2026 08:00 MEZ` / `2026-11-23 08:00 +01:00`
    /// (English has no common zone abbreviations outside North America; the offset is unambiguous).
    /// German shows the offset too where it has no name for the zone (`GMT-5` is not one).
    public static func dateTime(_ date: Date, zone: TimeZone, locale: String) -> String {
        if locale == "de" {
            let name = formatter("zzz", zone: zone, locale: locale).string(from: date)
            let named = !name.isEmpty && name.allSatisfy(\.isLetter) && name != "GMT" && name != "UTC"
            return formatter(named ? "dd.MM.yyyy HH:mm zzz" : "dd.MM.yyyy HH:mm xxx", zone: zone, locale: locale).string(from: date)
        }
        return formatter("yyyy-MM-dd HH:mm xxx", zone: zone, locale: locale).string(from: date)
    }

    /// An instant within a report's period, without the year: `23.11. 08:00` / `Nov 23, 08:00`.
    public static func shortDateTime(_ date: Date, zone: TimeZone, locale: String) -> String {
        formatter(locale == "de" ? "dd.MM. HH:mm" : "MMM d, HH:mm", zone: zone, locale: locale).string(from: date)
    }

    /// A formatter for a fixed `pattern` in `zone`, with `locale`'s names (month names, zone
    /// abbreviations; English POSIX when not given).
    ///
    /// Formatters are made once per pattern, zone and locale and shared: making one loads the
    /// locale's data and costs more than formatting a whole report's dates, while formatting with
    /// one is thread-safe.
    public static func formatter(_ pattern: String, zone: TimeZone, locale: String? = nil) -> DateFormatter {
        formatters.value(for: "\(pattern)|\(zone.identifier)|\(locale ?? "")") {
            let f = DateFormatter()
            f.locale = Locale(identifier: locale.map { $0 == "de" ? "de_DE" : "en_US" } ?? "en_US_POSIX")
            f.timeZone = zone
            f.dateFormat = pattern
            return f
        }
    }

    private static func numberFormatter(decimals: Int, locale: String) -> NumberFormatter {
        numberFormatters.value(for: "\(decimals)|\(locale)") {
            let formatter = NumberFormatter()
            formatter.locale = Locale(identifier: locale == "de" ? "de_DE" : "en_US")
            formatter.numberStyle = .decimal
            // A pattern, not minimum/maximumFractionDigits: Foundation on Linux keeps the decimal
            // style's three fraction digits whatever those say (99.999 stayed "99,999" at two).
            let pattern = "#,##0" + (decimals > 0 ? "." + String(repeating: "0", count: decimals) : "")
            formatter.positiveFormat = pattern
            formatter.negativeFormat = "-" + pattern
            formatter.roundingMode = .halfEven
            return formatter
        }
    }

    private static let formatters = FormatterCache<DateFormatter>()
    private static let numberFormatters = FormatterCache<NumberFormatter>()

    /// An instant as `2026-11-23T08:00:00Z` (UTC, whole seconds).
    public static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    /// An instant from `2026-11-23T08:00:00Z`, `…+01:00`, or with fractional seconds; nil for anything else.
    public static func parseISO(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle().parse(text)) ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
    }

    /// Adds to report data the period's days in the reader's zone and form, `start_label` and
    /// `end_label` (its last day: `end` is exclusive), and its `label` when it has none
    /// (``periodLabel(start:end:zone:locale:)``). Other instants a template shows go through
    /// the `date` and `datetime` filters (``FormatFilters``).
    public static func annotateDates(_ data: inout [String: Any], zone: TimeZone, locale: String) {
        if var period = data["period"] as? [String: Any],
           let start = (period["start"] as? String).flatMap(parseISO), let end = (period["end"] as? String).flatMap(parseISO) {
            if period["label"] == nil { period["label"] = periodLabel(start: start, end: end, zone: zone, locale: locale) }
            period["start_label"] = date(start, zone: zone, locale: locale)
            period["end_label"] = date(end.addingTimeInterval(-1), zone: zone, locale: locale)
            data["period"] = period
        }
    }

    /// A period's name in the reader's language and zone, from its shape: a day (`23.11.2026` /
    /// `2026-11-23`), an ISO week (`KW 47 2026` / `Week 47 2026`), a month (`November 2026`), a
    /// quarter (`Q4 2026`), or else its first and last day (`end` is exclusive).
    public static func periodLabel(start: Date, end: Date, zone: TimeZone, locale: String) -> String {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let de = locale == "de"
        let last = end.addingTimeInterval(-1)
        func whole(_ unit: Calendar.Component, count: Int = 1) -> Bool {
            guard let interval = calendar.dateInterval(of: unit, for: start), interval.start == start else { return false }
            return calendar.date(byAdding: unit == .weekOfYear ? .day : unit, value: unit == .weekOfYear ? 7 * count : count, to: start) == end
        }
        if whole(.day) { return date(start, zone: zone, locale: locale) }
        if whole(.weekOfYear) {
            let week = calendar.component(.weekOfYear, from: start), year = calendar.component(.yearForWeekOfYear, from: start)
            return de ? "KW \(week) \(year)" : "Week \(week) \(year)"
        }
        if whole(.month) { return formatter("LLLL yyyy", zone: zone, locale: locale).string(from: start) }
        let month = calendar.component(.month, from: start)
        if (month - 1) % 3 == 0, calendar.dateInterval(of: .month, for: start)?.start == start,
           calendar.date(byAdding: .month, value: 3, to: start) == end {
            return "Q\((month - 1) / 3 + 1) \(calendar.component(.year, from: start))"
        }
        return "\(date(start, zone: zone, locale: locale)) – \(date(last, zone: zone, locale: locale))"
    }

    /// "no data" in the reader's language.
    public static func noData(locale: String) -> String { locale == "de" ? "keine Daten" : "no data" }
}

/// Formatters kept by key, bounded: keys come from tenants' zones, so a full cache starts afresh.
final class FormatterCache<F: Formatter>: @unchecked Sendable {
    private let lock = NSLock()
    private var formatters: [String: F] = [:]

    func value(for key: String, make: () -> F) -> F {
        lock.lock()
        defer { lock.unlock() }
        if let formatter = formatters[key] { return formatter }
        if formatters.count >= 512 { formatters.removeAll() }
        let formatter = make()
        formatters[key] = formatter
        return formatter
    }
}

/// What a built-in report's data gets before its template runs, in the service and in
/// `herald report render` alike: the cover's dates, and the report's own figures.
public enum ReportFigures {
    /// Adds the dates (``ReportFormat/annotateDates(_:zone:locale:)``) and, for `availability`
    /// and `alert-summary` data, their figures.
    public static func annotate(_ data: inout [String: Any], report: String, zone: TimeZone, locale: String) {
        ReportFormat.annotateDates(&data, zone: zone, locale: locale)
        switch report {
        case "availability" where data["hosts"] != nil: AvailabilityFigures.annotate(&data, locale: locale)
        case "alert-summary" where data["events"] != nil: AlertSummaryFigures.annotate(&data, locale: locale)
        default: break
        }
    }
}

/// The availability report's figures, computed once from its data and used by the PDF and the
/// mail alike.
///
/// A service without any known state in the period has no availability: it shows "no data" and
/// counts neither as a breach nor as meeting the target. Availabilities are shown to three
/// decimals, rounded down, and a service breaches its target exactly when the number shown is
/// below it: two different verdicts never show the same number.
public enum AvailabilityFigures {
    /// Decimals of availabilities shown.
    public static let decimals = 3

    /// Adds to `data` (the availability report's data: `sla_target`, `hosts` with `services`)
    /// per service `verdict` (OK, CRIT for a breach, NO_DATA), `availability_shown` (the number
    /// shown, or null), `availability_label` and `mttr_label`; and a `summary` with the mean
    /// availability of the services with data, outages, breaches (`host / service`), services and
    /// those without data, each with its label in `locale`.
    public static func annotate(_ data: inout [String: Any], locale: String) {
        let target = number(data["sla_target"]) ?? 99.9
        var hosts = data["hosts"] as? [[String: Any]] ?? []
        var shown: [Double] = []
        var outages = 0, services = 0, noData = 0
        var breaches: [String] = []
        for h in hosts.indices {
            var list = hosts[h]["services"] as? [[String: Any]] ?? []
            for s in list.indices {
                var service = list[s]
                services += 1
                let count = Int(number(service["outages"]) ?? 0)
                outages += count
                if let availability = number(service["availability"]) {
                    let value = ReportFormat.floorTo(availability, decimals: decimals)
                    shown.append(value)
                    service["availability_shown"] = value
                    service["availability_label"] = ReportFormat.percentDown(value, decimals: decimals, locale: locale)
                    service["verdict"] = value < target ? "CRIT" : "OK"
                    if value < target { breaches.append("\(hosts[h]["name"] as? String ?? "") / \(service["name"] as? String ?? "")") }
                } else {
                    noData += 1
                    service["availability_shown"] = NSNull()
                    service["availability_label"] = ReportFormat.noData(locale: locale)
                    service["verdict"] = "NO_DATA"
                }
                let mttr = number(service["mttr_minutes"])
                service["mttr_label"] = count > 0 && mttr != nil ? ReportFormat.duration(minutes: mttr!, locale: locale) : "–"
                list[s] = service
            }
            hosts[h]["services"] = list
        }
        data["hosts"] = hosts
        let mean = shown.isEmpty ? nil : ReportFormat.floorTo(shown.reduce(0, +) / Double(shown.count), decimals: decimals)
        data["summary"] = [
            "availability": mean.map { $0 as Any } ?? NSNull(),
            "availability_label": mean.map { ReportFormat.percentDown($0, decimals: decimals, locale: locale) } ?? ReportFormat.noData(locale: locale),
            "outages": outages, "outages_label": ReportFormat.number(Double(outages), decimals: 0, locale: locale),
            "breaches": breaches, "services": services, "no_data": noData,
            "sla_target_label": ReportFormat.percent(target, decimals: max(2, decimalsOf(target)), locale: locale),
        ] as [String: Any]
    }

    private static func number(_ value: Any?) -> Double? {
        switch value {
        case let d as Double: d.isFinite ? d : nil
        case let i as Int: Double(i)
        case let n as NSNumber: n.doubleValue
        default: nil
        }
    }

    /// The decimals a target such as 99.95 is written with (at most three).
    private static func decimalsOf(_ x: Double) -> Int {
        for d in 0...3 where abs(x * pow(10, Double(d)) - (x * pow(10, Double(d))).rounded()) < 1e-6 { return d }
        return 3
    }
}

/// The alert summary's figures: times to recovery as durations in the reader's language, and the
/// median and longest of them, computed once for the PDF and the mail.
public enum AlertSummaryFigures {
    /// Adds to each event of `data["events"]` a `recovery_label` (nil while the problem is open),
    /// and to `data` a `summary` with `events`, `open`, and `median_label` / `longest_label` (nil
    /// when nothing recovered).
    public static func annotate(_ data: inout [String: Any], locale: String) {
        var events = data["events"] as? [[String: Any]] ?? []
        var recovered: [Double] = []
        for i in events.indices {
            let minutes = (events[i]["recovery_minutes"] as? NSNumber)?.doubleValue
            if let minutes {
                recovered.append(minutes)
                events[i]["recovery_label"] = ReportFormat.duration(minutes: minutes, locale: locale)
            } else {
                events[i]["recovery_label"] = NSNull()
            }
        }
        data["events"] = events
        recovered.sort()
        data["summary"] = [
            "events": events.count, "open": events.count - recovered.count,
            "median_label": recovered.isEmpty ? NSNull() : ReportFormat.duration(minutes: recovered[recovered.count / 2], locale: locale) as Any,
            "longest_label": recovered.last.map { ReportFormat.duration(minutes: $0, locale: locale) as Any } ?? NSNull(),
        ] as [String: Any]
    }
}
