// Proleptic Gregorian calendar arithmetic on plain integers.
//
// Foundation's Calendar is correct but allocates and locks; the fire-time search runs millions of
// times in the scheduler, so it works on "local minutes since 1970-01-01T00:00 wall-clock" instead
// and converts with these functions.

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

@inline(__always)
func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
    -floorDiv(-a, b)
}

enum Civil {
    @inline(__always)
    static func isLeap(_ y: Int) -> Bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    @inline(__always)
    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a civil date (month 1-12, day 1-31).
    /// Shifts the year to start in March so that the leap day is the last day of the shifted year.
    @inline(__always)
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int64 {
        let yy = Int64(m <= 2 ? y - 1 : y)
        let era = floorDiv(yy, 400)
        let yearOfEra = yy - era * 400
        let shiftedMonth = Int64(m > 2 ? m - 3 : m + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(d) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    @inline(__always)
    static func date(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// Day of week, 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday.
    @inline(__always)
    static func weekday(_ days: Int64) -> Int {
        Int((days % 7 + 11) % 7)
    }
}
