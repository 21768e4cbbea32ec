import Foundation
import HeraldTestSupport
import Testing
@testable import Cron

/// Differential test against Python's cronsim (Tests/Peers/cron_oracle.py), which reproduces Debian
/// cron including its DST behaviour: 3,000 random expressions (fixed seed) across 12 zones, start
/// instants clustered around DST transitions (mostly 2020-2035, a third reaching back to 1980),
/// comparing the next 12 fire times; and 1,500 more comparing the previous 12 (cronsim's reverse mode).
/// The oracle runs once per batch as a subprocess.
///
/// cronsim supports the same extensions in the forms generated here: `L` in day of month, `nL` with a
/// digit, `n#k` (k 1-5). It also has `LW`, which Herald rejects, and does not accept `FRIL`, which
/// Herald accepts; neither is generated.
///
/// Documented differences (the issue's policy decides; each is counted, and checked where possible):
/// 1. cronsim runs a fixed-time schedule whose wall-clock time lies in the *second* copy of a
///    fall-back fold, when the start instant is itself in that second copy, at the first copy — an
///    instant before the start. Herald's fire times are strictly after the start (that slot has
///    already run at its first occurrence), so cronsim's times on the wrong side are dropped. In
///    reverse, Herald accordingly reports that first copy; cronsim skips it (checked: it must be the
///    first copy of a repeated wall-clock time).
/// 2. For wildcard schedules (minute or hour starting with `*`), cronsim can return a wall-clock time
///    that does not exist (midnight in a spring-forward gap, e.g. America/Havana, America/Santiago),
///    printed with the pre-gap offset. The issue's policy runs such schedules only at real instants,
///    so these are dropped.
/// 3. cronsim's hour-stepping misses real matches after transitions that are not on a whole hour
///    (Australia/Lord_Howe's 30-minute shift, Pacific/Chatham at 02:45). Times only Herald reports are
///    checked to be instants whose wall-clock time cronsim itself accepts as a match.
/// 4. cronsim reads `5-5/2` as `5/2` (5 to the maximum); cronie reads it as `5`. Not generated.
/// 5. cronsim rejects nicknames; the oracle expands them as Debian cron does.
/// 6. Herald rejects expressions that can never fire (`neverMatches`); cronsim yields no times.
@Suite("Differential against cronsim")
struct CronsimDifferentialTests {
    static let zones = [
        "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham",
        "America/Santiago", "Australia/Sydney", "Europe/London", "UTC", "America/Havana",
        "America/Los_Angeles", "Asia/Tokyo",
    ]

    struct Case: Codable {
        var expr: String
        var zone: String
        var start: Int64
        var count: Int
        var reverse: Bool?
    }

    struct Answer: Decodable {
        var times: [[StringOrInt]]?
        var error: String?
    }

