// Parsing of one field into CronItems, on UTF-8 bytes (a schedule table of 100,000 rows is parsed at
// start-up, so this avoids Character-level String work), with errors that name field, column and rule.

struct CronField: Sendable {
    let number: Int          // 1-based
    let name: String
    let low: Int
    let high: Int
    let names: [String]      // uppercase three-letter names, index = value - nameBase
    let nameBase: Int

    static let minute = CronField(number: 1, name: "minute", low: 0, high: 59, names: [], nameBase: 0)
    static let hour = CronField(number: 2, name: "hour", low: 0, high: 23, names: [], nameBase: 0)
    static let dayOfMonth = CronField(number: 3, name: "day of month", low: 1, high: 31, names: [], nameBase: 0)
    static let month = CronField(number: 4, name: "month", low: 1, high: 12,
                                 names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], nameBase: 1)
    static let dayOfWeek = CronField(number: 5, name: "day of week", low: 0, high: 7,
                                     names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], nameBase: 0)
    static let all = [minute, hour, dayOfMonth, month, dayOfWeek]

    /// The bits of all plain values (`*`, numbers, ranges, steps) of the items.
    func mask(_ items: [CronItem]) -> UInt64 {
        var mask: UInt64 = 0
        for item in items {
            switch item {
            case .all(let step):
                for v in stride(from: low, through: high, by: step) { mask |= 1 << UInt64(v) }
            case .value(let v):
                mask |= 1 << UInt64(v)
            case .range(let a, let b, let step):
                for v in stride(from: a, through: b, by: step) { mask |= 1 << UInt64(v) }
            case .from(let a, let step):
                for v in stride(from: a, through: high, by: step) { mask |= 1 << UInt64(v) }
            case .last, .lastWeekday, .nthWeekday:
                break
            }
        }
        return mask
    }

    /// Parses `bytes[range]`. Error messages carry a column unless the field came from a nickname.
    func parse(_ bytes: [UInt8], _ range: Range<Int>, fromNickname: Bool) throws -> [CronItem] {
        var items: [CronItem] = []
        var start = range.lowerBound
        var i = start
        while true {
            if i == range.upperBound || bytes[i] == UInt8(ascii: ",") {
                items.append(try Parser(field: self, bytes: bytes, fromNickname: fromNickname).item(start..<i))
                if i == range.upperBound { break }
                start = i + 1
            }
            i += 1
        }
        return items
    }

    // MARK: - Items

    private struct Parser {
        let field: CronField
        let bytes: [UInt8]
        let fromNickname: Bool

        /// The 1-based column of a byte offset, counted in characters so a caret lines up.
        func columnOf(_ offset: Int) -> Int? {
            fromNickname ? nil : String(decoding: bytes[..<offset], as: UTF8.self).count + 1
        }

        func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }

        func error(_ code: CronError.Code, _ rule: String, at offset: Int) -> CronError {
            let column = columnOf(offset)
            let at = column.map { " (column \($0))" } ?? ""
            // A remedy after a semicolon goes after the column, so the cause reads first.
            let message: String
            if let semicolon = rule.firstIndex(of: ";") {
                message = "field \(field.number) (\(field.name)): \(rule[..<semicolon])\(at)\(rule[semicolon...])"
            } else {
                message = "field \(field.number) (\(field.name)): \(rule)\(at)"
            }
            return CronError(code: code, message: message, field: field.number, column: column)
        }

        func firstIndex(of byte: UInt8, in r: Range<Int>) -> Int? {
            var i = r.lowerBound
            while i < r.upperBound { if bytes[i] == byte { return i }; i += 1 }
            return nil
        }

        func contains(_ byte: UInt8, in r: Range<Int>, ignoringCase: Bool = false) -> Bool {
            var i = r.lowerBound
            while i < r.upperBound {
                let b = bytes[i]
                if b == byte || (ignoringCase && b | 0x20 == byte | 0x20) { return true }
                i += 1
            }
            return false
        }

        func value(_ r: Range<Int>) throws -> Int {
            guard !r.isEmpty else { throw error(.syntax, "missing number", at: r.lowerBound) }
            var allDigits = true, allLetters = true
            for b in bytes[r] {
                if !(b >= 48 && b <= 57) { allDigits = false }
                if !((b | 0x20) >= 97 && (b | 0x20) <= 122) { allLetters = false }
            }
            if allDigits {
                var v = 0
                for b in bytes[r] where v <= 10_000 { v = v * 10 + Int(b - 48) }
                guard (field.low...field.high).contains(v) else {
                    throw error(.outOfRange, "\(text(r)) is outside \(field.low)-\(field.high)", at: r.lowerBound)
                }
                return v
            }
            if allLetters {
                guard !field.names.isEmpty else {
                    throw error(.syntax, "'\(text(r))' is not a number; \(field.name) takes \(field.low)-\(field.high)", at: r.lowerBound)
                }
                if r.count == 3 {
                    let upper = String(decoding: bytes[r].map { $0 & ~0x20 }, as: UTF8.self)
                    if let index = field.names.firstIndex(of: upper) { return index + field.nameBase }
                }
                let kind = field.number == 4 ? "month" : "weekday"
                throw error(.unknownName, "unknown \(kind) name '\(text(r))'; use \(field.names.first!)-\(field.names.last!) or \(field.low)-\(field.high)", at: r.lowerBound)
            }
            let token = text(r)
            let bad = token.first { !($0.isASCII && ($0.isLetter || $0.isNumber)) } ?? token.first!
            throw error(.syntax, "unexpected '\(bad)' in '\(token)'", at: r.lowerBound)
        }

        func step(_ r: Range<Int>) throws -> Int {
            guard !r.isEmpty, r.count <= 4, bytes[r].allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw error(.invalidStep, "step '\(text(r))' is not a number; write */n or a-b/n", at: r.lowerBound)
            }
            let s = bytes[r].reduce(0) { $0 * 10 + Int($1 - 48) }
            guard s >= 1 else { throw error(.invalidStep, "step 0 must be at least 1", at: r.lowerBound) }
            return s
        }

        func item(_ r: Range<Int>) throws -> CronItem {
            let at = r.lowerBound
            if r.isEmpty { throw error(.syntax, "empty list element; remove the extra comma", at: at) }
            if contains(UInt8(ascii: "?"), in: r) {
                throw error(.unsupported, "? is Quartz syntax; use *", at: at)
            }
            if field.number == 3 && contains(UInt8(ascii: "W"), in: r, ignoringCase: true) {
                throw error(.unsupported, "W (nearest weekday) is not supported; use L for the last day of the month or list the days", at: at)
            }
            if let hash = firstIndex(of: UInt8(ascii: "#"), in: r) {
                guard field.number == 5 else {
                    throw error(.syntax, "# is only allowed in day of week (n#k, e.g. 1#1 for the first Monday)", at: at)
                }
                let kRange = (hash + 1)..<r.upperBound
                guard !contains(UInt8(ascii: "#"), in: kRange) else {
                    throw error(.syntax, "write n#k with one #, e.g. 1#1 for the first Monday", at: at)
                }
                let weekday = try value(r.lowerBound..<hash)
                guard !kRange.isEmpty, kRange.count <= 4, bytes[kRange].allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    throw error(.syntax, "'\(text(kRange))' after # is not a number; write n#k with k in 1-5", at: kRange.lowerBound)
                }
                let k = bytes[kRange].reduce(0) { $0 * 10 + Int($1 - 48) }
                guard (1...5).contains(k) else { throw error(.outOfRange, "#\(k) is outside 1-5", at: kRange.lowerBound) }
                return .nthWeekday(weekday, k)
            }
            if field.number != 4 && contains(UInt8(ascii: "L"), in: r, ignoringCase: true) {
                switch field.number {
                case 3:
                    guard r.count == 1 else {
                        throw error(.syntax, "L stands alone in day of month (the last day); write it as its own list element, e.g. 1,15,L", at: at)
                    }
                    return .last
                case 5:
                    guard r.count > 1, bytes[r.upperBound - 1] | 0x20 == UInt8(ascii: "l") else {
                        throw error(.syntax, "write nL for the last weekday n of the month, e.g. 5L for the last Friday", at: at)
                    }
                    return .lastWeekday(try value(r.lowerBound..<(r.upperBound - 1)))
                default:
                    throw error(.syntax, "L is only allowed in day of month (L) and day of week (nL)", at: at)
                }
            }
            var base = r
            var stepValue: Int?
            if let slash = firstIndex(of: UInt8(ascii: "/"), in: r) {
                let stepRange = (slash + 1)..<r.upperBound
                guard !contains(UInt8(ascii: "/"), in: stepRange) else {
                    throw error(.syntax, "more than one / in '\(text(r))'", at: at)
                }
                stepValue = try step(stepRange)
                base = r.lowerBound..<slash
            }
            if base.count == 1 && bytes[base.lowerBound] == UInt8(ascii: "*") {
                return .all(step: stepValue ?? 1)
            }
            if base.isEmpty { throw error(.syntax, "missing value before /; write */n or a-b/n", at: at) }
            if let dash = firstIndex(of: UInt8(ascii: "-"), in: base) {
                let endRange = (dash + 1)..<base.upperBound
                guard !contains(UInt8(ascii: "-"), in: endRange) else {
                    throw error(.syntax, "more than one - in '\(text(base))'", at: at)
                }
                let a = try value(base.lowerBound..<dash)
                let b = try value(endRange)
                guard a <= b else {
                    let first = text(base.lowerBound..<dash), last = text(endRange)
                    throw error(.reversedRange, "range \(first)-\(last) runs backwards; write the smaller value first, or a list such as \(first)-\(field.high),\(field.low)-\(last) to wrap around", at: at)
                }
                return .range(a, b, step: stepValue ?? 1)
            }
            let a = try value(base)
            if let stepValue { return .from(a, step: stepValue) }
            return .value(a)
        }
    }

}
