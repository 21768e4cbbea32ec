import Foundation
import Clocks
import Testing
@testable import Cron

@Suite("Scheduler logic")
struct SchedulerTests {
    func schedule(_ id: String, tenant: String = "t1", _ expr: String, zone: String = "UTC", since: String = "2026-01-01T00:00:00Z") throws -> CronSchedule {
        CronSchedule(id: id, tenantID: tenant, expression: try CronExpression(expr), zone: try CronZone(identifier: zone), activeSince: instant(since))
    }

    @Test func dueSlotRunsOnceAndNeverAgain() async throws {
        let planner = SchedulePlanner()
        let s = try schedule("daily", "0 8 * * *")
        let before = planner.plan(schedules: [s], lastHandled: [:], now: instant("2026-01-01T07:59:59Z"))
        #expect(before.due.isEmpty)
        #expect(before.missed.isEmpty)
        #expect(before.nextWakeUp == instant("2026-01-01T08:00:00Z"))

        let plan = planner.plan(schedules: [s], lastHandled: [:], now: instant("2026-01-01T08:00:30Z"))
        #expect(plan.due.map(\.slot) == [CronSlot(scheduleID: "daily", instant: instant("2026-01-01T08:00:00Z"))])
        #expect(plan.due.first?.isCatchUp == false)
        #expect(plan.missed.isEmpty)
        #expect(plan.handledThrough == ["daily": instant("2026-01-01T08:00:00Z")])
        #expect(plan.nextWakeUp == instant("2026-01-02T08:00:00Z"))

        let again = planner.plan(schedules: [s], lastHandled: plan.handledThrough, now: instant("2026-01-01T08:05:00Z"))
        #expect(again.due.isEmpty)
        #expect(again.missed.isEmpty)
        #expect(again.handledThrough.isEmpty)
    }

    @Test func slotsBeforeActiveSinceAreIgnored() async throws {
        let s = try schedule("new", "0 * * * *", since: "2026-01-01T10:30:00Z")
        let plan = SchedulePlanner().plan(schedules: [s], lastHandled: [:], now: instant("2026-01-01T10:45:00Z"))
        #expect(plan.due.isEmpty)
        #expect(plan.missed.isEmpty)
        #expect(plan.nextWakeUp == instant("2026-01-01T11:00:00Z"))
    }

    @Test func catchUpRunsTheLatestSlotOnceAndRecordsTheOthers() async throws {
        let planner = SchedulePlanner(configuration: .init(gracePeriod: 3600))
        let s = try schedule("hourly", "0 * * * *")
        let plan = planner.plan(schedules: [s], lastHandled: ["hourly": instant("2026-01-01T00:00:00Z")], now: instant("2026-01-01T05:10:00Z"))
        #expect(plan.due.map(\.slot.instant) == [instant("2026-01-01T05:00:00Z")])
        #expect(plan.due.first?.isCatchUp == true)
        #expect(plan.missed.map(\.slot.instant) == ["01", "02", "03", "04"].map { instant("2026-01-01T\($0):00:00Z") })
        #expect(plan.missed.allSatisfy { $0.reason == .superseded && $0.tenantID == "t1" })
        #expect(plan.handledThrough["hourly"] == instant("2026-01-01T05:00:00Z"))
    }

    @Test func slotsOlderThanTheGracePeriodAreMissedNotRun() async throws {
        let planner = SchedulePlanner(configuration: .init(gracePeriod: 3600))
        let s = try schedule("daily", "0 8 * * *")
        let plan = planner.plan(schedules: [s], lastHandled: ["daily": instant("2026-01-01T08:00:00Z")], now: instant("2026-01-03T10:00:01Z"))
        #expect(plan.due.isEmpty)
        #expect(plan.missed.map(\.slot.instant) == [instant("2026-01-02T08:00:00Z"), instant("2026-01-03T08:00:00Z")])
        #expect(plan.missed.allSatisfy { $0.reason == .beyondGracePeriod })
        #expect(plan.handledThrough["daily"] == instant("2026-01-03T08:00:00Z"))

        // Exactly at the edge of the grace period it still runs.
        let edge = planner.plan(schedules: [s], lastHandled: ["daily": instant("2026-01-01T08:00:00Z")], now: instant("2026-01-03T09:00:00Z"))
        #expect(edge.due.map(\.slot.instant) == [instant("2026-01-03T08:00:00Z")])
        #expect(edge.missed.map(\.reason) == [.superseded])
    }

