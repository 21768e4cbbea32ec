import Foundation

/// Wakes waiting tasks before their deadline: ``fire()`` wakes every task waiting now, or, with
/// nobody waiting, the next wait returns at once. Herald's loops wait on one when new work can
/// arrive between their polls (a 2FA mail put into the outbox, a report run requested).
///
/// `@unchecked Sendable` is safe: `pending` and `waiters` are only touched under `lock`, and each
/// continuation is removed under the lock before it is resumed, so it is resumed exactly once.
public final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextID: UInt64 = 0

    /// Creates a signal with nothing pending.
    public init() {}

    /// Wakes every waiting task; with none, the next ``wait(until:clock:)`` returns at once.
    public func fire() {
        lock.lock()
        let woken = waiters.values
        waiters.removeAll()
        if woken.isEmpty { pending = true }
        lock.unlock()
        for waiter in woken { waiter.resume() }
    }

    /// Waits for a ``fire()``, for `clock` to reach `deadline`, or for the task to be cancelled.
    public func wait(until deadline: Date, clock: any WallClock) async {
        let ticket: UInt64? = lock.withLock {
            if pending {
                pending = false
                return nil
            }
            nextID += 1
            return nextID
        }
        guard let id = ticket else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        self.lock.lock()
                        if Task.isCancelled || self.pending {
                            self.pending = false
                            self.lock.unlock()
                            continuation.resume()
                        } else {
                            self.waiters[id] = continuation
                            self.lock.unlock()
                        }
                    }
                } onCancel: {
                    self.resume(id)
                }
            }
            group.addTask { try? await clock.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Resumes one waiter, if it is still waiting.
    private func resume(_ id: UInt64) {
        lock.lock()
        let waiter = waiters.removeValue(forKey: id)
        lock.unlock()
        waiter?.resume()
    }
}
