import Foundation

// Fire times in a zone, with cronie's DST policy.
//
// Wildcard schedules: the timeline is cut into segments of constant UTC offset; within a segment,
// wall-clock time is a shift of UTC, so the earliest matching wall-clock minute maps to one instant.
// A wall-clock time in a gap belongs to no segment (never fires); one in a fold belongs to two
// (fires twice).
//
// Fixed-time schedules: the search runs over wall-clock time alone, like cronie; each matching
// wall-clock minute then maps to its first occurrence, or to the end of the gap it falls in.

extension CronExpression {
    /// The first fire time strictly after `date` in `zone`, or nil if there is none before 2200
    /// (or `date` is before 1900: the zone rules cover 1900-2199).
    ///
    /// Fire times are whole minutes of the zone's wall clock. The DST policy is cronie's: see
    /// ``isFixedTime``. Fractional seconds of `date` are ignored (a fire time equal to its whole
    /// second is not "after" it).
    public func next(after date: Date, in zone: CronZone) -> Date? {
        nextInstant(after: Int64(floor(date.timeIntervalSince1970)), rules: zone.rules)
            .map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// The first fire time strictly after `date` in `timeZone`, or nil if there is none before 2200.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        next(after: date, in: CronZone(timeZone))
    }

    /// Up to `count` consecutive fire times strictly after `date` (fewer only if the expression stops
    /// firing before 2200).
    public func nextTimes(after date: Date, count: Int, in zone: CronZone) -> [Date] {
        var result: [Date] = []
        result.reserveCapacity(max(0, count))
        var t = Int64(floor(date.timeIntervalSince1970))
        while result.count < count, let n = nextInstant(after: t, rules: zone.rules) {
            result.append(Date(timeIntervalSince1970: TimeInterval(n)))
            t = n
        }
        return result
    }

    /// Up to `count` consecutive fire times strictly after `date` in `timeZone`.
    public func nextTimes(after date: Date, count: Int, in timeZone: TimeZone) -> [Date] {
        nextTimes(after: date, count: count, in: CronZone(timeZone))
    }

    /// The last fire time strictly before `date` in `zone`, or nil if there is none after 1900.
    public func previous(before date: Date, in zone: CronZone) -> Date? {
        previousInstant(before: Int64(ceil(date.timeIntervalSince1970)), rules: zone.rules)
            .map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }

    /// The last fire time strictly before `date` in `timeZone`, or nil if there is none after 1900.
    public func previous(before date: Date, in timeZone: TimeZone) -> Date? {
        previous(before: date, in: CronZone(timeZone))
    }

    // MARK: - Core, in whole seconds since 1970 UTC

    func nextInstant(after t: Int64, rules: ZoneRules) -> Int64? {
        guard t + 1 < ZoneRules.upperBound, t >= ZoneRules.lowerBound else { return nil }
        return isFixedTime ? nextFixed(after: t, rules: rules) : nextWildcard(after: t, rules: rules)
    }

    func previousInstant(before t: Int64, rules: ZoneRules) -> Int64? {
        guard t > ZoneRules.lowerBound else { return nil }
        return isFixedTime ? previousFixed(before: min(t, ZoneRules.upperBound), rules: rules)
                           : previousWildcard(before: min(t, ZoneRules.upperBound), rules: rules)
    }

    private func nextWildcard(after t: Int64, rules: ZoneRules) -> Int64? {
        var from = t + 1
        var segment = rules.segment(containing: from)
        while true {
            let offset = Int64(rules.offsets[segment])
            let end = rules.end(of: segment)
            guard let local = matcher.nextLocal(atOrAfter: ceilDiv(from + offset, 60), maxYear: ZoneRules.maxYear) else { return nil }
            let instant = local * 60 - offset
            if instant < end { return instant }
            if end >= ZoneRules.upperBound { return nil }
            segment += 1
            from = end
        }
    }

    private func previousWildcard(before t: Int64, rules: ZoneRules) -> Int64? {
        var to = t - 1
        var segment = rules.segment(containing: to)
        while true {
            let offset = Int64(rules.offsets[segment])
            let start = rules.start(of: segment)
            guard let local = matcher.previousLocal(atOrBefore: floorDiv(to + offset, 60), minYear: ZoneRules.minYear) else { return nil }
            let instant = local * 60 - offset
            if instant >= start { return instant }
            if segment == 0 { return nil }
            segment -= 1
            to = start - 1
        }
    }

    private func nextFixed(after t: Int64, rules: ZoneRules) -> Int64? {
        let wallClock = t + Int64(rules.offsets[rules.segment(containing: t)])
        var from = floorDiv(wallClock, 60) + 1
        while true {
            guard let local = matcher.nextLocal(atOrAfter: from, maxYear: ZoneRules.maxYear) else { return nil }
            let instant = CronExpression.firstInstant(wallClock: local * 60, rules: rules)
            // Only a wall-clock time in the second copy of a fold can map back before `t`: its first
            // occurrence has passed, so it has already run.
            if instant > t { return instant < ZoneRules.upperBound ? instant : nil }
            from = local + 1
        }
    }

    private func previousFixed(before t: Int64, rules: ZoneRules) -> Int64? {
        // Fire times grow with wall-clock time, so search down from the latest wall-clock time an
        // instant before `t` can show, and take the first whose fire time is before `t`.
        let segment = rules.segment(containing: t - 1)
        var widest = rules.offsets[segment]
        if segment > 0 { widest = max(widest, rules.offsets[segment - 1]) }
        if segment + 1 < rules.offsets.count { widest = max(widest, rules.offsets[segment + 1]) }
        var to = floorDiv(t - 1 + Int64(widest), 60)
        while true {
            guard let local = matcher.previousLocal(atOrBefore: to, minYear: ZoneRules.minYear) else { return nil }
            let instant = CronExpression.firstInstant(wallClock: local * 60, rules: rules)
            if instant < t { return instant >= ZoneRules.lowerBound ? instant : nil }
            to = local - 1
        }
    }

    /// The first instant showing `wallClock` (local seconds since 1970); for a time in a gap, the
    /// instant the gap ends.
    static func firstInstant(wallClock: Int64, rules: ZoneRules) -> Int64 {
        let guess = wallClock - Int64(rules.offsets[rules.segment(containing: min(max(wallClock, ZoneRules.lowerBound), ZoneRules.upperBound - 1))])
        let center = rules.segment(containing: min(max(guess, ZoneRules.lowerBound), ZoneRules.upperBound - 1))
        let low = max(0, center - 2), high = min(rules.offsets.count - 1, center + 2)
        for segment in low...high {
            let instant = wallClock - Int64(rules.offsets[segment])
            if instant >= rules.start(of: segment) && instant < rules.end(of: segment) { return instant }
        }
        for segment in max(1, low)...max(1, high) where segment < rules.offsets.count {
            let transition = rules.transitions[segment - 1]
            if transition + Int64(rules.offsets[segment - 1]) <= wallClock && wallClock < transition + Int64(rules.offsets[segment]) {
                return transition
            }
        }
        return guess
    }
}
