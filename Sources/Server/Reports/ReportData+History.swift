import Foundation
import Reports
import Store

/// Report data computed from the state changes Herald has received.
enum HistoryData {
    /// A stretch of time a service spent in one state.
    struct Interval {
        var from: Date
        var to: Date
        var status: String
    }

    /// Per host and service, the states over `[start, end)`. Time before a service's first known
    /// state is NO_DATA.
    static func intervals(_ events: [AlertEvent], start: Date, end: Date) -> [String: [String: [Interval]]] {
        var byService: [String: [String: [AlertEvent]]] = [:]
        for event in events { byService[event.host, default: [:]][event.service, default: []].append(event) }
        return byService.mapValues { services in
            services.mapValues { changes in
                var result: [Interval] = []
                var cursor = start
                var status = "NO_DATA"
                for change in changes.sorted(by: { $0.at < $1.at }) {
                    let at = max(change.at, start)
                    if at > cursor { result.append(Interval(from: cursor, to: at, status: status)) }
                    cursor = max(cursor, at)
                    status = change.status.rawValue
                }
                if end > cursor { result.append(Interval(from: cursor, to: end, status: status)) }
                // Neighbours in the same state become one stretch.
                return result.reduce(into: [Interval]()) { merged, next in
                    if let last = merged.last, last.status == next.status, last.to == next.from {
                        merged[merged.count - 1].to = next.to
                    } else {
                        merged.append(next)
                    }
                }
            }
        }
    }

    /// The availability report's data: per service the share of known time not CRIT (null when
    /// no state of the service is known in the period), outages (stretches in CRIT) and their
    /// mean duration (null without outages). ``AvailabilityFigures`` derives what is shown.
    static func availability(_ events: [AlertEvent], period: ReportPeriod, group: String?, slaTarget: Double) -> [String: Any] {
        let all = intervals(events, start: period.start, end: period.end)
        let hosts: [[String: Any]] = all.keys.sorted().map { host in
            let services: [[String: Any]] = all[host]!.keys.sorted().map { service in
                let spans = all[host]![service]!
                let known = spans.filter { $0.status != "NO_DATA" }.reduce(0) { $0 + $1.to.timeIntervalSince($1.from) }
                let outages = spans.filter { $0.status == "CRIT" }
                let down = outages.reduce(0) { $0 + $1.to.timeIntervalSince($1.from) }
                return [
                    "name": service, "availability": known > 0 ? 100 * (known - down) / known : NSNull(), "outages": outages.count,
                    "mttr_minutes": outages.isEmpty ? NSNull() : down / Double(outages.count) / 60,
                    "status": spans.last?.status ?? "NO_DATA",
                    "timeline": spans.map { ["from": Formats.iso($0.from), "to": Formats.iso($0.to), "status": $0.status] },
                ]
            }
            return ["name": host, "services": services]
        }
        return ["group": group.map { $0 as Any } ?? NSNull(), "sla_target": slaTarget, "hosts": hosts]
    }

    /// The alert summary's data: each problem that began in the period, with how long it took to recover.
    static func alertSummary(_ events: [AlertEvent], period: ReportPeriod) -> [String: Any] {
        var open: [String: AlertEvent] = [:]
        var rows: [[String: Any]] = []
        var recovery: [Int: Double] = [:]
        for event in events.sorted(by: { ($0.at, $0.id ?? 0) < ($1.at, $1.id ?? 0) }) {
            let key = "\(event.host)/\(event.service)"
            if event.status == .ok {
                if let problem = open.removeValue(forKey: key), problem.at >= period.start, let index = rows.firstIndex(where: { ($0["id"] as? Int64) == problem.id }) {
                    recovery[index] = (event.at.timeIntervalSince(problem.at) / 60 * 10).rounded() / 10
                }
                continue
            }
            let isNew = open[key] == nil
            if isNew { open[key] = event }
            guard event.at >= period.start, event.at < period.end else { continue }
            rows.append([
                "id": event.id ?? 0, "at": Formats.iso(event.at),
                "host": event.host, "service": event.service, "service_key": key, "status": event.status.rawValue,
            ])
        }
        let list: [[String: Any]] = rows.enumerated().map { index, row in
            var row = row
            row.removeValue(forKey: "id")
            row["recovery_minutes"] = recovery[index] ?? NSNull()
            return row
        }
        return ["events": list]
    }