    @Test func longDowntimeListsSomeMissedSlotsAndSummarizesTheRest() async throws {
        let planner = SchedulePlanner(configuration: .init(gracePeriod: 300, maxMissedListedPerSchedule: 100))
        let s = try schedule("minutely", "* * * * *")
        let plan = planner.plan(schedules: [s], lastHandled: ["minutely": instant("2026-01-01T00:00:00Z")], now: instant("2026-01-02T00:00:10Z"))
        #expect(plan.due.map(\.slot.instant) == [instant("2026-01-02T00:00:00Z")])
        #expect(plan.missed.count == 100)
        #expect(plan.missed.first?.slot.instant == instant("2026-01-01T00:01:00Z"))
        #expect(plan.missed.last?.slot.instant == instant("2026-01-01T01:40:00Z"))
        #expect(plan.missedRanges == [MissedRange(scheduleID: "minutely", tenantID: "t1", first: instant("2026-01-01T01:41:00Z"), last: instant("2026-01-01T23:59:00Z"), reason: .superseded)])
    }

    @Test func dstGapSlotIsIdentifiedByItsRealInstant() async throws {
        let s = try schedule("berlin", "30 2 * * *", zone: "Europe/Berlin")
        let plan = SchedulePlanner().plan(schedules: [s], lastHandled: ["berlin": instant("2026-03-28T02:30:00+01:00")], now: instant("2026-03-29T03:00:30+02:00"))
        #expect(plan.due.map(\.slot.instant) == [instant("2026-03-29T01:00:00Z")])
        #expect(plan.missed.isEmpty)
    }

    @Test func foldRunsBothCopiesForIntervalSchedulesAsDistinctSlots() async throws {
        let planner = SchedulePlanner()
        let s = try schedule("ny", "15 * * * *", zone: "America/New_York")
        var handled: [String: Date] = ["ny": instant("2026-11-01T00:15:00-04:00")]
        var ran: [Date] = []
        for now in ["2026-11-01T01:15:05-04:00", "2026-11-01T01:15:05-05:00", "2026-11-01T02:15:05-05:00"] {
            let plan = planner.plan(schedules: [s], lastHandled: handled, now: instant(now))
            ran += plan.due.map(\.slot.instant)
            handled.merge(plan.handledThrough) { $1 }
        }
        #expect(ran == [instant("2026-11-01T05:15:00Z"), instant("2026-11-01T06:15:00Z"), instant("2026-11-01T07:15:00Z")])
    }

    @Test func sameInstantIsDealtRoundRobinAcrossTenants() async throws {
        let schedules = try [
            schedule("a1", tenant: "A", "0 0 * * *"), schedule("a2", tenant: "A", "0 0 * * *"), schedule("a3", tenant: "A", "0 0 * * *"),
            schedule("b1", tenant: "B", "0 0 * * *"),
            schedule("c1", tenant: "C", "0 0 * * *"), schedule("c2", tenant: "C", "0 0 * * *"),
        ]
        let planner = SchedulePlanner()
        let plan = planner.plan(schedules: schedules, lastHandled: [:], now: instant("2026-01-02T00:00:01Z"))
        let tenants = plan.due.map(\.tenantID)
        #expect(tenants.count == 6)
        #expect(Set(tenants.prefix(3)) == ["A", "B", "C"])
        #expect(Set(tenants[3...4]) == ["A", "C"])
        #expect(tenants.last == "A")
        #expect(plan.due.filter { $0.tenantID == "A" }.map(\.slot.scheduleID) == ["a1", "a2", "a3"])
        // Deterministic for the same input, whatever the order of the schedules.
        let shuffled = planner.plan(schedules: schedules.reversed(), lastHandled: [:], now: instant("2026-01-02T00:00:01Z"))
        #expect(shuffled.due == plan.due)
        // The tenant dealt first rotates from one instant to the next.
        var firsts: Set<String> = []
        for day in 2...15 {
            let p = planner.plan(schedules: schedules, lastHandled: [:], now: instant(String(format: "2026-01-%02dT00:00:01Z", day)))
            firsts.insert(p.due[0].tenantID)
        }
        #expect(firsts.count > 1)
    }

