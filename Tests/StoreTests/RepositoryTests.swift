import Foundation
@testable import Store
import Testing

/// The store's repositories against a real SQLite file, through their protocols: what a second
/// backend has to do the same way.
@Suite struct RepositoryTests {
    /// Monday 2026-11-23 05:00 UTC.
    static let t0 = Date(timeIntervalSince1970: 1_795_410_000)

    /// A store in a fresh temporary directory; removed by `remove`.
    struct Fixture {
        let store: Store
        let dir: URL

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-\(UUID().uuidString)")
            store = try Store(path: dir.appendingPathComponent("herald.sqlite").path)
        }

        /// Adds tenant `acme`, which schedules belong to.
        func withAcme() async throws -> Fixture {
            try await store.createTenant(RepositoryTests.tenant("acme"), token: APIToken(hash: "acme", tenantID: "acme", name: "first",
                                                                                        createdAt: RepositoryTests.t0),
                                         actor: "admin", now: RepositoryTests.t0)
            return self
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    static func mail(_ tenant: String, key: String? = nil, kind: MailKind = .report) -> NewMail {
        NewMail(tenantID: tenant, kind: kind, message: Data("Subject: x\r\n\r\nx\r\n".utf8), messageID: "<\(UUID())@herald.test>",
                subject: "x", mailFrom: "reports@herald.test", recipients: ["ops@example.com"], idempotencyKey: key)
    }

    static func tenant(_ id: String, plan: Plan = .free) -> Tenant {
        Tenant(id: id, name: id.capitalized, locale: "de", timeZone: "Europe/Berlin", plan: plan, createdAt: t0)
    }

    @Test func aTakenTenantIdIsRefusedAndLeavesNothingBehind() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let tenants: any TenantRepository = f.store
        try await tenants.createTenant(Self.tenant("acme", plan: .pro), token: APIToken(hash: "h1", tenantID: "acme", name: "first", createdAt: Self.t0),
                                       actor: "admin", now: Self.t0)
        await #expect(throws: StoreError.self) {
            try await tenants.createTenant(Self.tenant("acme"), token: APIToken(hash: "h2", tenantID: "acme", name: "first", createdAt: Self.t0),
                                           actor: "admin", now: Self.t0)
        }
        #expect(try await tenants.tenant("acme")?.plan == .pro)
        #expect(try await tenants.token(hash: "h1")?.tenantID == "acme")
        #expect(try await tenants.token(hash: "h2") == nil)
        let audit: any AuditRepository = f.store
        #expect(try await audit.audit(limit: 10, before: nil, tenantID: "acme").map(\.action) == ["tenant.created"])
        #expect(try await tenants.setTenantQuotas("nobody", quotas: "{}", actor: "admin", now: Self.t0) == false)
    }

    @Test func aScheduleQuotaHoldsAndAChangeNeverBringsBackADeletedSchedule() async throws {
        let f = try await Fixture().withAcme()
        defer { f.remove() }
        let schedules: any ScheduleRepository = f.store
        func record(_ id: String) -> ScheduleRecord {
            ScheduleRecord(id: id, tenantID: "acme", definition: "{}", enabled: true, activeSince: Self.t0, createdAt: Self.t0, updatedAt: Self.t0)
        }
        #expect(try await schedules.saveSchedule(record("a"), actor: "t", now: Self.t0, created: true, maxCount: 2))
        #expect(try await schedules.saveSchedule(record("b"), actor: "t", now: Self.t0, created: true, maxCount: 2))
        #expect(try await schedules.saveSchedule(record("c"), actor: "t", now: Self.t0, created: true, maxCount: 2) == false)
        #expect(try await schedules.schedules(tenantID: "acme").map(\.id) == ["a", "b"])
        #expect(try await schedules.deleteSchedule("a", tenantID: "acme", actor: "t", now: Self.t0))
        #expect(try await schedules.deleteSchedule("b", tenantID: "other", actor: "t", now: Self.t0) == false)
        await #expect(throws: StoreError.self) {
            try await schedules.saveSchedule(record("a"), actor: "t", now: Self.t0, created: false, maxCount: nil)
        }
        #expect(try await schedules.schedule("a", tenantID: "acme") == nil)
    }

    @Test func aReplayedPlanAndARunCompletedTwiceChangeNothing() async throws {
        let f = try await Fixture().withAcme()
        defer { f.remove() }
        let schedules: any ScheduleRepository = f.store
        try await schedules.saveSchedule(ScheduleRecord(id: "s", tenantID: "acme", definition: "{}", enabled: true, activeSince: Self.t0,
                                                        createdAt: Self.t0, updatedAt: Self.t0),
                                         actor: "t", now: Self.t0, created: true, maxCount: nil)
        let slot = Self.t0.addingTimeInterval(3_600)
        let run = ReportRun(scheduleID: "s", slot: slot, tenantID: "acme", status: .pending, createdAt: Self.t0, updatedAt: Self.t0)
        for _ in 0..<2 {
            try await schedules.recordPlan(pending: [run], missed: [], handledThrough: ["s": slot], now: slot)
        }
        // handledThrough only moves forward.
        try await schedules.recordPlan(pending: [], missed: [], handledThrough: ["s": Self.t0], now: slot)
        #expect(try await schedules.schedule("s", tenantID: "acme")?.handledThrough == slot)
        #expect(try await schedules.pendingRuns(limit: 10, now: slot).count == 1)
        let first = try await schedules.completeRun(scheduleID: "s", slot: slot, mails: [Self.mail("acme", key: "report:s:1:de")], now: slot)
        let again = try await schedules.completeRun(scheduleID: "s", slot: slot, mails: [Self.mail("acme", key: "report:s:1:de")], now: slot)
        #expect(first.map(\.id) == again.map(\.id))
        #expect(try await schedules.runs(scheduleID: "s", limit: 5).map(\.status) == [.enqueued])
        #expect(try await schedules.pendingRuns(limit: 10, now: slot).isEmpty)
    }

    @Test func aProblemOpensChangesAndClosesAndHistoryKeepsItsStartingState() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let alerts: any AlertRepository = f.store
        func event(_ status: AlertStatus, _ minutes: Double) -> AlertEvent {
            AlertEvent(tenantID: "acme", host: "web-01", service: "HTTP", status: status, message: "", at: Self.t0.addingTimeInterval(minutes * 60))
        }
        _ = try await alerts.recordAlert(event(.ok, -120), change: .historyOnly, problemMessageID: "", now: Self.t0) { problem in
            #expect(problem == nil)
            return []
        }
        let opened = try await alerts.recordAlert(event(.warn, 10), change: .problem, problemMessageID: "<p@herald.test>", now: Self.t0) { _ in
            [Self.mail("acme", kind: .alert)]
        }
        #expect(opened.problem?.status == .warn)
        #expect(opened.entries.count == 1)
        let worse = try await alerts.recordAlert(event(.crit, 20), change: .problem, problemMessageID: "<q@herald.test>", now: Self.t0) { _ in [] }
        // The problem keeps its first Message-ID and start; its status follows.
        #expect(worse.problem?.messageID == "<p@herald.test>")
        #expect(worse.problem?.status == .crit)
        #expect(worse.problem?.since == Self.t0.addingTimeInterval(600))
        // An acknowledgement changes no state and adds nothing to the history.
        _ = try await alerts.recordAlert(event(.crit, 25), change: .acknowledgement, problemMessageID: "", now: Self.t0) { problem in
            #expect(problem?.messageID == "<p@herald.test>")
            return []
        }
        _ = try await alerts.recordAlert(event(.ok, 30), change: .recovery, problemMessageID: "", now: Self.t0) { _ in [] }
        let history = try await alerts.alertHistory(tenantID: "acme", start: Self.t0, end: Self.t0.addingTimeInterval(3_600))
        #expect(history.map(\.status) == [.ok, .warn, .crit, .ok])
        #expect(history.first?.at == Self.t0.addingTimeInterval(-7_200))
        // Closed: the next problem opens afresh under its own Message-ID.
        let next = try await alerts.recordAlert(event(.crit, 40), change: .problem, problemMessageID: "<r@herald.test>", now: Self.t0) { _ in [] }
        #expect(next.problem?.messageID == "<r@herald.test>")
    }

    @Test func twoFactorChallengesStopAtTheLimitAndCountWrongGuesses() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let codes: any TwoFactorRepository = f.store
        let since = Self.t0.addingTimeInterval(-600)
        for i in 0..<3 {
            let challenge = TwoFactorChallenge(id: "c\(i)", tenantID: "acme", address: "a@example.com", codeHash: Data([UInt8(i)]),
                                               createdAt: Self.t0, expiresAt: Self.t0.addingTimeInterval(600))
            let entry = try await codes.createTwoFactor(challenge, mail: Self.mail("acme", kind: .twoFactor), now: Self.t0, limit: 2, since: since)
            #expect((entry != nil) == (i < 2))
        }
        #expect(try await codes.twoFactorCount(tenantID: "acme", address: "a@example.com", since: since) == 2)
        for _ in 0..<2 {
            _ = try await codes.verifyTwoFactor(id: "c0", tenantID: "acme", now: Self.t0) { challenge in challenge.attempts += 1 }
        }
        let attempts = try await codes.verifyTwoFactor(id: "c0", tenantID: "acme", now: Self.t0) { $0.attempts }
        #expect(attempts == 2)
        // Another tenant's challenge is not there for this one.
        #expect(try await codes.verifyTwoFactor(id: "c0", tenantID: "other", now: Self.t0) { $0.attempts } == nil)
    }

    @Test func retentionKeepsEachSchedulesLatestRunAndDropsOldChallenges() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let schedules: any ScheduleRepository = f.store
        let old = Self.t0.addingTimeInterval(-40 * 86_400)
        let runs = (0..<3).map { i in
            ReportRun(scheduleID: "s", slot: old.addingTimeInterval(Double(i) * 86_400), tenantID: "acme", status: .missed,
                      createdAt: old, updatedAt: old)
        }
        try await schedules.recordPlan(pending: [], missed: runs, handledThrough: [:], now: old)
        let codes: any TwoFactorRepository = f.store
        _ = try await codes.createTwoFactor(TwoFactorChallenge(id: "c", tenantID: "acme", address: "a@example.com", codeHash: Data([1]),
                                                               createdAt: old, expiresAt: old.addingTimeInterval(600)),
                                            mail: Self.mail("acme", kind: .twoFactor), now: old, limit: 5, since: old)
        let retention: any RetentionRepository = f.store
        #expect(try await retention.pruneService(olderThanDays: 30, now: Self.t0) == 3)
        #expect(try await schedules.runs(scheduleID: "s", limit: 10).map(\.slot) == [runs[2].slot])
        #expect(try await codes.twoFactorCount(tenantID: "acme", address: "a@example.com", since: .distantPast) == 0)
    }

    @Test func auditPagesBackwardsAndFiltersByTenant() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let audit: any AuditRepository = f.store
        for i in 0..<5 {
            try await audit.appendAudit(AuditEntry(at: Self.t0, actor: "t", action: "a\(i)", tenantID: i % 2 == 0 ? "acme" : "other", detail: ""))
        }
        let page = try await audit.audit(limit: 2, before: nil, tenantID: nil)
        #expect(page.map(\.action) == ["a4", "a3"])
        let next = try await audit.audit(limit: 2, before: page.last?.id, tenantID: nil)
        #expect(next.map(\.action) == ["a2", "a1"])
        #expect(try await audit.audit(limit: 10, before: nil, tenantID: "acme").map(\.action) == ["a4", "a2", "a0"])
    }

    /// A store operation runs to its end even when the task that asked for it is cancelled: a
    /// delivery's outcome after its send is recorded during a shutdown.
    @Test func anOperationOfACancelledTaskStillCompletes() async throws {
        let f = try Fixture()
        defer { f.remove() }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await f.store.appendAudit(AuditEntry(at: Self.t0, actor: "t", action: "during.shutdown", detail: ""))
        }
        let entry = try await task.value
        #expect(entry.id != nil)
        #expect(try await f.store.audit(limit: 1, before: nil, tenantID: nil).first?.action == "during.shutdown")
    }
}
