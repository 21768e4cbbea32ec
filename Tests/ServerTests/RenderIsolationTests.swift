import Foundation
@testable import Server
@testable import Store
import Testing

/// One tenant's renders never take the threads or the turn another tenant needs.
@Suite struct RenderIsolationTests {
    /// A latch a test opens when it wants blocked renders to finish.
    final class Latch: @unchecked Sendable {
        // @unchecked: the semaphore is thread-safe.
        let semaphore = DispatchSemaphore(value: 0)
        func wait() { semaphore.wait() }
        func open(_ count: Int) { for _ in 0..<count { semaphore.signal() } }
    }

    @Test func aTenantsBurstWaitsForItsOwnSlotAndIsRefusedPastItsQueue() async throws {
        let pool = Workers(name: "test.render", threads: 2, reportLimit: 1)
        let gate = TenantGate(limit: 1, queueLimit: 2)
        let latch = Latch()
        let started = ManagedAtomicCounter()
        // Tenant a: one render running (held by the latch) and two waiting.
        let burst = (0..<3).map { _ in
            Task {
                try await gate.run(tenant: "a") {
                    try await pool.run(.normal) {
                        started.increment()
                        latch.wait()
                        return 1
                    }
                }
            }
        }
        for _ in 0..<200 where started.value == 0 || gate.waiting(for: "a") < 2 { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(200))
        #expect(started.value == 1, "only one of a's renders runs at once")
        // A fourth of a's is refused at once, naming the reason.
        let refused = await #expect(throws: ServiceError.self) { try await gate.run(tenant: "a") { 0 } }
        #expect(refused?.code == .rateLimited)
        // Tenant b is not held up by a's burst: it finishes while a's render is still held.
        let b = try await gate.run(tenant: "b") { try await pool.run(.normal) { 2 } }
        #expect(b == 2)
        #expect(started.value == 1)
        latch.open(3)
        var total = 0
        for task in burst { total += try await task.value }
        #expect(total == 3)
        #expect(started.value == 3)
        // With its renders done, a may render again.
        #expect(try await gate.run(tenant: "a") { 5 } == 5)
    }

    @Test func reportWorkersTakeTheOldestRunOfEachTenantFirst() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-fair-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(path: dir.appendingPathComponent("herald.sqlite").path)
        let t0 = Date(timeIntervalSince1970: 1_795_410_000)
        func run(_ tenant: String, _ minutes: Double) -> ReportRun {
            ReportRun(scheduleID: "\(tenant)-\(Int(minutes))", slot: t0.addingTimeInterval(minutes * 60), tenantID: tenant, status: .pending,
                      createdAt: t0, updatedAt: t0)
        }
        // Tenant big has a pile of runs due before small's only one.
        for m in 0..<20 { try await store.addRun(run("big", Double(m)), actor: "test", now: t0) }
        try await store.addRun(run("small", 30), actor: "test", now: t0)
        let now = t0.addingTimeInterval(3600)
        let fair = try await store.pendingRunsPerTenant(limit: 2, now: now, excluding: [])
        #expect(fair.map(\.scheduleID) == ["big-0", "small-30"])
        let others = try await store.pendingRunsPerTenant(limit: 2, now: now, excluding: ["big"])
        #expect(others.map(\.scheduleID) == ["small-30"])
        // In plain due order small's run would come 21st.
        #expect(try await store.pendingRuns(limit: 2, now: now).map(\.scheduleID) == ["big-0", "big-1"])
    }
}

/// A counter several threads bump.
final class ManagedAtomicCounter: @unchecked Sendable {
    // @unchecked: `count` is only touched with `lock` held.
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
