// Human descriptions in English and German, built from the parsed items (not the bit masks), so the
// text follows what the user wrote: `1-5` reads "Monday through Friday", not a list of five days.

/// The languages ``CronExpression/describe(locale:)`` speaks.
public enum CronLocale: String, Sendable, CaseIterable {
    /// English: "At 08:00 on Monday", "At 07:00 every day".
    case en
    /// German: "Um 08:00 am Montag", "Täglich um 07:00".
    case de
}

extension CronExpression {
    /// A one-sentence description, e.g. "At 08:00 on Monday" / "Um 08:00 am Montag".
    ///
    /// Covers every construct the parser accepts: steps, ranges, lists, `L`, `nL`, `n#k`; nicknames are
    /// described through their five fields (`@daily` → "At 00:00 every day").
    public func describe(locale: CronLocale = .en) -> String {
        let words = locale == .en ? Words.en : Words.de
        let (time, fixed) = timePhrase(words)
        var sentence = time
        let dayPhrase = self.dayPhrase(words)
        if !dayPhrase.isEmpty {
            sentence += " " + dayPhrase
        } else if fixed {
            // "At 07:00" alone leaves the reader to guess how often; say it runs daily.
            sentence = locale == .en ? sentence + " every day" : "Täglich " + sentence.prefix(1).lowercased() + sentence.dropFirst()
        }
        if items[3] != [.all(step: 1)] { sentence += ", " + monthPhrase(words) }
        return sentence
    }

    // MARK: - Phrases

    /// The time of day, and whether it is a list of fixed times ("At 08:00 and 17:00").
    private func timePhrase(_ w: Words) -> (String, Bool) {
        let minutes = items[0], hours = items[1]
        let minuteValues = minutes.compactMap { if case .value(let v) = $0 { v } else { nil } }
        let hourValues = hours.compactMap { if case .value(let v) = $0 { v } else { nil } }
        if minuteValues.count == minutes.count, hourValues.count == hours.count,
           minuteValues.count * hourValues.count <= 8 {
            var times: [Int] = []
            for h in Set(hourValues) { for m in Set(minuteValues) { times.append(h * 60 + m) } }
            return (w.at + " " + w.join(times.sorted().map { clock($0 / 60, $0 % 60) }), true)
        }
        var phrase: String
        var minuteList = false
        switch minutes.count == 1 ? minutes[0] : nil {
        case .all(1)?: phrase = w.everyMinute
        case .all(let n)?: phrase = w.everyNMinutes(n)
        case .range(let a, let b, let n)? where n > 1: phrase = w.everyNthMinute(n) + " " + w.fromThrough("\(a)", "\(b)")
        case .from(let a, let n)?: phrase = w.everyNthMinute(n) + " " + w.from("\(a)")
        default:
            phrase = w.atMinute + " " + w.join(minutes.map { numberItem($0, w, unit: w.minuteUnit) })
            minuteList = true
        }
        if hours == [.all(step: 1)] {
            if minuteList { phrase += " " + w.pastEveryHour }
        } else {
            // "At minute 0 past every 4th hour" reads better than a comma when the hours are steps.
            let hoursAreSteps = hours.allSatisfy { item in
                switch item { case .all, .from: true; case .range(_, _, let n): n > 1; default: false }
            }
            phrase += (minuteList && hoursAreSteps ? w.pastSteps : ", ") + w.join(hours.map { hourItem($0, w) })
        }
        return (phrase, false)
    }

    private func clock(_ h: Int, _ m: Int) -> String {
        (h < 10 ? "0\(h)" : "\(h)") + ":" + (m < 10 ? "0\(m)" : "\(m)")
    }

    private func numberItem(_ item: CronItem, _ w: Words, unit: String) -> String {
        switch item {
        case .value(let v): return "\(v)"
        case .range(let a, let b, 1): return w.range("\(a)", "\(b)")
        case .range(let a, let b, let n): return w.everyNth(n, unit) + " " + w.fromThrough("\(a)", "\(b)")
        case .from(let a, let n): return w.everyNth(n, unit) + " " + w.from("\(a)")
        case .all(let n): return w.everyNth(n, unit)
        default: return ""
        }
    }

    private func hourItem(_ item: CronItem, _ w: Words) -> String {
        switch item {
        case .value(let h): return w.between(clock(h, 0), clock(h, 59))
        case .range(let a, let b, 1): return w.between(clock(a, 0), clock(b, 59))
        case .range(let a, let b, let n): return w.everyNth(n, w.hourUnit) + " " + w.fromThrough(clock(a, 0), clock(b, 59))
        case .from(let a, let n): return w.everyNth(n, w.hourUnit) + " " + w.from(clock(a, 0))
        case .all(let n): return w.everyNth(n, w.hourUnit)
        default: return ""
        }
    }