    @Test func spreadIsDeterministicBoundedAndDelaysButDoesNotRenameTheSlot() async throws {
        let planner = SchedulePlanner(configuration: .init(maxSpread: 300))
        let ids = (0..<200).map { "schedule-\($0)" }
        let spreads = ids.map(planner.spread(for:))
        #expect(spreads.allSatisfy { $0 >= 0 && $0 <= 300 && $0 == $0.rounded() })
        #expect(Set(spreads).count > 100)
        #expect(spreads == ids.map(SchedulePlanner(configuration: .init(maxSpread: 300)).spread(for:)))
        #expect(SchedulePlanner().spread(for: "x") == 0)

        let id = try #require(ids.first { planner.spread(for: $0) >= 2 })
        let delay = planner.spread(for: id)
        let s = try schedule(id, "0 0 * * *")
        let midnight = instant("2026-01-02T00:00:00Z")
        let early = planner.plan(schedules: [s], lastHandled: [:], now: midnight.addingTimeInterval(delay - 1))
        #expect(early.due.isEmpty)
        #expect(early.nextWakeUp == midnight.addingTimeInterval(delay))
        let onTime = planner.plan(schedules: [s], lastHandled: [:], now: midnight.addingTimeInterval(delay))
        #expect(onTime.due.map(\.slot) == [CronSlot(scheduleID: id, instant: midnight)])
        #expect(onTime.due.first?.runAt == midnight.addingTimeInterval(delay))
    }

    @Test func spreadMatchesAnIndependentFNV1a() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (published test vector).
        #expect(fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(fnv1a("") == 0xcbf2_9ce4_8422_2325)
    }
}

@Suite("Clock")
struct ClockTests {
    @Test func manualClockWakesSleepersWhenAdvanced() async throws {
        let clock = ManualWallClock(now: instant("2026-01-01T00:00:00Z"))
        let woke = ManualFlag()
        let task = Task {
            try await clock.sleep(until: instant("2026-01-01T00:05:00Z"))
            await woke.set()
        }
        await clock.waitForSleepers(1)
        clock.advance(by: 299)
        #expect(await woke.value == false)
        clock.advance(by: 1)
        try await task.value
        #expect(await woke.value)
        #expect(clock.sleeperCount == 0)
    }

    @Test func sleepingPastDeadlineReturnsAtOnceAndCancellationThrows() async throws {
        let clock = ManualWallClock(now: instant("2026-01-01T00:00:00Z"))
        try await clock.sleep(until: instant("2025-12-31T00:00:00Z"))
        let task = Task { try await clock.sleep(until: instant("2027-01-01T00:00:00Z")) }
        await clock.waitForSleepers(1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeperCount == 0)
    }

    /// The service's loop: plan at the clock's now, commit, sleep until the plan's wake-up.
    @Test func schedulingLoopRunsEachSlotOnceAsTimeMoves() async throws {
        let clock = ManualWallClock(now: instant("2026-01-01T00:00:30Z"))
        let store = SlotStore()
        let s = CronSchedule(id: "five", tenantID: "t", expression: try CronExpression("*/5 * * * *"), zone: .utc, activeSince: instant("2026-01-01T00:00:00Z"))
        let planner = SchedulePlanner()
        let loop = Task {
            while true {
                let plan = planner.plan(schedules: [s], lastHandled: await store.handled, now: clock.now)
                await store.commit(plan)
                let limit = clock.now.addingTimeInterval(3600)
                try await clock.sleep(until: min(plan.nextWakeUp ?? limit, limit))
            }
        }
        for _ in 0..<3 {
            await clock.waitForSleepers(1)
            #expect(clock.nextDeadline == clock.now.addingTimeInterval(300 - clock.now.timeIntervalSince1970.truncatingRemainder(dividingBy: 300)))
            clock.advance(to: clock.nextDeadline!)
        }
        await clock.waitForSleepers(1)
        loop.cancel()
        _ = try? await loop.value
        #expect(await store.ran == ["00:05", "00:10", "00:15"].map { instant("2026-01-01T\($0):00Z") })
    }
}

actor ManualFlag {
    var value = false
    func set() { value = true }
}

actor SlotStore {
    var handled: [String: Date] = [:]
    var ran: [Date] = []
    func commit(_ plan: SchedulePlan) {
        ran += plan.due.map(\.slot.instant)
        handled.merge(plan.handledThrough) { $1 }
    }
}