    enum StringOrInt: Decodable {
        case int(Int64), string(String)
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int64.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
        }
        var int: Int64? { if case .int(let i) = self { return i } else { return nil } }
        var string: String? { if case .string(let s) = self { return s } else { return nil } }
    }

    static let oracleAvailable: Bool = {
        (try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import cronsim"]).status) == 0
    }()

    static func runOracle(_ cases: [Case]) throws -> [Answer] {
        let encoder = JSONEncoder()
        var input = Data()
        for c in cases { input.append(try encoder.encode(c)); input.append(0x0A) }
        let data = try Python.run("cron_oracle.py", [], stdin: input)
        let decoder = JSONDecoder()
        return try data.split(separator: 0x0A).map { try decoder.decode(Answer.self, from: Data($0)) }
    }

    @Test(.enabled(if: oracleAvailable || ProcessInfo.processInfo.environment["CI"] != nil, "python3 with cronsim is needed (pip install cronsim)"))
    func nextFireTimesAroundDSTTransitions() throws {
        try Self.differential(reverse: false, seed: 0x4845_5241_4C44)   // "HERALD"
    }

    @Test(.enabled(if: oracleAvailable || ProcessInfo.processInfo.environment["CI"] != nil, "python3 with cronsim is needed (pip install cronsim)"))
    func previousFireTimesAroundDSTTransitions() throws {
        try Self.differential(reverse: true, seed: 0x5245_5645_5253)    // "REVERS"
    }

    static func differential(reverse: Bool, seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var cases: [Case] = []
        var zones: [String: CronZone] = [:]
        for name in Self.zones { zones[name] = try CronZone(identifier: name) }
        for i in 0..<(reverse ? 1500 : 3000) {
            let zoneName = Self.zones[i % Self.zones.count]
            let start = RandomCron.startInstant(near: zones[zoneName]!, rng: &rng)
            cases.append(Case(expr: RandomCron.expression(rng: &rng), zone: zoneName, start: start, count: 13, reverse: reverse ? true : nil))
        }
        let answers = try Self.runOracle(cases)
        try #require(answers.count == cases.count)
        // Forward: times after the start, ascending. Reverse: before the start, descending.
        func inOrder(_ a: Int64, _ b: Int64) -> Bool { reverse ? a > b : a < b }

        var compared = 0, mismatches: [String] = [], bothRejected = 0
        var wrongSide = 0, imaginary = 0, uncomparable = 0
        var pending: [(index: Int, instant: Int64)] = []   // Herald-only fire times, checked below
        for (index, (c, answer)) in zip(cases, answers).enumerated() {
            let zone = zones[c.zone]!
            let mine: CronExpression
            do {
                mine = try CronExpression(c.expr)
            } catch let error as CronError {
                // Herald rejects expressions that never fire; cronsim accepts them and yields nothing.
                if answer.error != nil || (error.code == .neverMatches && answer.times?.isEmpty == true) { bothRejected += 1 } else {
                    mismatches.append("\(c.expr) rejected by Herald (\(error)) but accepted by cronsim")
                }
                continue
            }
            guard let times = answer.times, !times.isEmpty else {
                mismatches.append(answer.times != nil ? "\(c.expr) fires for Herald but never for cronsim"
                                                      : "\(c.expr) accepted by Herald but cronsim says \(answer.error ?? "?")")
                continue
            }
            var theirs: [(Int64, String)] = []
            for pair in times {
                guard let t = pair.first?.int, let iso = pair.last?.string else { continue }
                if !inOrder(c.start, t) { wrongSide += 1; continue }   // documented difference 1
                let date = Date(timeIntervalSince1970: TimeInterval(t))
                if !mine.isFixedTime && !RandomCron.isRealSpelling(iso, zone: zone, instant: date) {
                    imaginary += 1; continue                           // documented difference 2
                }
                theirs.append((t, iso))
            }
            guard !theirs.isEmpty else { uncomparable += 1; continue }
            var got: [Date] = []
            var cursor = Date(timeIntervalSince1970: TimeInterval(c.start))
            while got.count < 12, let t = reverse ? mine.previous(before: cursor, in: zone) : mine.next(after: cursor, in: zone) {
                got.append(t)
                cursor = t
            }
            let gotSeconds = got.map { Int64($0.timeIntervalSince1970) }
            // Compare both lists up to the last instant both cover.
            let horizon = [gotSeconds.last, theirs.last?.0].compactMap { $0 }.min(by: inOrder)!
            let ours = Set(gotSeconds.filter { !inOrder(horizon, $0) })
            let expected = Set(theirs.map(\.0).filter { !inOrder(horizon, $0) })
            let missing = expected.subtracting(ours).sorted()
            let extra = ours.subtracting(expected).sorted()
            if !missing.isEmpty || (!extra.isEmpty && mine.isFixedTime && !reverse) {
                let what = missing.first.map { "cronsim fires at \(zone.iso8601(Date(timeIntervalSince1970: TimeInterval($0)))), Herald does not" }
                    ?? "Herald fires at \(zone.iso8601(Date(timeIntervalSince1970: TimeInterval(extra[0])))), cronsim does not"
                mismatches.append("\(c.expr) in \(c.zone) \(reverse ? "before" : "after") \(zone.iso8601(Date(timeIntervalSince1970: TimeInterval(c.start)))): \(what)")
                continue
            }
            pending += extra.map { (index, $0) }
            for (t, iso) in theirs where ours.contains(t) {
                let mineISO = zone.iso8601(Date(timeIntervalSince1970: TimeInterval(t)))
                if mineISO != iso { mismatches.append("\(c.expr): formatted \(mineISO) but cronsim printed \(iso)") }
            }
            compared += 1
        }

        // Documented differences 3 and 4: times only Herald reports. Each must be an instant whose
        // wall-clock time (from Foundation's offset, not Herald's tables) cronsim itself accepts as a
        // match: ask cronsim in UTC for the next match after that wall-clock time minus one second.
        // For fixed-time schedules (reverse only) it must moreover be the first copy of a repeated
        // wall-clock time: the start lay in the second copy, after this run had already happened.
        var confirmed = 0, foldFirstCopies = 0
        if !pending.isEmpty {
            var queries: [Case] = []
            for (index, instant) in pending {
                let offset = zones[cases[index].zone]!.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
                queries.append(Case(expr: cases[index].expr, zone: "UTC", start: instant + Int64(offset) - 1, count: 1, reverse: nil))
            }
            let checks = try Self.runOracle(queries)
            for ((index, instant), (query, check)) in zip(pending, zip(queries, checks)) {
                let zone = zones[cases[index].zone]!
                let isFixed = (try? CronExpression(cases[index].expr))?.isFixedTime ?? false
                if check.times?.first?.first?.int != query.start + 1 {
                    mismatches.append("\(cases[index].expr) in \(zone): Herald fires at \(zone.iso8601(Date(timeIntervalSince1970: TimeInterval(instant)))), which cronsim does not accept as a match")
                } else if isFixed {
                    if RandomCron.isFirstCopyOfRepeatedWallClock(instant, zone: zone.timeZone) {
                        foldFirstCopies += 1
                    } else {
                        mismatches.append("\(cases[index].expr) in \(zone): Herald fires at \(zone.iso8601(Date(timeIntervalSince1970: TimeInterval(instant)))), cronsim does not, and it is not in a fold")
                    }
                } else {
                    confirmed += 1
                }
            }
        }
        let divergences = wrongSide + imaginary + confirmed + foldFirstCopies
        print("cronsim differential (\(reverse ? "previous" : "next")): \(cases.count) cases, \(compared) agreed, \(bothRejected) rejected by both, \(mismatches.count) mismatches, \(uncomparable) without comparable cronsim times; documented divergences: \(divergences) (\(wrongSide) cronsim times on the wrong side of the start, \(imaginary) nonexistent wall-clock times, \(confirmed) real matches cronsim misses, \(foldFirstCopies) fold first copies cronsim skips)")
        for m in mismatches.prefix(40) { print("  MISMATCH", m) }
        #expect(mismatches.isEmpty)
        #expect(compared > cases.count * 9 / 10)
    }
}

