import Foundation

/// A cron schedule as the scheduler sees it: who owns it, when it fires, in which zone.
public struct CronSchedule: Sendable, Hashable, Identifiable {
    /// Stable identifier, unique across all schedules; part of every slot's identity.
    public var id: String
    /// The owning tenant, for fair ordering.
    public var tenantID: String
    /// When it fires.
    public var expression: CronExpression
    /// The zone the expression is evaluated in.
    public var zone: CronZone
    /// Slots at or before this instant are never considered (the schedule did not exist yet).
    public var activeSince: Date

    /// Creates a schedule.
    public init(id: String, tenantID: String, expression: CronExpression, zone: CronZone, activeSince: Date) {
        self.id = id
        self.tenantID = tenantID
        self.expression = expression
        self.zone = zone
        self.activeSince = activeSince
    }
}

/// The identity of one run: a schedule and the instant (UTC) it was scheduled for. The spread delay is
/// not part of the identity, so changing the spread never makes a slot run twice.
public struct CronSlot: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The schedule's id.
    public var scheduleID: String
    /// The scheduled fire time, whole seconds.
    public var instant: Date

    /// Creates a slot identity.
    public init(scheduleID: String, instant: Date) {
        self.scheduleID = scheduleID
        self.instant = instant
    }

    /// Orders by instant, then schedule id.
    public static func < (a: CronSlot, b: CronSlot) -> Bool {
        (a.instant, a.scheduleID) < (b.instant, b.scheduleID)
    }

    /// `id@epochSeconds`, for logs.
    public var description: String { "\(scheduleID)@\(Int64(instant.timeIntervalSince1970))" }
}

/// A slot to run now.
public struct DueSlot: Sendable, Hashable {
    /// Which run.
    public var slot: CronSlot
    /// The schedule's tenant.
    public var tenantID: String
    /// When the slot became due: its instant plus the schedule's spread.
    public var runAt: Date
    /// True when older slots of the same schedule were missed and this run stands in for them
    /// (they are in the plan's `missed` / `missedRanges` with reason `superseded`).
    public var isCatchUp: Bool
}

/// A slot that will not run, recorded so that nothing is dropped silently.
public struct MissedSlot: Sendable, Hashable {
    /// Why a slot did not run.
    public enum Reason: String, Sendable, Hashable {
        /// A later slot of the same schedule ran instead (catch-up runs the latest slot once).
        case superseded
        /// Even the latest missed slot was older than the grace period, so nothing ran.
        case beyondGracePeriod
    }
    /// Which run.
    public var slot: CronSlot
    /// The schedule's tenant.
    public var tenantID: String
    /// Why it did not run.
    public var reason: Reason
}

/// Missed slots too many to list one by one (a per-minute schedule after a week of downtime):
/// the range is recorded instead.
public struct MissedRange: Sendable, Hashable {
    /// The schedule's id.
    public var scheduleID: String
    /// The schedule's tenant.
    public var tenantID: String
    /// The first slot not listed individually.
    public var first: Date
    /// The last slot not listed individually.
    public var last: Date
    /// Why these slots did not run.
    public var reason: MissedSlot.Reason
}

/// What to do now: the outcome of ``SchedulePlanner/plan(schedules:lastHandled:now:)``.
///
/// Persist `due`, `missed`, `missedRanges` and `handledThrough` in one transaction; the next plan,
/// given the new `handledThrough`, never returns those slots again.
public struct SchedulePlan: Sendable {
    /// Slots to run, in fair order: by due time, then round-robin across tenants.
    public var due: [DueSlot]
    /// Slots that will not run, each listed.
    public var missed: [MissedSlot]
    /// Further missed slots, summarized per schedule when there are more than the configured limit.
    public var missedRanges: [MissedRange]
    /// The new "last handled slot" per schedule id, for schedules that advanced.
    public var handledThrough: [String: Date]
    /// The earliest moment a further slot becomes due, or nil if none will.
    public var nextWakeUp: Date?
}

/// Configuration of ``SchedulePlanner``.
public struct SchedulerConfiguration: Sendable, Hashable {
    /// A slot whose due time passed longer ago than this is not run but recorded as missed.
    /// Default: one hour.
    public var gracePeriod: TimeInterval
    /// The largest delay added to a schedule's slots to avoid a thundering herd (each schedule gets a
    /// fixed delay in 0...maxSpread seconds, derived from its id). Default: 0 (off).
    public var maxSpread: TimeInterval
    /// At most this many missed slots per schedule are listed individually; the rest become a
    /// ``MissedRange``. Default: 100.
    public var maxMissedListedPerSchedule: Int

    /// Creates a configuration; see the properties for the defaults.
    public init(gracePeriod: TimeInterval = 3600, maxSpread: TimeInterval = 0, maxMissedListedPerSchedule: Int = 100) {
        self.gracePeriod = gracePeriod
        self.maxSpread = maxSpread
        self.maxMissedListedPerSchedule = maxMissedListedPerSchedule
    }
}

