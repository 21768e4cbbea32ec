import Foundation

/// Reading instants for the `herald cron next --after` option.
public enum CronInstant {
    /// Parses ISO 8601 with an explicit offset or `Z`: `2026-03-29T01:30:00+01:00`,
    /// `2026-03-29T00:30:00Z`, optionally with fractional seconds (`…:00.250Z`) or without seconds
    /// (`2026-03-29T01:30+01:00`). A lowercase `t`/`z` or a space instead of `T` is accepted.
    ///
    /// - Throws: ``CronError`` with code `invalidInstant` naming what is wrong, e.g. a missing offset.
    public static func parse(_ text: String) throws -> Date {
        let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func fail(_ why: String) -> CronError {
            CronError(code: .invalidInstant, message: "'\(text)' is not an ISO 8601 instant: \(why); write e.g. 2026-03-29T01:30:00+01:00 or 2026-03-29T00:30:00Z")
        }
        var i = 0
        func number(_ digits: Int, _ what: String) throws -> Int {
            guard i + digits <= s.count else { throw fail("\(what) is missing") }
            var v = 0
            for _ in 0..<digits {
                let c = s[i]
                guard c >= 48 && c <= 57 else { throw fail("\(what) must be \(digits) digits") }
                v = v * 10 + Int(c - 48); i += 1
            }
            return v
        }
        func expect(_ c: UInt8, _ what: String) throws {
            guard i < s.count, s[i] == c else { throw fail("expected \(what)") }
            i += 1
        }
        let year = try number(4, "the year"); try expect(UInt8(ascii: "-"), "'-' after the year")
        let month = try number(2, "the month"); try expect(UInt8(ascii: "-"), "'-' after the month")
        let day = try number(2, "the day")
        guard i < s.count, [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(s[i]) else { throw fail("expected 'T' and a time after the date") }
        i += 1
        let hour = try number(2, "the hour"); try expect(UInt8(ascii: ":"), "':' after the hour")
        let minute = try number(2, "the minute")
        var second = 0
        var fraction = 0.0
        if i < s.count, s[i] == UInt8(ascii: ":") {
            i += 1
            second = try number(2, "the second")
            if i < s.count, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 0.1
                let start = i
                while i < s.count, s[i] >= 48, s[i] <= 57 { fraction += Double(s[i] - 48) * scale; scale /= 10; i += 1 }
                guard i > start else { throw fail("expected digits after the decimal point") }
            }
        }
        guard (1...12).contains(month), (1...Civil.daysInMonth(year, month)).contains(day),
              hour < 24, minute < 60, second < 60 else { throw fail("the date or time is out of range") }
        guard i < s.count else { throw fail("the offset is missing (add Z for UTC or e.g. +02:00)") }
        var offset = 0
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") {
            i += 1
        } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            let oh = try number(2, "the offset hours")
            if i < s.count, s[i] == UInt8(ascii: ":") { i += 1 }
            let om = try number(2, "the offset minutes")
            guard oh <= 18, om < 60 else { throw fail("the offset is out of range") }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            throw fail("the offset is missing (add Z for UTC or e.g. +02:00)")
        }
        guard i == s.count else { throw fail("unexpected text after the offset") }
        let seconds = Civil.days(year, month, day) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }
}
