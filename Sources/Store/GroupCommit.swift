import Foundation
import GRDB

/// Group commit: write transactions that callers start at about the same time share one
/// transaction and one flush to the disk, each in its own savepoint.
///
/// A caller hears back only after the shared commit, so each keeps its promise — with
/// ``Store/Durability/full`` a mail is on disk before its caller hears "accepted" — while the
/// disk flushes once per batch instead of once per caller. A body that fails rolls back its own
/// savepoint and fails its own caller; the others commit (when its error made SQLite roll back the
/// whole transaction, as a full disk does, the others run again in the next batch, once). Bodies
/// run one after another on the writer's thread, never on Swift's cooperative pool; a batch takes
/// what queued while the previous one committed, at most ``maxBatch`` bodies.
final class GroupCommit: @unchecked Sendable {
    /// One caller's body and how to tell it the outcome once the batch has committed.
    private struct Item {
        /// Runs the body in the shared transaction; keeps its result for `finish`.
        let run: (Database) throws -> Void
        /// Called once after the commit (nil) or with the error that failed this body or the batch.
        let finish: (Error?) -> Void
        /// Put back once already after another body's error rolled its batch back.
        var retried = false
    }

    /// The most bodies one transaction takes: bounds how long the first caller of a batch waits.
    static let maxBatch = 512

    private let pool: DatabasePool
    private let durability: Store.Durability
    private let lock = NSLock()
    private var pending: [Item] = []
    private var draining = false
    private let thread = DispatchQueue(label: "herald.store.group-commit", qos: .userInitiated)

    init(pool: DatabasePool, durability: Store.Durability) {
        self.pool = pool
        self.durability = durability
    }

    /// Runs `body` in the next shared transaction and returns its result after that transaction
    /// has committed, suspending the caller meanwhile.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let box = ResultBox<T>()
            submit(Item(run: { db in box.value = try body(db) }, finish: { error in
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: box.value!) }
            }))
        }
    }

    private func submit(_ item: Item) {
        let start = lock.withLock { () -> Bool in
            pending.append(item)
            guard !draining else { return false }
            draining = true
            return true
        }
        if start { thread.async { self.drain() } }
    }

    /// Commits batches until nobody waits.
    private func drain() {
        while true {
            let batch = lock.withLock { () -> [Item] in
                let taken = Array(pending.prefix(Self.maxBatch))
                pending.removeFirst(taken.count)
                if taken.isEmpty { draining = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            var failures = [Error?](repeating: nil, count: batch.count)
            // The body whose error made SQLite roll back the whole transaction (a full disk, an I/O
            // error), not just its savepoint.
            var aborting: Int?
            do {
                try pool.writeWithoutTransaction { db in
                    // A delivery's bookkeeping lowers `synchronous` between its transactions; an
                    // acceptance always commits at the store's level.
                    if durability == .full { try db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute() }
                    try db.inTransaction(.immediate) {
                        for (index, item) in batch.enumerated() {
                            do {
                                try db.inSavepoint {
                                    try item.run(db)
                                    return .commit
                                }
                            } catch {
                                failures[index] = error
                                if !db.isInsideTransaction {
                                    aborting = index
                                    throw error
                                }
                            }
                        }
                        return .commit
                    }
                }
            } catch {
                // Nothing of the batch is on disk. When one body's error rolled it all back, the
                // others did nothing wrong: they go again in the next batch, once.
                var again: [Item] = []
                for (index, item) in batch.enumerated() {
                    if let aborting, index != aborting, !item.retried {
                        var retry = item
                        retry.retried = true
                        again.append(retry)
                    } else {
                        item.finish(Store.mapped(failures[index] ?? error))
                    }
                }
                if !again.isEmpty { lock.withLock { pending.insert(contentsOf: again, at: 0) } }
                continue
            }
            for (item, failure) in zip(batch, failures) {
                item.finish(failure.map(Store.mapped))
            }
        }
    }
}

/// A body's result handed to its caller: written on the writer's thread before the caller is
/// resumed, read by the caller after.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
