import Foundation
import GRDB

/// Herald's state in SQLite (WAL, foreign keys on), reached only through this API so another
/// backend can replace it without touching the callers. Every operation is one transaction.
///
/// With ``Durability/full`` (the default) the commit that accepts a mail is on disk before
/// ``enqueue(_:now:)`` returns.
public final class Store: Sendable {
    /// How hard SQLite works to keep a commit across a power loss.
    ///
    /// Every commit survives a crash of Herald (`kill -9`) either way: SQLite has written it to the
    /// write-ahead log before the commit returns. The levels differ in what survives a power loss.
    public enum Durability: String, Sendable {
        /// `synchronous = FULL`: an accepted mail, and every other change, survives a power loss.
        /// Only a delivery's bookkeeping (claims, leases, recorded attempts) commits without
        /// waiting for the disk: it reaches the disk with the next commit that does, or at the next
        /// checkpoint. After a power loss a mail recorded as sent in that window goes out again
        /// with the same Message-ID — the at-least-once promise — and no accepted mail is lost.
        /// The default.
        case full
        /// `synchronous = NORMAL`: survives a crash of Herald, may lose the last commits (accepted
        /// mails too) on power loss.
        case normal
    }

    let pool: DatabasePool
    let durability: Durability
    /// Acceptance of mails by concurrent callers, one transaction and one flush per batch.
    let groupCommit: GroupCommit

    /// Opens (creating when needed) the database at `path` and brings its schema up to date.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/open`` naming the path and the cause.
    public init(path: String, durability: Durability = .full) throws {
        self.durability = durability
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
        }
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB's pool switches its writer to `synchronous = NORMAL` when it turns on WAL, after
            // `prepareDatabase` has run: the level has to be set again on the writer itself.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
            }
            try Self.migrator.migrate(pool)
            groupCommit = GroupCommit(pool: pool, durability: durability)
        } catch {
            throw StoreError(.open, "database: cannot open \(path) (\(error)); check the path and its permissions",
                             underlying: error as? DatabaseError)
        }
    }

    /// Runs one write transaction on GRDB's writer queue, suspending the caller meanwhile.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await onWriter { db in
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// Runs one write transaction of a delivery's bookkeeping (a claim, a lease, an attempt) that
    /// does not wait for the disk: losing it to a power loss means a mail sent again, never a mail
    /// lost (see ``Durability/full``). A worker commits once per mail, and waiting for the disk
    /// each time would bound delivery by the disk's flush rate.
    func bookkeepingWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        guard durability == .full else { return try await write(body) }
        return try await onWriter { db in
            // The level can change only between transactions; FULL is back before anything else
            // writes on this connection, even when the body fails.
            try db.cachedStatement(sql: "PRAGMA synchronous = NORMAL").execute()
            defer { try? db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute() }
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// Runs one read on one of GRDB's reader connections, suspending the caller meanwhile.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.asyncRead { connection in
                continuation.resume(with: Result { try body(try connection.get()) }.mapError(Self.mapped))
            }
        }
    }

    /// Runs `body` on GRDB's writer queue and hands its result (database errors as
    /// ``StoreError``) to the suspended caller. The operation runs to its end also when the
    /// calling task is cancelled meanwhile: on shutdown a delivery's outcome is recorded after its
    /// send, and a loop stops between operations, never inside one.
    private func onWriter<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            pool.asyncWriteWithoutTransaction { db in
                continuation.resume(with: Result { try body(db) }.mapError(Self.mapped))
            }
        }
    }

    /// Runs `body` in a transaction shared with other callers of the moment (``GroupCommit``)
    /// and returns after that transaction has committed: acceptances of mails, so that concurrent
    /// ones share one flush to the disk.
    func groupWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await groupCommit.write(body)
    }

    /// A database error as a ``StoreError``; any other error as it is.
    static func mapped(_ error: Error) -> Error {
        guard let error = error as? DatabaseError else { return error }
        return StoreError(.database, "database: \(error.message ?? "\(error)")", underlying: error)
    }
}

// MARK: - Audit

extension Store {
    /// Appends an audit entry.
    @discardableResult
    public func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry {
        try await write { db in
            var entry = entry
            try entry.insert(db)
            return entry
        }
    }

    /// Audit entries, newest first; `before` pages backwards by id.
    public func audit(limit: Int = 100, before: Int64? = nil, tenantID: String? = nil) async throws -> [AuditEntry] {
        try await read { db in
            var request = AuditEntry.order(AuditEntry.Columns.id.desc).limit(limit)
            if let before { request = request.filter(AuditEntry.Columns.id < before) }
            if let tenantID { request = request.filter(AuditEntry.Columns.tenantID == tenantID) }
            return try request.fetchAll(db)
        }
    }
}
