import Foundation

/// The outbox as the delivery workers use it: claim due mails by lane, renew a lease before a
/// send, hand back what a more urgent lane needs, record each attempt. Async, and off Swift's
/// cooperative pool in every implementation (the SQLite one is ``Store``).
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
