import Foundation
import Testing
@testable import Cron

/// Parsing and matching rules, checked through fire times in UTC (expected values worked out by hand
/// from a calendar: 2026-01-01 is a Thursday, 2026-02-01 and 2026-03-01 are Sundays).
@Suite("Cron syntax and matching")
struct CronParsingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var expr: String
        var after: String
        var expected: [String]
        var testDescription: String { "\(expr) after \(after)" }
    }

    static let cases: [Case] = [
        // Steps, ranges, lists
        Case(expr: "*/15 * * * *", after: "2026-01-01T00:00:00Z", expected: ["2026-01-01T00:15:00+00:00", "2026-01-01T00:30:00+00:00", "2026-01-01T00:45:00+00:00", "2026-01-01T01:00:00+00:00"]),
        Case(expr: "1-30/10 * * * *", after: "2026-01-01T00:00:00Z", expected: ["2026-01-01T00:01:00+00:00", "2026-01-01T00:11:00+00:00", "2026-01-01T00:21:00+00:00", "2026-01-01T01:01:00+00:00"]),
        Case(expr: "5/20 * * * *", after: "2026-01-01T00:00:00Z", expected: ["2026-01-01T00:05:00+00:00", "2026-01-01T00:25:00+00:00", "2026-01-01T00:45:00+00:00", "2026-01-01T01:05:00+00:00"]),
        Case(expr: "0 9-17/4 * * *", after: "2026-01-01T00:00:00Z", expected: ["2026-01-01T09:00:00+00:00", "2026-01-01T13:00:00+00:00", "2026-01-01T17:00:00+00:00", "2026-01-02T09:00:00+00:00"]),
        Case(expr: "10,20,5 1 * * *", after: "2026-01-01T01:07:00Z", expected: ["2026-01-01T01:10:00+00:00", "2026-01-01T01:20:00+00:00", "2026-01-02T01:05:00+00:00"]),
        Case(expr: "0 0 1 jan-mar/2 *", after: "2026-01-01T00:00:00Z", expected: ["2026-03-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00"]),
        Case(expr: "0 0 1 JUL,dec *", after: "2026-01-01T00:00:00Z", expected: ["2026-07-01T00:00:00+00:00", "2026-12-01T00:00:00+00:00"]),
        // Weekdays: 0 and 7 are Sunday, names in any case
        Case(expr: "0 0 * * 0", after: "2026-01-01T00:00:00Z", expected: ["2026-01-04T00:00:00+00:00", "2026-01-11T00:00:00+00:00"]),
        Case(expr: "0 0 * * 7", after: "2026-01-01T00:00:00Z", expected: ["2026-01-04T00:00:00+00:00", "2026-01-11T00:00:00+00:00"]),
        Case(expr: "0 0 * * sUn", after: "2026-01-01T00:00:00Z", expected: ["2026-01-04T00:00:00+00:00"]),
        Case(expr: "0 12 * * Mon-FRI", after: "2026-01-02T13:00:00Z", expected: ["2026-01-05T12:00:00+00:00", "2026-01-06T12:00:00+00:00"]),
        Case(expr: "0 0 * * 5-7", after: "2026-01-01T00:00:00Z", expected: ["2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00", "2026-01-04T00:00:00+00:00", "2026-01-09T00:00:00+00:00"]),
        Case(expr: "0 0 * * */3", after: "2026-01-01T00:00:00Z", expected: ["2026-01-03T00:00:00+00:00", "2026-01-04T00:00:00+00:00", "2026-01-07T00:00:00+00:00"]),
        // Nicknames
        Case(expr: "@yearly", after: "2026-03-01T00:00:00Z", expected: ["2027-01-01T00:00:00+00:00"]),
        Case(expr: "@ANNUALLY", after: "2026-03-01T00:00:00Z", expected: ["2027-01-01T00:00:00+00:00"]),
        Case(expr: "@monthly", after: "2026-03-01T00:00:00Z", expected: ["2026-04-01T00:00:00+00:00"]),
        Case(expr: "@weekly", after: "2026-03-01T00:00:00Z", expected: ["2026-03-08T00:00:00+00:00"]),
        Case(expr: "@daily", after: "2026-03-01T00:00:00Z", expected: ["2026-03-02T00:00:00+00:00"]),
        Case(expr: "@midnight", after: "2026-03-01T00:00:00Z", expected: ["2026-03-02T00:00:00+00:00"]),
        Case(expr: "@hourly", after: "2026-03-01T00:00:00Z", expected: ["2026-03-01T01:00:00+00:00", "2026-03-01T02:00:00+00:00"]),
        // Day of month OR day of week when both are restricted
        Case(expr: "0 0 13 * 5", after: "2026-02-01T00:00:00Z", expected: ["2026-02-06T00:00:00+00:00", "2026-02-13T00:00:00+00:00", "2026-02-20T00:00:00+00:00", "2026-02-27T00:00:00+00:00", "2026-03-06T00:00:00+00:00", "2026-03-13T00:00:00+00:00"]),
        // ... AND when either starts with `*` (cronie), even `*/2`
        Case(expr: "0 0 */2 * 5", after: "2026-02-01T00:00:00Z", expected: ["2026-02-13T00:00:00+00:00", "2026-02-27T00:00:00+00:00", "2026-03-13T00:00:00+00:00", "2026-03-27T00:00:00+00:00"]),
        Case(expr: "0 0 1 * */2", after: "2026-01-01T00:00:00Z", expected: ["2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00", "2026-08-01T00:00:00+00:00"]),
        // Extensions: L, nL, n#k
        Case(expr: "0 0 L * *", after: "2026-01-01T00:00:00Z", expected: ["2026-01-31T00:00:00+00:00", "2026-02-28T00:00:00+00:00", "2026-03-31T00:00:00+00:00", "2026-04-30T00:00:00+00:00"]),
        Case(expr: "0 0 L 2 *", after: "2027-03-01T00:00:00Z", expected: ["2028-02-29T00:00:00+00:00", "2029-02-28T00:00:00+00:00"]),
        Case(expr: "0 0 1,15,L * *", after: "2026-02-01T00:00:00Z", expected: ["2026-02-15T00:00:00+00:00", "2026-02-28T00:00:00+00:00", "2026-03-01T00:00:00+00:00"]),
        Case(expr: "0 0 * * 5L", after: "2026-01-01T00:00:00Z", expected: ["2026-01-30T00:00:00+00:00", "2026-02-27T00:00:00+00:00", "2026-03-27T00:00:00+00:00"]),
        Case(expr: "0 0 * * friL", after: "2026-01-01T00:00:00Z", expected: ["2026-01-30T00:00:00+00:00"]),
        Case(expr: "0 0 * * 7L", after: "2026-01-01T00:00:00Z", expected: ["2026-01-25T00:00:00+00:00", "2026-02-22T00:00:00+00:00"]),
        Case(expr: "0 0 * * 1#1", after: "2026-01-01T00:00:00Z", expected: ["2026-01-05T00:00:00+00:00", "2026-02-02T00:00:00+00:00", "2026-03-02T00:00:00+00:00"]),
        Case(expr: "0 0 * * MON#5", after: "2026-01-01T00:00:00Z", expected: ["2026-03-30T00:00:00+00:00", "2026-06-29T00:00:00+00:00"]),
        Case(expr: "0 0 13 * 5#2", after: "2026-01-01T00:00:00Z", expected: ["2026-01-09T00:00:00+00:00", "2026-01-13T00:00:00+00:00", "2026-02-13T00:00:00+00:00", "2026-03-13T00:00:00+00:00"]),
        Case(expr: "0 0 * * 1#1,5L", after: "2026-01-01T00:00:00Z", expected: ["2026-01-05T00:00:00+00:00", "2026-01-30T00:00:00+00:00", "2026-02-02T00:00:00+00:00"]),
        // Leap day
        Case(expr: "0 12 29 2 *", after: "2026-01-01T00:00:00Z", expected: ["2028-02-29T12:00:00+00:00", "2032-02-29T12:00:00+00:00"]),
        // Whitespace: tabs and repeated spaces between fields
        Case(expr: "  0\t8  * * 1 ", after: "2026-01-01T00:00:00Z", expected: ["2026-01-05T08:00:00+00:00"]),
    ]

    @Test(arguments: cases)
    func fireTimes(_ c: Case) throws {
        #expect(try nextRuns(c.expr, zone: "UTC", after: c.after, count: c.expected.count) == c.expected)
    }

    @Test(arguments: cases)
    func previousIsTheMirrorOfNext(_ c: Case) throws {
        let e = try CronExpression(c.expr)
        let times = c.expected.map(instant)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(e.previous(before: later, in: .utc) == earlier)
        }
    }

    @Test func nextIsStrictlyAfterAndPreviousStrictlyBefore() async throws {
        let e = try CronExpression("0 8 * * *")
        let eight = instant("2026-01-01T08:00:00Z")
        #expect(e.next(after: eight, in: .utc) == instant("2026-01-02T08:00:00Z"))
        #expect(e.next(after: eight.addingTimeInterval(-0.5), in: .utc) == eight)
        #expect(e.previous(before: eight, in: .utc) == instant("2025-12-31T08:00:00Z"))
        #expect(e.previous(before: eight.addingTimeInterval(0.5), in: .utc) == eight)
    }

    @Test func fixedTimeFlagFollowsCronie() async throws {
        #expect(try CronExpression("0 8 * * *").isFixedTime)
        #expect(try CronExpression("0-59 0-23 * * *").isFixedTime)
        #expect(try CronExpression("@daily").isFixedTime)
        #expect(try !CronExpression("@hourly").isFixedTime)
        #expect(try !CronExpression("*/30 2 * * *").isFixedTime)
        #expect(try !CronExpression("0 */2 * * *").isFixedTime)
        #expect(try CronExpression("@weekly").fields == ["0", "0", "*", "*", "0"])
    }
}