/// Pure scheduling logic: given schedules, the last handled slot of each, and the time, says which
/// slots run now and which are recorded as missed. Holds no state and never waits.
public struct SchedulePlanner: Sendable {
    /// The configuration.
    public var configuration: SchedulerConfiguration

    /// Creates a planner.
    public init(configuration: SchedulerConfiguration = SchedulerConfiguration()) {
        self.configuration = configuration
    }

    /// The fixed delay of a schedule's slots, in whole seconds within 0...maxSpread. Derived from the
    /// id with FNV-1a, so it is the same in every process and on every node.
    public func spread(for scheduleID: String) -> TimeInterval {
        let maxSpread = Int64(configuration.maxSpread.rounded(.down))
        guard maxSpread > 0 else { return 0 }
        return TimeInterval(Int64(fnv1a(scheduleID) % UInt64(maxSpread + 1)))
    }

    /// Computes what is due at `now`.
    ///
    /// For each schedule, only slots after its last handled slot (or after `activeSince`) are
    /// considered. The latest slot whose due time has passed runs once if it is within the grace
    /// period; every older unhandled slot is recorded as missed. A slot is never returned twice as
    /// long as the caller stores `handledThrough`.
    public func plan(schedules: [CronSchedule], lastHandled: [String: Date], now: Date) -> SchedulePlan {
        let nowSeconds = Int64(floor(now.timeIntervalSince1970))
        let grace = Int64(configuration.gracePeriod.rounded(.down))
        var due: [DueSlot] = []
        var missed: [MissedSlot] = []
        var ranges: [MissedRange] = []
        var handled: [String: Date] = [:]
        var wake: Int64?

        for schedule in schedules {
            let spread = Int64(spread(for: schedule.id))
            let rules = schedule.zone.rules
            let baseline = Int64(floor((lastHandled[schedule.id] ?? schedule.activeSince).timeIntervalSince1970))
            defer {
                let after = max(nowSeconds - spread, baseline)
                if let next = schedule.expression.nextInstant(after: after, rules: rules) {
                    wake = min(wake ?? .max, next + spread)
                }
            }
            guard let latest = schedule.expression.previousInstant(before: nowSeconds - spread + 1, rules: rules),
                  latest > baseline else { continue }
            let runs = nowSeconds - (latest + spread) <= grace
            let olderReason: MissedSlot.Reason = runs ? .superseded : .beyondGracePeriod
            var older = 0
            var cursor = baseline
            while let slot = schedule.expression.nextInstant(after: cursor, rules: rules), slot < latest {
                if older < configuration.maxMissedListedPerSchedule {
                    missed.append(MissedSlot(slot: CronSlot(scheduleID: schedule.id, instant: date(slot)), tenantID: schedule.tenantID, reason: olderReason))
                } else {
                    // Too many to list: one range from here to the slot before `latest`.
                    let last = schedule.expression.previousInstant(before: latest, rules: rules) ?? slot
                    ranges.append(MissedRange(scheduleID: schedule.id, tenantID: schedule.tenantID, first: date(slot), last: date(last), reason: olderReason))
                    break
                }
                older += 1
                cursor = slot
            }
            let latestSlot = CronSlot(scheduleID: schedule.id, instant: date(latest))
            if runs {
                due.append(DueSlot(slot: latestSlot, tenantID: schedule.tenantID, runAt: date(latest + spread), isCatchUp: older > 0 || ranges.last?.scheduleID == schedule.id))
            } else {
                missed.append(MissedSlot(slot: latestSlot, tenantID: schedule.tenantID, reason: .beyondGracePeriod))
            }
            handled[schedule.id] = date(latest)
        }
        return SchedulePlan(due: Self.fairOrder(due), missed: missed.sorted { $0.slot < $1.slot }, missedRanges: ranges,
                            handledThrough: handled, nextWakeUp: wake.map(date))
    }

    /// Orders due slots by due time; slots due at the same moment are dealt round-robin across
    /// tenants (one per tenant per round), starting from a tenant order that rotates with the instant
    /// so no tenant is always first.
    static func fairOrder(_ slots: [DueSlot]) -> [DueSlot] {
        let groups = Dictionary(grouping: slots, by: \.runAt)
        var result: [DueSlot] = []
        result.reserveCapacity(slots.count)
        for runAt in groups.keys.sorted() {
            let byTenant = Dictionary(grouping: groups[runAt]!, by: \.tenantID)
            let salt = "|\(Int64(runAt.timeIntervalSince1970))"
            let rank = Dictionary(uniqueKeysWithValues: byTenant.keys.map { ($0, fnv1a($0 + salt)) })
            let tenants = byTenant.keys.sorted { (rank[$0]!, $0) < (rank[$1]!, $1) }
            let queues = tenants.map { byTenant[$0]!.sorted { $0.slot.scheduleID < $1.slot.scheduleID } }
            var round = 0
            var added = true
            while added {
                added = false
                for queue in queues where round < queue.count {
                    result.append(queue[round])
                    added = true
                }
                round += 1
            }
        }
        return result
    }
}

@inline(__always)
private func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

/// FNV-1a, 64 bit: a stable hash (Swift's `Hasher` is seeded per process).
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}