    /// The metrics report's data from the state history, for tenants without an HTTP data source:
    /// per hour (per day for periods over two weeks) the mean availability of the services with
    /// a known state (a gap where none is known), the mean number of services in CRIT and in
    /// WARN, and the state changes by state. `slaTarget`, when given, is the first chart's
    /// threshold.
    static func metrics(_ events: [AlertEvent], period: ReportPeriod, slaTarget: Double?, locale: String) -> [String: Any] {
        let de = locale == "de"
        let length = period.end.timeIntervalSince(period.start)
        let step: TimeInterval = length > 14 * 86_400 ? 86_400 : 3_600
        let buckets = max(1, Int((length / step).rounded(.up)))
        func bucket(_ i: Int) -> (Date, Date) {
            (period.start.addingTimeInterval(Double(i) * step), min(period.end, period.start.addingTimeInterval(Double(i + 1) * step)))
        }
        // Time-weighted per bucket: known seconds, up seconds (known and not CRIT), seconds in CRIT and WARN.
        var known = [Double](repeating: 0, count: buckets), up = known, crit = known, warn = known
        for spans in intervals(events, start: period.start, end: period.end).values.flatMap(\.values) {
            for span in spans where span.status != "NO_DATA" {
                let first = max(0, Int(span.from.timeIntervalSince(period.start) / step))
                let last = min(buckets - 1, Int((span.to.timeIntervalSince(period.start) - 0.001) / step))
                guard first <= last else { continue }
                for i in first...last {
                    let (from, to) = bucket(i)
                    let overlap = min(to, span.to).timeIntervalSince(max(from, span.from))
                    guard overlap > 0 else { continue }
                    known[i] += overlap
                    switch span.status {
                    case "CRIT": crit[i] += overlap
                    case "WARN": warn[i] += overlap; up[i] += overlap
                    default: up[i] += overlap
                    }
                }
            }
        }
        var changes: [String: [Int]] = [:]
        for event in events where event.at >= period.start && event.at < period.end {
            changes[event.status.rawValue, default: [Int](repeating: 0, count: buckets)][Int(event.at.timeIntervalSince(period.start) / step)] += 1
        }
        func points(_ value: (Int) -> Double?) -> [[Any]] {
            (0..<buckets).map { i in [Int(bucket(i).0.timeIntervalSince1970), value(i).map { $0 as Any } ?? NSNull()] }
        }
        let seconds = (0..<buckets).map { bucket($0).1.timeIntervalSince(bucket($0).0) }
        let per = step == 3_600 ? (de ? "je Stunde" : "per hour") : (de ? "je Tag" : "per day")
        let charts: [[String: Any]] = [
            ["title": de ? "Verfügbarkeit aller Dienste (Mittel \(per))" : "Availability of all services (mean \(per))", "unit": "%",
             "threshold": slaTarget.map { $0 as Any } ?? NSNull(), "style": "line",
             "series": [["name": de ? "Verfügbarkeit" : "Availability", "points": points { known[$0] > 0 ? 100 * up[$0] / known[$0] : nil }]]],
            ["title": de ? "Dienste in CRIT und WARN (Mittel \(per))" : "Services in CRIT and WARN (mean \(per))", "unit": "",
             "threshold": NSNull(), "style": "area",
             "series": [["name": "CRIT", "points": points { crit[$0] / seconds[$0] }], ["name": "WARN", "points": points { warn[$0] / seconds[$0] }]]],
            ["title": de ? "Zustandswechsel \(per)" : "State changes \(per)", "unit": "", "threshold": NSNull(), "style": "line",
             "series": ["CRIT", "WARN", "NO_DATA", "OK"].filter { changes[$0] != nil }.map { status in
                 ["name": status, "points": points { Double(changes[status]![$0]) }] as [String: Any]
             }],
        ]
        return ["charts": charts]
    }
}