    private func dayPhrase(_ w: Words) -> String {
        let domRestricted = items[2] != [.all(step: 1)]
        let dowRestricted = items[4] != [.all(step: 1)]
        switch (domRestricted, dowRestricted) {
        case (false, false): return ""
        case (true, false): return domPhrase(w)
        case (false, true): return dowPhrase(w)
        case (true, true):
            return matcher.daysAND ? domPhrase(w) + ", " + w.butOnlyOn(dowPhrase(w)) : domPhrase(w) + " " + w.or + " " + dowPhrase(w)
        }
    }

    private func domPhrase(_ w: Words) -> String {
        let parts = items[2].map { item -> String in
            switch item {
            case .value(let d): return w.day(d)
            case .range(let a, let b, 1): return w.days(a, b)
            case .range(let a, let b, let n): return w.everyNth(n, w.dayUnit) + " " + w.fromThrough(w.dayNumber(a), w.dayNumber(b))
            case .from(let a, let n): return w.everyNth(n, w.dayUnit) + " " + w.from(w.dayNumber(a))
            case .all(let n): return w.everyNth(n, w.dayUnit)
            case .last: return w.lastDay
            default: return ""
            }
        }
        let stepFirst: Bool = { switch items[2][0] { case .all, .from: true; case .range(_, _, let n): n > 1; default: false } }()
        return w.onDayOfMonth(w.join(parts), stepFirst: stepFirst)
    }

    private func dowPhrase(_ w: Words) -> String {
        let list = items[4]
        if list.count == 1, case .range(let a, let b, 1) = list[0] {
            return w.fromWeekdayThrough(w.weekday(a), w.weekday(b))
        }
        let parts = list.map { item -> String in
            switch item {
            case .value(let d): return w.weekday(d)
            case .range(let a, let b, 1): return w.range(w.weekday(a), w.weekday(b))
            case .range(let a, let b, let n): return w.everyNth(n, w.weekdayUnit) + " " + w.fromThrough(w.weekday(a), w.weekday(b))
            case .from(let a, let n): return w.everyNth(n, w.weekdayUnit) + " " + w.from(w.weekday(a))
            case .all(let n): return w.everyNth(n, w.weekdayUnit)
            case .lastWeekday(let d): return w.lastWeekdayOfMonth(w.weekday(d))
            case .nthWeekday(let d, let k): return w.nthWeekdayOfMonth(k, w.weekday(d))
            default: return ""
            }
        }
        let stepFirst: Bool = { switch list[0] { case .all, .from: true; case .range(_, _, let n): n > 1; default: false } }()
        return w.onWeekday(w.join(parts), stepFirst: stepFirst)
    }

    private func monthPhrase(_ w: Words) -> String {
        let list = items[3]
        if list.count == 1, case .range(let a, let b, 1) = list[0] {
            return w.fromMonthThrough(w.month(a), w.month(b))
        }
        let parts = list.map { item -> String in
            switch item {
            case .value(let m): return w.month(m)
            case .range(let a, let b, 1): return w.range(w.month(a), w.month(b))
            case .range(let a, let b, let n): return w.everyNth(n, w.monthUnit) + " " + w.fromThrough(w.month(a), w.month(b))
            case .from(let a, let n): return w.everyNth(n, w.monthUnit) + " " + w.from(w.month(a))
            case .all(let n): return w.everyNth(n, w.monthUnit)
            default: return ""
            }
        }
        let stepFirst: Bool = { switch list[0] { case .all, .from: true; case .range(_, _, let n): n > 1; default: false } }()
        return w.inMonth(w.join(parts), stepFirst: stepFirst)
    }
}

/// The vocabulary and small grammar of one language.
private struct Words {
    var at: String
    var everyMinute: String
    var everyNMinutes: (Int) -> String
    var everyNthMinute: (Int) -> String
    var atMinute: String
    var pastEveryHour: String
    var pastSteps: String
    var minuteUnit, hourUnit, dayUnit, weekdayUnit, monthUnit: String
    var and: String
    var or: String
    var everyNth: (Int, String) -> String
    var range: (String, String) -> String
    var fromThrough: (String, String) -> String
    var from: (String) -> String
    var between: (String, String) -> String
    var day: (Int) -> String
    var days: (Int, Int) -> String
    var dayNumber: (Int) -> String
    var lastDay: String
    var onDayOfMonth: (String, Bool) -> String
    var weekdayNames: [String]
    var onWeekday: (String, Bool) -> String
    var fromWeekdayThrough: (String, String) -> String
    var lastWeekdayOfMonth: (String) -> String
    var nthWeekdayOfMonth: (Int, String) -> String
    var butOnlyOn: (String) -> String
    var monthNames: [String]
    var inMonth: (String, Bool) -> String
    var fromMonthThrough: (String, String) -> String

