import Foundation

/// At most `limit` renders per tenant at once, and at most `queueLimit` more waiting: one tenant's
/// burst takes at most `limit` of the render threads, so the others' renders start within one
/// render's time, and a tenant that floods gets a clear refusal instead of an ever longer wait.
///
/// `@unchecked Sendable`: `slots` is only touched with `lock` held.
public final class TenantGate: @unchecked Sendable {
    /// Renders per tenant at once.
    public let limit: Int
    /// Renders per tenant waiting for a slot before more are refused.
    public let queueLimit: Int
    private let lock = NSLock()
    private var slots: [String: (running: Int, waiters: [CheckedContinuation<Void, Never>])] = [:]

    public init(limit: Int, queueLimit: Int) {
        self.limit = max(1, limit)
        self.queueLimit = max(0, queueLimit)
    }

    /// How many of `tenant`'s renders wait for a slot.
    func waiting(for tenant: String) -> Int {
        lock.withLock { slots[tenant]?.waiters.count ?? 0 }
    }

    /// Runs `body` once one of `tenant`'s slots is free.
    /// - Throws: ``ServiceError`` `.rateLimited` (429) when `queueLimit` renders of the tenant wait already.
    public func run<T: Sendable>(tenant: String, _ body: () async throws -> T) async throws -> T {
        try await acquire(tenant)
        defer { release(tenant) }
        return try await body()
    }

    private func acquire(_ tenant: String) async throws {
        enum Admission { case now, wait, refuse }
        let admission: Admission = lock.withLock {
            var entry = slots[tenant] ?? (0, [])
            if entry.running < limit {
                entry.running += 1
                slots[tenant] = entry
                return .now
            }
            return entry.waiters.count < queueLimit ? .wait : .refuse
        }
        switch admission {
        case .now: return
        case .refuse:
            throw ServiceError(.rateLimited, field: "tenant",
                               "\(limit + queueLimit) renders of this tenant are running or waiting; wait for them before sending more")
        case .wait:
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = lock.withLock {
                    var entry = slots[tenant] ?? (0, [])
                    // A slot may have come free between the check above and now.
                    if entry.running < limit {
                        entry.running += 1
                        slots[tenant] = entry
                        return true
                    }
                    entry.waiters.append(continuation)
                    slots[tenant] = entry
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    private func release(_ tenant: String) {
        let next: CheckedContinuation<Void, Never>? = lock.withLock {
            guard var entry = slots[tenant] else { return nil }
            if !entry.waiters.isEmpty {
                // The slot passes to the next waiter: `running` stays as it is.
                let waiter = entry.waiters.removeFirst()
                slots[tenant] = entry
                return waiter
            }
            entry.running -= 1
            slots[tenant] = entry.running == 0 ? nil : entry
            return nil
        }
        next?.resume()
    }
}

/// Where the templates a tenant controls render: a request that renders them is admitted once
/// one of the tenant's slots at the ``TenantGate`` is free (429 past its queue, before anything
/// else of the request is done), and renders on the worker threads, so one tenant's renders never
/// hold up the others or the rest of the service.
struct RenderGate: Sendable {
    let gate: TenantGate
    let workers: Workers
    let metrics: ServiceMetrics

    /// Runs `body`, the whole handling of one of `tenant`'s requests that render, in one of the
    /// tenant's slots.
    /// - Throws: ``ServiceError`` `.rateLimited` when too many of the tenant's renders wait already.
    func admit<T: Sendable>(_ tenant: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await gate.run(tenant: tenant, body)
        } catch let error as ServiceError where error.code == .rateLimited && error.field == "tenant" {
            metrics.recordRefusal(tenant: tenant, limit: "renders")
            throw error
        }
    }

    /// Renders on `lane` of the worker threads (within a request admitted by ``admit(_:_:)``).
    func render<T: Sendable>(_ lane: Workers.Lane, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await workers.run(lane, body)
    }
}