@Suite("Cron errors")
struct CronErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var expr: String
        var code: CronError.Code
        var message: String
        var field: Int?
        var column: Int?
        var testDescription: String { expr }
    }

    static let cases: [Case] = [
        Case(expr: "0 24 * * *", code: .outOfRange, message: "field 2 (hour): 24 is outside 0-23 (column 3)", field: 2, column: 3),
        Case(expr: "60 * * * *", code: .outOfRange, message: "field 1 (minute): 60 is outside 0-59 (column 1)", field: 1, column: 1),
        Case(expr: "* * 0 * *", code: .outOfRange, message: "field 3 (day of month): 0 is outside 1-31 (column 5)", field: 3, column: 5),
        Case(expr: "* * * 13 *", code: .outOfRange, message: "field 4 (month): 13 is outside 1-12 (column 7)", field: 4, column: 7),
        Case(expr: "* * * * 8", code: .outOfRange, message: "field 5 (day of week): 8 is outside 0-7 (column 9)", field: 5, column: 9),
        Case(expr: "0  24 * * *", code: .outOfRange, message: "field 2 (hour): 24 is outside 0-23 (column 4)", field: 2, column: 4),
        Case(expr: "0 1,2,99 * * *", code: .outOfRange, message: "field 2 (hour): 99 is outside 0-23 (column 7)", field: 2, column: 7),
        Case(expr: "0 1-25 * * *", code: .outOfRange, message: "field 2 (hour): 25 is outside 0-23 (column 5)", field: 2, column: 5),
        Case(expr: "*/0 * * * *", code: .invalidStep, message: "field 1 (minute): step 0 must be at least 1 (column 3)", field: 1, column: 3),
        Case(expr: "*/x * * * *", code: .invalidStep, message: "field 1 (minute): step 'x' is not a number (column 3); write */n or a-b/n", field: 1, column: 3),
        Case(expr: "5-3 * * * *", code: .reversedRange, message: "field 1 (minute): range 5-3 runs backwards (column 1); write the smaller value first, or a list such as 5-59,0-3 to wrap around", field: 1, column: 1),
        Case(expr: "* * * * sat-sun", code: .reversedRange, message: "field 5 (day of week): range sat-sun runs backwards (column 9); write the smaller value first, or a list such as sat-7,0-sun to wrap around", field: 5, column: 9),
        Case(expr: "* * * * MOM", code: .unknownName, message: "field 5 (day of week): unknown weekday name 'MOM' (column 9); use SUN-SAT or 0-7", field: 5, column: 9),
        Case(expr: "* * * January *", code: .unknownName, message: "field 4 (month): unknown month name 'January' (column 7); use JAN-DEC or 1-12", field: 4, column: 7),
        Case(expr: "* mon * * *", code: .syntax, message: "field 2 (hour): 'mon' is not a number (column 3); hour takes 0-23", field: 2, column: 3),
        Case(expr: "1,,2 * * * *", code: .syntax, message: "field 1 (minute): empty list element (column 3); remove the extra comma", field: 1, column: 3),
        Case(expr: "0 8 * * Mön", code: .syntax, message: "field 5 (day of week): unexpected 'ö' in 'Mön' (column 9)", field: 5, column: 9),
        Case(expr: "0 8 * * Mo 24", code: .fieldCount, message: "expected 5 fields (minute hour day-of-month month day-of-week), found 6; seconds and year fields are not supported", field: nil, column: nil),
        Case(expr: "ä 24 * * *", code: .syntax, message: "field 1 (minute): unexpected 'ä' in 'ä' (column 1)", field: 1, column: 1),
        Case(expr: "0 99999999999999999999 * * *", code: .outOfRange, message: "field 2 (hour): 99999999999999999999 is outside 0-23 (column 3)", field: 2, column: 3),
        Case(expr: "0 -5 * * *", code: .syntax, message: "field 2 (hour): missing number (column 3)", field: 2, column: 3),
        Case(expr: "1.5 * * * *", code: .syntax, message: "field 1 (minute): unexpected '.' in '1.5' (column 1)", field: 1, column: 1),
        Case(expr: "* * * * 1#6", code: .outOfRange, message: "field 5 (day of week): #6 is outside 1-5 (column 11)", field: 5, column: 11),
        Case(expr: "* * 1#1 * *", code: .syntax, message: "field 3 (day of month): # is only allowed in day of week (n#k, e.g. 1#1 for the first Monday) (column 5)", field: 3, column: 5),
        Case(expr: "L * * * *", code: .syntax, message: "field 1 (minute): L is only allowed in day of month (L) and day of week (nL) (column 1)", field: 1, column: 1),
        Case(expr: "* * * * L", code: .syntax, message: "field 5 (day of week): write nL for the last weekday n of the month, e.g. 5L for the last Friday (column 9)", field: 5, column: 9),
        Case(expr: "* * 5L * *", code: .syntax, message: "field 3 (day of month): L stands alone in day of month (the last day) (column 5); write it as its own list element, e.g. 1,15,L", field: 3, column: 5),
        Case(expr: "* * LW * *", code: .unsupported, message: "field 3 (day of month): W (nearest weekday) is not supported (column 5); use L for the last day of the month or list the days", field: 3, column: 5),
        Case(expr: "* * ? * *", code: .unsupported, message: "field 3 (day of month): ? is Quartz syntax (column 5); use *", field: 3, column: 5),
        Case(expr: "* * * *", code: .fieldCount, message: "expected 5 fields (minute hour day-of-month month day-of-week), found 4; seconds and year fields are not supported", field: nil, column: nil),
        Case(expr: "0 * * * * *", code: .fieldCount, message: "expected 5 fields (minute hour day-of-month month day-of-week), found 6; seconds and year fields are not supported", field: nil, column: nil),
        Case(expr: "", code: .fieldCount, message: "expected 5 fields (minute hour day-of-month month day-of-week), found 0; seconds and year fields are not supported", field: nil, column: nil),
        Case(expr: "@reboot", code: .unsupported, message: "@reboot runs once at startup and has no fire times; use a schedule such as @daily", field: nil, column: nil),
        Case(expr: "@often", code: .unknownNickname, message: "unknown nickname @often; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly", field: nil, column: nil),
        Case(expr: "0 0 30 2 *", code: .neverMatches, message: "field 3 (day of month): 30 never occurs in month 2, so the expression never fires; choose days that exist, or L for the last day of the month", field: 3, column: nil),
        Case(expr: "0 0 31 4,6,9,11 *", code: .neverMatches, message: "field 3 (day of month): 31 never occurs in month 4,6,9,11, so the expression never fires; choose days that exist, or L for the last day of the month", field: 3, column: nil),
        Case(expr: "0 0 */11 * 3#5", code: .neverMatches, message: "field 5 (day of week): 3#5 never falls on day of month */11 in month *, and both must match because one of the two fields starts with *, so the expression never fires; change one of the fields", field: 5, column: nil),
    ]

    @Test(arguments: cases)
    func rejected(_ c: Case) {
        #expect {
            _ = try CronExpression(c.expr)
        } throws: { error in
            guard let e = error as? CronError else { return false }
            #expect(e.code == c.code)
            #expect(e.message == c.message)
            #expect(e.description == c.message)
            #expect(e.field == c.field)
            #expect(e.column == c.column)
            return true
        }
    }

    @Test(arguments: ["0 0 31 * *", "0 0 30 2 1", "0 0 29 2 *", "0 0 * JUL *", "0 0 * * 5#5", "0 0 */31 2 *"])
    func acceptedBoundaryCases(_ expr: String) throws {
        _ = try CronExpression(expr)
    }

    @Test(arguments: ["Mars/Olympus", "", "europe/berlin", "Berlin", "PST", "GMT+5", "../etc/passwd", "Europe"])
    func unknownZone(_ name: String) {
        #expect(throws: CronError(code: .unknownTimeZone, message: "unknown time zone '\(name)'; use an IANA name such as Europe/Berlin or America/New_York (names are case-sensitive)")) {
            _ = try CronZone(identifier: name)
        }
    }

    @Test(arguments: ["UTC", "Europe/Berlin", "Asia/Calcutta", "Etc/GMT-14", "America/Argentina/Buenos_Aires"])
    func knownZonesAreAccepted(_ name: String) throws {
        #expect(try CronZone(identifier: name).identifier == name)
    }

    @Test(arguments: [
        ("2026-03-29T01:30:00+01:00", "2026-03-29T00:30:00Z"),
        ("2026-03-29T00:30:00Z", "2026-03-29T00:30:00Z"),
        ("2026-03-29t00:30:00z", "2026-03-29T00:30:00Z"),
        ("2026-03-29T06:15+05:45", "2026-03-29T00:30:00Z"),
        ("2026-03-28T22:30:00-0200", "2026-03-29T00:30:00Z"),
        ("2026-03-29T00:30:00.000Z", "2026-03-29T00:30:00Z"),
    ])
    func instantsParse(_ text: String, _ expected: String) throws {
        #expect(try CronInstant.parse(text) == instant(expected))
    }

    @Test(arguments: ["2026-03-29T01:30:00", "2026-03-29", "2026-02-30T00:00:00Z", "tomorrow", "2026-03-29T01:30:00+01:00 extra"])
    func badInstantsAreRejected(_ text: String) {
        #expect { _ = try CronInstant.parse(text) } throws: { ($0 as? CronError)?.code == .invalidInstant }
    }
}