enum RandomCron {
    static func field(_ low: Int, _ high: Int, hot: [Int], names: [String] = [], nameBase: Int = 0, rng: inout SplitMix64) -> String {
        func value() -> Int {
            Int.random(in: 0..<3, using: &rng) == 0 ? Int.random(in: low...high, using: &rng) : hot.randomElement(using: &rng)!
        }
        func token(_ v: Int) -> String {
            if !names.isEmpty, v - nameBase >= 0, v - nameBase < names.count, Int.random(in: 0..<3, using: &rng) == 0 {
                let n = names[v - nameBase]
                switch Int.random(in: 0..<3, using: &rng) { case 0: return n.lowercased(); case 1: return n.capitalized; default: return n }
            }
            return String(v)
        }
        func item() -> String {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...4: return token(value())
            case 5, 6:
                let a = value(), b = value()
                return "\(token(min(a, b)))-\(token(max(a, b)))"
            case 7:
                // cronsim reads a one-value range with a step (`5-5/2`) as `5/2`; cronie as `5`.
                let a = value(), b = value()
                guard a != b else { return token(a) }
                return "\(token(min(a, b)))-\(token(max(a, b)))/\(Int.random(in: 1...7, using: &rng))"
            case 8: return "\(value())/\(Int.random(in: 1...20, using: &rng))"
            default: return "*/\(Int.random(in: 1...(high - low + 1), using: &rng))"
            }
        }
        switch Int.random(in: 0..<10, using: &rng) {
        case 0...2: return "*"
        case 3: return "*/\(Int.random(in: 2...max(2, (high - low) / 2), using: &rng))"
        case 4...7: return item()
        default: return (0..<Int.random(in: 2...3, using: &rng)).map { _ in item() }.joined(separator: ",")
        }
    }

    static func expression(rng: inout SplitMix64) -> String {
        if Int.random(in: 0..<40, using: &rng) == 0 {
            return ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"].randomElement(using: &rng)!
        }
        let minute = field(0, 59, hot: [0, 15, 30, 45, 59, 5], rng: &rng)
        let hour = field(0, 23, hot: [0, 1, 2, 3, 23, 22, 8], rng: &rng)
        var dom = field(1, 31, hot: [1, 15, 28, 29, 30, 31], rng: &rng)
        var month = field(1, 12, hot: [3, 4, 10, 11, 9, 2], names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], nameBase: 1, rng: &rng)
        var dow = field(0, 7, hot: [0, 1, 5, 6, 7], names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], rng: &rng)
        switch Int.random(in: 0..<12, using: &rng) {
        case 0: dom = "L"
        case 1: dom = Bool.random(using: &rng) ? "1,15,L" : "L"; dow = "*"
        case 2: dow = "\(Int.random(in: 0...7, using: &rng))L"
        case 3: dow = "\(Int.random(in: 0...7, using: &rng))#\(Int.random(in: 1...5, using: &rng))"
        case 4: dow = "\(Int.random(in: 1...5, using: &rng))#\(Int.random(in: 1...2, using: &rng)),\(Int.random(in: 0...6, using: &rng))L"; dom = "*"
        case 5: month = "*"; dom = "*"
        default: break
        }
        return [minute, hour, dom, month, dow].joined(separator: " ")
    }

    static func startInstant(near zone: CronZone, rng: inout SplitMix64) -> Int64 {
        // Mostly recent years; a third of the cases also reach back to historical rules since 1980.
        let from: Int64 = Int.random(in: 0..<3, using: &rng) == 0 ? 315_532_800 : 1_577_836_800   // 1980 / 2020
        let to: Int64 = 2_082_758_400     // 2036-01-01
        let transitions = zone.rules.transitions.filter { $0 >= from && $0 < to }
        if transitions.isEmpty || Int.random(in: 0..<10, using: &rng) == 0 {
            return Int64.random(in: from..<to, using: &rng)
        }
        let t = transitions.randomElement(using: &rng)!
        switch Int.random(in: 0..<10, using: &rng) {
        case 0...5: return t + Int64.random(in: -3 * 3600...3 * 3600, using: &rng)
        case 6...7: return t + Int64.random(in: -3 * 86_400...3 * 86_400, using: &rng)
        default: return t + Int64.random(in: -40 * 86_400...40 * 86_400, using: &rng)
        }
    }

    /// True if the wall-clock time at `instant` is shown again by a later instant (a fall-back fold),
    /// computed with Foundation's offsets only.
    static func isFirstCopyOfRepeatedWallClock(_ instant: Int64, zone: TimeZone) -> Bool {
        func offset(_ t: Int64) -> Int64 { Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))) }
        let wall = instant + offset(instant)
        for later in stride(from: instant + 60, through: instant + 3 * 3600, by: 60) where later + offset(later) == wall {
            return true
        }
        return false
    }

    /// True if `iso`'s offset is the zone's offset at `instant` (i.e. the spelling names a real local time).
    static func isRealSpelling(_ iso: String, zone: CronZone, instant: Date) -> Bool {
        let sign: Int = iso.dropLast(5).last == "-" ? -1 : 1
        let tail = iso.suffix(5)   // "HH:MM"
        let hours = Int(tail.prefix(2)) ?? 0, minutes = Int(tail.suffix(2)) ?? 0
        return sign * (hours * 3600 + minutes * 60) == zone.secondsFromGMT(for: instant)
    }

}
