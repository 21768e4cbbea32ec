import Foundation
import GRDB

// MARK: - 2FA challenges

extension Store {
    /// The number of 2FA challenges for an address since `since`: the rate limit's count.
    public func twoFactorCount(tenantID: String, address: String, since: Date) async throws -> Int {
        try await read { db in
            try TwoFactorChallenge.filter(TwoFactorChallenge.Columns.tenantID == tenantID && TwoFactorChallenge.Columns.address == address && TwoFactorChallenge.Columns.createdAt >= since.stored).fetchCount(db)
        }
    }

    /// Stores a challenge and enqueues its mail (highest lane), in one transaction, unless the
    /// address has `limit` challenges since `since` already: the count and the insert share the
    /// transaction, so parallel requests cannot pass the limit together.
    /// - Returns: the entry, or nil when the limit is reached.
    public func createTwoFactor(_ challenge: TwoFactorChallenge, mail: NewMail, now: Date, limit: Int, since: Date) async throws -> OutboxEntry? {
        try await groupWrite { db in
            let recent = try TwoFactorChallenge.filter(TwoFactorChallenge.Columns.tenantID == challenge.tenantID && TwoFactorChallenge.Columns.address == challenge.address
                                                       && TwoFactorChallenge.Columns.createdAt >= since.stored).fetchCount(db)
            guard recent < limit else { return nil }
            let entry = try Self.insert(mail, db: db, now: now).entry
            var challenge = challenge
            challenge.outboxID = entry.id
            try challenge.insert(db)
            return entry
        }
    }

    /// Loads a tenant's challenge, lets `check` decide, and stores the counted attempt, in one
    /// transaction (so concurrent guesses are counted, not lost).
    public func verifyTwoFactor<T: Sendable>(id: String, tenantID: String, now: Date,
                                             check: @escaping @Sendable (inout TwoFactorChallenge) throws -> T) async throws -> T? {
        try await write { db in
            guard var challenge = try TwoFactorChallenge.filter(TwoFactorChallenge.Columns.id == id && TwoFactorChallenge.Columns.tenantID == tenantID).fetchOne(db) else {
                return nil
            }
            let result = try check(&challenge)
            try challenge.update(db)
            return result
        }
    }
}
