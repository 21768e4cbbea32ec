import Cron
import Foundation

// Benchmarks for the Cron module. Modes:
//   CronBench next EXPRESSIONS_FILE      per-next-fire cost for each expression x zone, JSON lines
//   CronBench scale                      100,000 schedules, 1,000 tenants, 50 zones
// Run through run.sh, which builds in release mode and runs the Python peers on the same inputs.

let benchZones = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
let benchStart: Int64 = 1_767_225_600      // 2026-01-01T00:00:00Z
let chain = 1000                           // consecutive next() calls per measurement
let repeats = 7

func nanoseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func runNext(file: String) throws {
    let expressions = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    for zoneName in benchZones {
        let zone = try CronZone(identifier: zoneName)
        for text in expressions {
            let expression = try CronExpression(text)
            var last = Date()
            var samples: [Double] = []
            for _ in 0..<repeats {
                samples.append(nanoseconds {
                    var t = Date(timeIntervalSince1970: TimeInterval(benchStart))
                    for _ in 0..<chain { t = expression.next(after: t, in: zone) ?? Date(timeIntervalSince1970: TimeInterval(benchStart)) }
                    last = t
                } / Double(chain))
            }
            // Parse + first next, like constructing a peer's iterator and asking once.
            var parseSamples: [Double] = []
            for _ in 0..<repeats {
                parseSamples.append(nanoseconds {
                    for _ in 0..<100 {
                        _ = try! CronExpression(text).next(after: Date(timeIntervalSince1970: TimeInterval(benchStart)), in: zone)
                    }
                } / 100)
            }
            let first = expression.nextTimes(after: Date(timeIntervalSince1970: TimeInterval(benchStart)), count: 12, in: zone).map(zone.iso8601)
            let line: [String: Any] = ["expr": text, "zone": zoneName, "ns_per_next": median(samples), "first12": first, "chain": chain, "start": benchStart,
                                       "ns_parse_and_first": median(parseSamples), "last": zone.iso8601(last)]
            print(String(data: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), encoding: .utf8)!)
        }
    }
}

func runScale() throws {
    // 50 real zones across all offsets and DST rules.
    let zoneNames = [
        "UTC", "Europe/Berlin", "Europe/London", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw",
        "Europe/Athens", "Europe/Helsinki", "Europe/Istanbul", "Europe/Moscow", "Europe/Dublin", "Europe/Lisbon",
        "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix",
        "America/Anchorage", "America/Halifax", "America/St_Johns", "America/Sao_Paulo", "America/Santiago",
        "America/Havana", "America/Bogota", "America/Toronto", "America/Vancouver", "Pacific/Honolulu",
        "Pacific/Auckland", "Pacific/Chatham", "Pacific/Apia", "Australia/Sydney", "Australia/Adelaide",
        "Australia/Brisbane", "Australia/Perth", "Australia/Lord_Howe", "Asia/Tokyo", "Asia/Seoul",
        "Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dubai", "Asia/Tehran", "Asia/Jerusalem",
        "Asia/Singapore", "Asia/Jakarta", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Casablanca",
    ]
    precondition(zoneNames.count == 50)
    var rng = UInt64(42)
    func random(_ n: Int) -> Int {
        rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((rng >> 33) % UInt64(n))
    }
    func expression() -> String {
        let m = random(60), h = random(24)
        switch random(10) {
        case 0, 1, 2: return "\(m) \(h) * * *"
        case 3: return "\(m) \(h) * * 1-5"
        case 4: return "0 \(h) * * \(random(7))"
        case 5: return "*/\([5, 10, 15, 30][random(4)]) * * * *"
        case 6: return "\(m) \(h) 1 * *"
        case 7: return "0 \(h) L * *"
        case 8: return "0 \(h) * * \(1 + random(5))#\(1 + random(4))"
        default: return "@daily"
        }
    }
    let now = Date(timeIntervalSince1970: TimeInterval(benchStart) + 86_400 * 87 + 3_600 * 1.5)   // late March
    let clock0 = DispatchTime.now().uptimeNanoseconds
    var schedules: [CronSchedule] = []
    schedules.reserveCapacity(100_000)
    let zones = try zoneNames.map { try CronZone(identifier: $0) }
    for tenant in 0..<1000 {
        for k in 0..<100 {
            schedules.append(CronSchedule(id: "t\(tenant)-s\(k)", tenantID: "t\(tenant)", expression: try CronExpression(expression()),
                                          zone: zones[(tenant * 7 + k) % 50], activeSince: now.addingTimeInterval(-86_400)))
        }
    }
    let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock0) / 1e9

    var nextSamples: [Double] = []
    var checksum = 0.0
    for _ in 0..<5 {
        nextSamples.append(nanoseconds {
            for s in schedules { checksum += s.expression.next(after: now, in: s.zone)!.timeIntervalSince1970 }
        } / 1e9)
    }
    let planner = SchedulePlanner(configuration: .init(gracePeriod: 3600, maxSpread: 60))
    var handled: [String: Date] = [:]
    for s in schedules { handled[s.id] = now.addingTimeInterval(-7200) }
    var planSamples: [Double] = []
    var dueCount = 0, missedCount = 0
    for _ in 0..<5 {
        planSamples.append(nanoseconds {
            let plan = planner.plan(schedules: schedules, lastHandled: handled, now: now)
            dueCount = plan.due.count
            missedCount = plan.missed.count
        } / 1e9)
    }
    let result: [String: Any] = [
        "schedules": schedules.count, "tenants": 1000, "zones": zones.count,
        "build_parse_seconds": buildSeconds,
        "all_next_slots_seconds_median": median(nextSamples), "all_next_slots_seconds_min": nextSamples.min()!,
        "plan_seconds_median": median(planSamples), "plan_due": dueCount, "plan_missed": missedCount,
        "checksum": checksum,
    ]
    print(String(data: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), encoding: .utf8)!)
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "next" where arguments.count > 2: try runNext(file: arguments[2])
case "scale": try runScale()
default:
    FileHandle.standardError.write("usage: CronBench next EXPRESSIONS_FILE | CronBench scale\n".data(using: .utf8)!)
    exit(64)
}
