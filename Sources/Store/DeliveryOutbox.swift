import Foundation

/// The outbox as the delivery workers use it: claim due mails by lane, renew a lease before a
/// send, hand back what a more urgent lane needs, record each attempt. Async, and off Swift's
/// cooperative pool in every implementation: the SQLite one runs on the store's database threads
/// (``Store/outbox``); a server database's client would be async by itself.
public protocol DeliveryOutbox: Sendable {
    /// Leases up to `limit` due entries of the most urgent lane that has any to `owner` until `now + lease`.
    func claim(owner: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [ClaimedMail]
    /// Extends `owner`'s lease on `id` and marks the send as started; false when the lease is lost.
    func renewLease(_ id: Int64, owner: String, now: Date, lease: TimeInterval) async throws -> Bool
    /// True when an entry of a more urgent lane than `priority` is due.
    func hasMoreUrgent(than priority: Int, now: Date) async throws -> Bool
    /// Hands leased entries back untouched.
    func release(_ ids: [Int64], owner: String, now: Date) async throws
    /// Addresses among `addresses` on the tenant's suppression list.
    func suppressed(_ addresses: [String], tenantID: String) async throws -> Set<String>
    /// Records an attempt; nil when the lease went to another worker.
    @discardableResult
    func complete(_ result: AttemptResult) async throws -> OutboxStatus?
    /// The next instant an entry falls due, for a worker's sleep.
    func nextDue() async throws -> Date?
}

/// ``DeliveryOutbox`` on the SQLite store: each operation is the store's, run on its database
/// threads.
public struct SQLiteDeliveryOutbox: DeliveryOutbox {
    let store: Store

    public func claim(owner: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [ClaimedMail] {
        try await store.onDatabaseThread { [store] in try store.claim(owner: owner, now: now, lease: lease, limit: limit) }
    }

    public func renewLease(_ id: Int64, owner: String, now: Date, lease: TimeInterval) async throws -> Bool {
        try await store.onDatabaseThread { [store] in try store.renewLease(id, owner: owner, now: now, lease: lease) }
    }

    public func hasMoreUrgent(than priority: Int, now: Date) async throws -> Bool {
        try await store.onDatabaseThread { [store] in try store.hasMoreUrgent(than: priority, now: now) }
    }

    public func release(_ ids: [Int64], owner: String, now: Date) async throws {
        try await store.onDatabaseThread { [store] in try store.release(ids, owner: owner, now: now) }
    }

    public func suppressed(_ addresses: [String], tenantID: String) async throws -> Set<String> {
        try await store.onDatabaseThread { [store] in try store.suppressed(addresses, tenantID: tenantID) }
    }

    @discardableResult
    public func complete(_ result: AttemptResult) async throws -> OutboxStatus? {
        try await store.onDatabaseThread { [store] in try store.complete(result) }
    }

    public func nextDue() async throws -> Date? {
        try await store.onDatabaseThread { [store] in try store.nextDue() }
    }
}

extension Store {
    /// The outbox as the delivery workers use it, async and off the cooperative pool.
    public var outbox: SQLiteDeliveryOutbox { SQLiteDeliveryOutbox(store: self) }

    /// Runs `body` (a blocking store operation) on the store's database threads — a bounded
    /// set, sized from the cores — and returns its result to the suspended caller.
    func onDatabaseThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            databaseThreads.queue.addOperation {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}

/// The store's database threads: one per core, at least two, so that reads go on while a write
/// waits for the disk. `@unchecked Sendable`: an `OperationQueue` is safe to use from any thread.
final class DatabaseThreads: @unchecked Sendable {
    let queue: OperationQueue = {
        let queue = OperationQueue()
        queue.name = "herald.store.database"
        queue.maxConcurrentOperationCount = max(2, ProcessInfo.processInfo.activeProcessorCount)
        queue.qualityOfService = .userInitiated
        return queue
    }()
}
