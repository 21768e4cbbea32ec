import Foundation

/// A fixed number of threads of Herald's own for work that blocks or burns CPU (the database,
/// template renders, Cairo), so that none of it ever holds a thread of Swift's cooperative pool
/// and one kind of work cannot take the threads another kind needs.
///
/// Jobs run in the order they were submitted. The threads have a stack of `stackSize` bytes: the
/// template engine and the report layout recurse as deep as their bounds allow. When the pool is
/// released its threads finish the jobs already submitted and end.
public final class WorkerPool: Sendable {
    /// The pool's name, in thread names.
    public let name: String
    /// How many jobs run at once.
    public let threads: Int
    private let jobs = Jobs()

    /// Starts `threads` threads named `name.N`.
    public init(name: String, threads: Int, stackSize: Int = 8 << 20) {
        self.name = name
        self.threads = max(1, threads)
        for index in 0..<self.threads {
            // The thread holds the job list, not the pool: releasing the pool stops the threads.
            let thread = Thread { [jobs] in jobs.work() }
            thread.name = "\(name).\(index)"
            thread.stackSize = stackSize
            thread.start()
        }
    }

    deinit { jobs.stop() }

    /// Jobs submitted and not yet started.
    public var waiting: Int { jobs.waiting }

    /// Runs `body` on one of the pool's threads and returns its result to the waiting task.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            jobs.submit { continuation.resume(with: Result { try body() }) }
        }
    }

    /// The jobs waiting for a thread.
    ///
    /// `@unchecked Sendable`: `queue`, `head` and `stopped` are only touched with `condition` locked.
    private final class Jobs: @unchecked Sendable {
        private let condition = NSCondition()
        private var queue: [@Sendable () -> Void] = []
        private var head = 0
        private var stopped = false

        var waiting: Int {
            condition.lock()
            defer { condition.unlock() }
            return queue.count - head
        }

        func submit(_ job: @escaping @Sendable () -> Void) {
            condition.lock()
            queue.append(job)
            condition.signal()
            condition.unlock()
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }

        func work() {
            while true {
                condition.lock()
                while head == queue.count && !stopped { condition.wait() }
                if head == queue.count {
                    condition.unlock()
                    return
                }
                let job = queue[head]
                head += 1
                // Drop the finished prefix now and then, so the array does not grow without end.
                if head > 1024 && head * 2 > queue.count {
                    queue.removeFirst(head)
                    head = 0
                }
                condition.unlock()
                job()
            }
        }
    }
}

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
