import Foundation

/// A source of wall-clock time that can also wait. Everything in Herald that waits takes one, so tests
/// move time with ``ManualWallClock`` instead of sleeping.
public protocol WallClock: Sendable {
    /// The current instant.
    var now: Date { get }
    /// Suspends until `now` has reached `deadline` (returns at once if it already has).
    ///
    /// - Throws: `CancellationError` if the task is cancelled while waiting.
    func sleep(until deadline: Date) async throws
}

/// The real clock: `Date()` for now, `ContinuousClock` for waiting.
public struct SystemWallClock: WallClock {
    /// Creates the system clock.
    public init() {}

    /// `Date()`.
    public var now: Date { Date() }

    /// Sleeps on `ContinuousClock` for the time left until `deadline`.
    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSince(Date())
        guard seconds > 0 else { return }
        try await ContinuousClock().sleep(for: .seconds(seconds))
    }
}

/// A clock that only moves when told to. Sleepers wake when ``advance(to:)`` or ``advance(by:)``
/// passes their deadline.
///
/// `@unchecked Sendable` is safe: all mutable state is guarded by `lock`, and continuations are
/// resumed outside the lock exactly once (removed from `sleepers` before resuming).
public final class ManualWallClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var sleepers: [UInt64: (deadline: Date, continuation: CheckedContinuation<Void, any Error>)] = [:]
    private var nextID: UInt64 = 0

    /// Creates a clock showing `now`.
    public init(now: Date) {
        current = now
    }

    /// The instant the clock shows.
    public var now: Date {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    /// How many tasks are currently waiting in ``sleep(until:)``.
    public var sleeperCount: Int {
        lock.lock(); defer { lock.unlock() }
        return sleepers.count
    }

    /// The earliest deadline anyone is waiting for, if any.
    public var nextDeadline: Date? {
        lock.lock(); defer { lock.unlock() }
        return sleepers.values.map(\.deadline).min()
    }

    /// Moves the clock forward by `seconds` and wakes every sleeper whose deadline has passed.
    public func advance(by seconds: TimeInterval) {
        advance(to: now.addingTimeInterval(seconds))
    }

    /// Moves the clock to `date` (never backwards) and wakes every sleeper whose deadline has passed.
    public func advance(to date: Date) {
        lock.lock()
        if date > current { current = date }
        let due = sleepers.filter { $0.value.deadline <= current }
        for id in due.keys { sleepers[id] = nil }
        lock.unlock()
        for (_, sleeper) in due { sleeper.continuation.resume() }
    }

    /// Suspends until at least `count` tasks are sleeping on this clock, so a test can advance
    /// time knowing the code under test is waiting.
    public func waitForSleepers(_ count: Int = 1) async {
        while sleeperCount < count { await Task.yield() }
    }

    /// Suspends until the clock is advanced to `deadline` or beyond (returns at once if it already is).
    ///
    /// - Throws: `CancellationError` if the task is cancelled while waiting.
    public func sleep(until deadline: Date) async throws {
        let id = lock.withLock {
            defer { nextID += 1 }
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.lock()
                if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if deadline <= current {
                    lock.unlock()
                    continuation.resume()
                } else {
                    sleepers[id] = (deadline, continuation)
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            let sleeper = sleepers.removeValue(forKey: id)
            lock.unlock()
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
