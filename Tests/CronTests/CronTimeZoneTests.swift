import Foundation
import HeraldTestSupport
import Testing
@testable import Cron

/// The DST policy, table-driven. Transition dates (from the tz database):
/// - Europe/Berlin 2026: 03-29 02:00 CET → 03:00 CEST; 10-25 03:00 CEST → 02:00 CET.
/// - America/New_York 2026: 03-08 02:00 EST → 03:00 EDT; 11-01 02:00 EDT → 01:00 EST.
/// - Australia/Lord_Howe 2026: 04-05 02:00 (+11) → 01:30 (+10:30); 10-04 02:00 (+10:30) → 02:30 (+11).
/// - Pacific/Chatham 2026: 04-05 03:45 (+13:45) → 02:45 (+12:45); 09-27 02:45 (+12:45) → 03:45 (+13:45).
/// - Asia/Kolkata: +05:30, no DST.
@Suite("Time zones and DST")
struct CronTimeZoneTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var expr: String
        var zone: String
        var after: String
        var expected: [String]
        var why: String
        var testDescription: String { "\(expr) in \(zone): \(why)" }
    }

    static let cases: [Case] = [
        // Fixed-time schedules: gap → first instant after the gap; fold → first occurrence only.
        Case(expr: "30 2 * * *", zone: "Europe/Berlin", after: "2026-03-28T12:00:00+01:00",
             expected: ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"], why: "gap moves 02:30 to 03:00"),
        Case(expr: "0 2 * * *", zone: "Europe/Berlin", after: "2026-03-28T12:00:00+01:00",
             expected: ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"], why: "gap moves 02:00 to 03:00"),
        Case(expr: "0 2,3 * * *", zone: "Europe/Berlin", after: "2026-03-28T12:00:00+01:00",
             expected: ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"], why: "the moved 02:00 and 03:00 run once"),
        Case(expr: "0,30 2 * * *", zone: "Europe/Berlin", after: "2026-03-28T12:00:00+01:00",
             expected: ["2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00"], why: "02:00 and 02:30 both move to 03:00 and run once"),
        Case(expr: "0 1-3 * * *", zone: "Europe/Berlin", after: "2026-10-24T12:00:00+02:00",
             expected: ["2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00", "2026-10-25T03:00:00+01:00"], why: "fixed hours in a fold: the repeated 02:00 runs once"),
        Case(expr: "30 2 * * *", zone: "Europe/Berlin", after: "2026-10-24T12:00:00+02:00",
             expected: ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"], why: "fold runs the first 02:30 only"),
        Case(expr: "45 2 * * *", zone: "Europe/Berlin", after: "2026-10-25T02:30:00+01:00",
             expected: ["2026-10-26T02:45:00+01:00"], why: "from the second copy of the fold, today's 02:45 has already run"),
        Case(expr: "0 3 * * *", zone: "Europe/Berlin", after: "2026-03-28T12:00:00+01:00",
             expected: ["2026-03-29T03:00:00+02:00", "2026-03-30T03:00:00+02:00"], why: "03:00 exists on spring-forward day"),
        Case(expr: "30 2 * * *", zone: "America/New_York", after: "2026-03-07T12:00:00-05:00",
             expected: ["2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"], why: "gap"),
        Case(expr: "30 1 * * *", zone: "America/New_York", after: "2026-10-31T12:00:00-04:00",
             expected: ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"], why: "fold"),
        Case(expr: "15 2 * * *", zone: "Australia/Lord_Howe", after: "2026-10-03T12:00:00+10:30",
             expected: ["2026-10-04T02:30:00+11:00", "2026-10-05T02:15:00+11:00"], why: "30-minute gap"),
        Case(expr: "45 1 * * *", zone: "Australia/Lord_Howe", after: "2026-04-04T12:00:00+11:00",
             expected: ["2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"], why: "30-minute fold"),
        Case(expr: "0 3 * * *", zone: "Pacific/Chatham", after: "2026-09-26T12:00:00+12:45",
             expected: ["2026-09-27T03:45:00+13:45", "2026-09-28T03:00:00+13:45"], why: "gap 02:45-03:45"),
        Case(expr: "0 3 * * *", zone: "Pacific/Chatham", after: "2026-04-04T12:00:00+13:45",
             expected: ["2026-04-05T03:00:00+13:45", "2026-04-06T03:00:00+12:45"], why: "fold 02:45-03:45"),
        Case(expr: "0 9 * * *", zone: "Asia/Kolkata", after: "2026-01-01T00:00:00Z",
             expected: ["2026-01-01T09:00:00+05:30", "2026-01-02T09:00:00+05:30"], why: "half-hour offset"),
        Case(expr: "@daily", zone: "Asia/Kolkata", after: "2026-01-01T00:00:00Z",
             expected: ["2026-01-02T00:00:00+05:30"], why: "nickname in a zone"),
        // Wildcard and interval schedules: every real instant whose wall-clock time matches.
        Case(expr: "*/30 * * * *", zone: "Europe/Berlin", after: "2026-03-29T01:00:00+01:00",
             expected: ["2026-03-29T01:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00"], why: "gap hour does not exist"),
        Case(expr: "*/30 * * * *", zone: "Europe/Berlin", after: "2026-10-25T01:45:00+02:00",
             expected: ["2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+01:00", "2026-10-25T02:30:00+01:00", "2026-10-25T03:00:00+01:00"], why: "both copies of the repeated hour"),
        Case(expr: "*/30 2 * * *", zone: "Europe/Berlin", after: "2026-03-28T23:00:00+01:00",
             expected: ["2026-03-30T02:00:00+02:00"], why: "interval in a missing hour does not run"),
        Case(expr: "*/30 2 * * *", zone: "Europe/Berlin", after: "2026-10-25T00:00:00+02:00",
             expected: ["2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:00:00+01:00", "2026-10-25T02:30:00+01:00", "2026-10-26T02:00:00+01:00"], why: "interval runs in both copies"),
        Case(expr: "15 * * * *", zone: "America/New_York", after: "2026-11-01T00:30:00-04:00",
             expected: ["2026-11-01T01:15:00-04:00", "2026-11-01T01:15:00-05:00", "2026-11-01T02:15:00-05:00"], why: "hourly runs twice at 01:15"),
        Case(expr: "15 * * * *", zone: "America/New_York", after: "2026-03-08T00:30:00-05:00",
             expected: ["2026-03-08T01:15:00-05:00", "2026-03-08T03:15:00-04:00"], why: "hourly skips the missing 02:15"),
        Case(expr: "*/20 * * * *", zone: "Australia/Lord_Howe", after: "2026-04-05T01:30:00+11:00",
             expected: ["2026-04-05T01:40:00+11:00", "2026-04-05T01:40:00+10:30", "2026-04-05T02:00:00+10:30"], why: "30-minute fold repeats 01:30-02:00"),
        Case(expr: "*/20 * * * *", zone: "Australia/Lord_Howe", after: "2026-10-04T01:50:00+10:30",
             expected: ["2026-10-04T02:40:00+11:00"], why: "30-minute gap skips 02:00 and 02:20"),
        Case(expr: "* 3 * * *", zone: "Pacific/Chatham", after: "2026-09-26T12:00:00+12:45",
             expected: ["2026-09-27T03:45:00+13:45", "2026-09-27T03:46:00+13:45"], why: "only the real part of hour 3"),
        Case(expr: "*/30 3 * * *", zone: "Pacific/Chatham", after: "2026-09-26T12:00:00+12:45",
             expected: ["2026-09-28T03:00:00+13:45"], why: "03:00 and 03:30 do not exist on 09-27"),
        Case(expr: "0 * * * *", zone: "Asia/Kolkata", after: "2026-01-01T00:00:00Z",
             expected: ["2026-01-01T06:00:00+05:30", "2026-01-01T07:00:00+05:30"], why: "hourly on local hours"),
        Case(expr: "0 0 * * *", zone: "Pacific/Chatham", after: "2026-01-01T00:00:00Z",
             expected: ["2026-01-02T00:00:00+13:45"], why: "odd offset"),
    ]

    @Test(arguments: cases)
    func fireTimes(_ c: Case) throws {
        #expect(try nextRuns(c.expr, zone: c.zone, after: c.after, count: c.expected.count) == c.expected)
    }

    @Test(arguments: cases)
    func previousMirrorsNext(_ c: Case) throws {
        let zone = try CronZone(identifier: c.zone)
        let e = try CronExpression(c.expr)
        let times = c.expected.map(instant)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(e.previous(before: later, in: zone) == earlier)
        }
    }

    @Test(arguments: ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata", "America/Santiago", "Pacific/Apia", "Africa/Casablanca"])
    func offsetsAgreeWithFoundation(_ name: String) throws {
        let zone = try CronZone(identifier: name)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            let date = Date(timeIntervalSince1970: TimeInterval(Int64.random(in: -2_000_000_000...4_000_000_000, using: &rng)))
            #expect(zone.secondsFromGMT(for: date) == zone.timeZone.secondsFromGMT(for: date))
        }
    }

    @Test func foundationTimeZoneOverloadsMatch() async throws {
        let e = try CronExpression("30 2 * * *")
        let tz = try #require(TimeZone(identifier: "Europe/Berlin"))
        let after = instant("2026-03-28T12:00:00+01:00")
        #expect(e.next(after: after, in: tz) == instant("2026-03-29T03:00:00+02:00"))
        #expect(e.nextTimes(after: after, count: 2, in: tz) == [instant("2026-03-29T03:00:00+02:00"), instant("2026-03-30T02:30:00+02:00")])
        #expect(e.previous(before: instant("2026-03-30T00:00:00+02:00"), in: tz) == instant("2026-03-29T03:00:00+02:00"))
    }

    /// For random expressions and starts: `previous(before: next(after: t)) <= t` and
    /// `next(after: previous(before: t)) >= t`, i.e. both searches agree on the set of fire times.
    @Test(arguments: ["Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago", "America/Havana"])
    func nextAndPreviousAgree(_ name: String) throws {
        let zone = try CronZone(identifier: name)
        var rng = SplitMix64(seed: 11)
        var checked = 0
        for _ in 0..<300 {
            guard let e = try? CronExpression(RandomCron.expression(rng: &rng)) else { continue }
            let t = Date(timeIntervalSince1970: TimeInterval(RandomCron.startInstant(near: zone, rng: &rng)))
            if let n = e.next(after: t, in: zone) {
                #expect(n > t)
                #expect(e.previous(before: n, in: zone).map { $0 <= t } ?? true, "\(e) after \(zone.iso8601(t))")
            }
            if let p = e.previous(before: t, in: zone) {
                #expect(p < t)
                #expect(e.next(after: p, in: zone).map { $0 >= t } ?? true, "\(e) before \(zone.iso8601(t))")
            }
            checked += 1
        }
        #expect(checked > 250)
    }

    @Test func previousFromTheSecondCopyOfAFoldFindsTheFirstCopy() async throws {
        let zone = try CronZone(identifier: "Europe/Berlin")
        let e = try CronExpression("45 2 * * *")
        // 02:50 CET is in the second copy; 02:45 ran at its first occurrence (02:45 CEST), 1 h 5 min earlier.
        #expect(e.previous(before: instant("2026-10-25T02:50:00+01:00"), in: zone) == instant("2026-10-25T02:45:00+02:00"))
        #expect(e.previous(before: instant("2026-10-25T02:40:00+02:00"), in: zone) == instant("2026-10-24T02:45:00+02:00"))
        // An interval schedule sees both copies.
        let interval = try CronExpression("*/15 2 * * *")
        #expect(interval.previous(before: instant("2026-10-25T02:10:00+01:00"), in: zone) == instant("2026-10-25T02:00:00+01:00"))
        #expect(interval.previous(before: instant("2026-10-25T02:00:00+01:00"), in: zone) == instant("2026-10-25T02:45:00+02:00"))
    }

    @Test func searchesStayWithin1900To2199() async throws {
        let daily = try CronExpression("0 0 * * *")
        let berlin = try CronZone(identifier: "Europe/Berlin")
        #expect(daily.next(after: instant("2199-12-30T12:00:00Z"), in: .utc) == instant("2199-12-31T00:00:00Z"))
        #expect(daily.next(after: instant("2199-12-31T00:00:00Z"), in: .utc) == nil)
        #expect(daily.next(after: .distantFuture, in: berlin) == nil)
        #expect(daily.next(after: .distantPast, in: berlin) == nil)
        #expect(daily.previous(before: .distantPast, in: berlin) == nil)
        #expect(daily.previous(before: .distantFuture, in: .utc) == instant("2199-12-31T00:00:00Z"))
        #expect(daily.previous(before: instant("1900-01-02T12:00:00Z"), in: .utc) == instant("1900-01-02T00:00:00Z"))
        #expect(try CronExpression("0 0 29 2 1").nextTimes(after: instant("2026-01-01T00:00:00Z"), count: 3, in: .utc).count == 3)
    }

    @Test func formatsOffsetsLikeISO8601() async throws {
        let date = instant("2026-06-01T12:00:00Z")
        #expect(try CronZone(identifier: "Asia/Kolkata").iso8601(date) == "2026-06-01T17:30:00+05:30")
        #expect(try CronZone(identifier: "Pacific/Chatham").iso8601(date) == "2026-06-02T00:45:00+12:45")
        #expect(try CronZone(identifier: "America/New_York").iso8601(date) == "2026-06-01T08:00:00-04:00")
        #expect(CronZone.utc.iso8601(date) == "2026-06-01T12:00:00+00:00")
    }
}
