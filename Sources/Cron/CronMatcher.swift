// The compiled form of an expression: one bit mask per field and a naive (zone-free) search over
// local wall-clock minutes. Time zones and DST are handled one level up, in CronExpression+Next.

@inline(__always)
private func nextBit(_ mask: UInt64, from i: Int) -> Int? {
    guard i < 64 else { return nil }
    let shifted = mask >> UInt64(max(i, 0))
    return shifted == 0 ? nil : max(i, 0) + shifted.trailingZeroBitCount
}

@inline(__always)
private func previousBit(_ mask: UInt64, from i: Int) -> Int? {
    guard i >= 0 else { return nil }
    let masked = i >= 63 ? mask : mask & ((UInt64(1) << UInt64(i + 1)) - 1)
    return masked == 0 ? nil : 63 - masked.leadingZeroBitCount
}

struct CronMatcher: Sendable, Hashable {
    var minutes: UInt64 = 0        // bits 0-59
    var hours: UInt64 = 0          // bits 0-23
    var daysOfMonth: UInt64 = 0    // bits 1-31
    var lastDayOfMonth = false     // `L`
    var months: UInt64 = 0         // bits 1-12
    var weekdays: UInt64 = 0       // bits 0-6, Sunday = 0
    var nthWeekdays: UInt64 = 0    // bit w * 8 + k set for `w#k`
    var lastWeekdays: UInt64 = 0   // bits 0-6 for `wL`
    /// Day of month and day of week combine with AND (cronie: either field starts with `*`).
    var daysAND = true

    /// Bits 1...31 set for the days of the given month that match the day fields.
    @inline(__always)
    func dayMask(year: Int, month: Int) -> UInt64 {
        let length = Civil.daysInMonth(year, month)
        let valid = ((UInt64(1) << UInt64(length + 1)) - 1) & ~1
        var dom = daysOfMonth
        if lastDayOfMonth { dom |= 1 << UInt64(length) }
        let first = Civil.weekday(Civil.days(year, month, 1))
        // Day d falls on weekday (first + d - 1) % 7: rotate the weekday bits by `first`, repeat the
        // 7-bit pattern every 7 days (the multiplier has a bit every 7 places), shift to day 1.
        let rotated = ((weekdays >> UInt64(first)) | (weekdays << UInt64(7 - first))) & 0x7F
        var dow = (rotated &* 0x1020_4081) << 1
        if nthWeekdays != 0 {
            var remaining = nthWeekdays
            while remaining != 0 {
                let bit = remaining.trailingZeroBitCount
                remaining &= remaining - 1
                let firstDay = 1 + (bit / 8 - first + 7) % 7
                dow |= 1 << UInt64(firstDay + 7 * (bit % 8 - 1))
            }
        }
        if lastWeekdays != 0 {
            var remaining = lastWeekdays
            while remaining != 0 {
                let w = remaining.trailingZeroBitCount
                remaining &= remaining - 1
                let firstDay = 1 + (w - first + 7) % 7
                dow |= 1 << UInt64(firstDay + 7 * ((length - firstDay) / 7))
            }
        }
        return (daysAND ? dom & dow : dom | dow) & valid
    }

    /// The first local minute (minutes since 1970-01-01T00:00 wall-clock) at or after `start` that
    /// matches, or nil if there is none before `maxYear` ends.
    func nextLocal(atOrAfter start: Int64, maxYear: Int) -> Int64? {
        let startDay = floorDiv(start, 1440)
        let minuteOfDay = Int(start - startDay * 1440)
        var (y, m, d) = Civil.date(startDay)
        var h = minuteOfDay / 60
        var mi = minuteOfDay % 60
        var cachedYear = Int.min, cachedMonth = 0
        var mask: UInt64 = 0
        while true {
            if y > maxYear { return nil }
            if months & (1 << UInt64(m)) == 0 {
                if let nm = nextBit(months, from: m + 1), nm <= 12 {
                    m = nm
                } else {
                    y += 1
                    m = months.trailingZeroBitCount
                }
                d = 1; h = 0; mi = 0
                continue
            }
            if y != cachedYear || m != cachedMonth {
                mask = dayMask(year: y, month: m)
                cachedYear = y; cachedMonth = m
            }
            guard let nd = nextBit(mask, from: d) else {
                m += 1
                if m > 12 { m = 1; y += 1 }
                d = 1; h = 0; mi = 0
                continue
            }
            if nd != d { d = nd; h = 0; mi = 0 }
            guard let nh = nextBit(hours, from: h) else {
                d += 1; h = 0; mi = 0
                continue
            }
            if nh != h { h = nh; mi = 0 }
            guard let nmi = nextBit(minutes, from: mi) else {
                h += 1; mi = 0
                continue
            }
            return Civil.days(y, m, d) * 1440 + Int64(h * 60 + nmi)
        }
    }

    /// The last local minute at or before `start` that matches, or nil if there is none after
    /// `minYear` begins.
    func previousLocal(atOrBefore start: Int64, minYear: Int) -> Int64? {
        let startDay = floorDiv(start, 1440)
        let minuteOfDay = Int(start - startDay * 1440)
        var (y, m, d) = Civil.date(startDay)
        var h = minuteOfDay / 60
        var mi = minuteOfDay % 60
        var cachedYear = Int.min, cachedMonth = 0
        var mask: UInt64 = 0
        while true {
            if y < minYear { return nil }
            if months & (1 << UInt64(m)) == 0 {
                if let pm = previousBit(months, from: m - 1), pm >= 1 {
                    m = pm
                } else {
                    y -= 1
                    m = 63 - months.leadingZeroBitCount
                }
                d = Civil.daysInMonth(y, m); h = 23; mi = 59
                continue
            }
            if y != cachedYear || m != cachedMonth {
                mask = dayMask(year: y, month: m)
                cachedYear = y; cachedMonth = m
            }
            guard let pd = previousBit(mask, from: d), pd >= 1 else {
                m -= 1
                if m < 1 { m = 12; y -= 1 }
                d = Civil.daysInMonth(y, m); h = 23; mi = 59
                continue
            }
            if pd != d { d = pd; h = 23; mi = 59 }
            guard let ph = previousBit(hours, from: h) else {
                d -= 1; h = 23; mi = 59
                continue
            }
            if ph != h { h = ph; mi = 59 }
            guard let pmi = previousBit(minutes, from: mi) else {
                h -= 1; mi = 59
                continue
            }
            return Civil.days(y, m, d) * 1440 + Int64(h * 60 + pmi)
        }
    }
}