    func join(_ parts: [String]) -> String {
        switch parts.count {
        case 0: return ""
        case 1: return parts[0]
        default: return parts.dropLast().joined(separator: ", ") + " \(and) " + parts.last!
        }
    }
    func weekday(_ d: Int) -> String { weekdayNames[d % 7] }
    func month(_ m: Int) -> String { monthNames[m - 1] }
    func onDayOfMonth(_ text: String, stepFirst: Bool) -> String { onDayOfMonth(text, stepFirst) }
    func onWeekday(_ text: String, stepFirst: Bool) -> String { onWeekday(text, stepFirst) }
    func inMonth(_ text: String, stepFirst: Bool) -> String { inMonth(text, stepFirst) }

    static func englishOrdinal(_ n: Int) -> String {
        let suffix: String
        switch (n % 10, n % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }

    // Computed, not stored: the closures are not Sendable, and building the table is cheap.
    static var en: Words { Words(
        at: "At",
        everyMinute: "Every minute",
        everyNMinutes: { "Every \($0) minutes" },
        everyNthMinute: { "Every \(englishOrdinal($0)) minute" },
        atMinute: "At minute",
        pastEveryHour: "past every hour",
        pastSteps: " past ",
        minuteUnit: "minute", hourUnit: "hour", dayUnit: "day", weekdayUnit: "day of the week", monthUnit: "month",
        and: "and", or: "or",
        everyNth: { n, unit in n == 1 ? "every \(unit)" : "every \(englishOrdinal(n)) \(unit)" },
        range: { "\($0) through \($1)" },
        fromThrough: { "from \($0) through \($1)" },
        from: { "from \($0)" },
        between: { "between \($0) and \($1)" },
        day: { "day \($0)" },
        days: { "days \($0) through \($1)" },
        dayNumber: { "\($0)" },
        lastDay: "the last day",
        onDayOfMonth: { text, _ in "on \(text) of the month" },
        weekdayNames: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        onWeekday: { text, _ in "on \(text)" },
        fromWeekdayThrough: { "on \($0) through \($1)" },
        lastWeekdayOfMonth: { "the last \($0) of the month" },
        nthWeekdayOfMonth: { k, day in "the \(["first", "second", "third", "fourth", "fifth"][k - 1]) \(day) of the month" },
        butOnlyOn: { "but only \($0)" },
        monthNames: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
        inMonth: { text, _ in "in \(text)" },
        fromMonthThrough: { "\($0) through \($1)" }
    ) }

    static var de: Words { Words(
        at: "Um",
        everyMinute: "Jede Minute",
        everyNMinutes: { "Alle \($0) Minuten" },
        everyNthMinute: { "Jede \($0). Minute" },
        atMinute: "In Minute",
        pastEveryHour: "jeder Stunde",
        pastSteps: " ",
        minuteUnit: "Minute", hourUnit: "Stunde", dayUnit: "Tag", weekdayUnit: "Wochentag", monthUnit: "Monat",
        and: "und", or: "oder",
        everyNth: { n, unit in
            let dative = unit == "Minute" || unit == "Stunde" ? "jeder" : "jedem"
            return n == 1 ? "\(dative) \(unit)" : "\(dative) \(n). \(unit)"
        },
        range: { "\($0) bis \($1)" },
        fromThrough: { "von \($0) bis \($1)" },
        from: { "ab \($0)" },
        between: { "zwischen \($0) und \($1)" },
        day: { "\($0). Tag" },
        days: { "\($0). bis \($1). Tag" },
        dayNumber: { "\($0)." },
        lastDay: "letzten Tag",
        onDayOfMonth: { text, stepFirst in (stepFirst ? "an " : "am ") + text + " des Monats" },
        weekdayNames: ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        onWeekday: { text, stepFirst in (stepFirst ? "an " : "am ") + text },
        fromWeekdayThrough: { "von \($0) bis \($1)" },
        lastWeekdayOfMonth: { "letzten \($0) des Monats" },
        nthWeekdayOfMonth: { k, day in "\(["ersten", "zweiten", "dritten", "vierten", "fünften"][k - 1]) \(day) des Monats" },
        butOnlyOn: { "aber nur \($0)" },
        monthNames: ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
        inMonth: { text, stepFirst in (stepFirst ? "in " : "im ") + text },
        fromMonthThrough: { "von \($0) bis \($1)" }
    ) }
}
