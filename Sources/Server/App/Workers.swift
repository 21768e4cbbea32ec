import Foundation

/// Herald's one pool of threads for work that blocks or burns CPU — the templates tenants
/// control, report layout and Cairo, the SMTP test's DNS look-ups and conversation — so that none
/// of it holds a thread of Swift's cooperative pool. (The database has its own connections'
/// queues, behind the store's async API.)
///
/// Jobs wait in three lanes and a free thread takes the oldest job of the most urgent lane:
/// 2FA and alert mails first, then requests and digests, then reports. At most `reportLimit`
/// report jobs run at once, so however many runs a midnight brings, `threads - reportLimit`
/// threads stay for the other lanes. The threads have a stack of `stackSize` bytes: the template
/// engine and the report layout recurse as deep as their bounds allow. When the pool is
/// released its threads finish the jobs already submitted and end.
public final class Workers: Sendable {
    /// Who waits for a job, most urgent first.
    public enum Lane: Int, Sendable, CaseIterable {
        /// A 2FA or alert mail being made for a caller waiting on it.
        case urgent
        /// Template uploads and previews, digests, the SMTP test.
        case normal
        /// Report documents: data, template, layout, PDF.
        case report
    }

    /// How many jobs run at once.
    public let threads: Int
    /// How many report jobs run at once.
    public let reportLimit: Int
    private let jobs: Jobs

    /// Starts `threads` threads named `name.N`.
    public init(name: String = "herald.work", threads: Int, reportLimit: Int, stackSize: Int = 8 << 20) {
        self.threads = max(1, threads)
        self.reportLimit = min(max(1, reportLimit), self.threads)
        jobs = Jobs(reportLimit: self.reportLimit)
        for index in 0..<self.threads {
            // The thread holds the job list, not the pool: releasing the pool stops the threads.
            let thread = Thread { [jobs] in jobs.work() }
            thread.name = "\(name).\(index)"
            thread.stackSize = stackSize
            thread.start()
        }
    }

    deinit { jobs.stop() }

    /// Jobs submitted and not yet started, per lane.
    public func waiting(_ lane: Lane) -> Int { jobs.waiting(lane) }

    /// Runs `body` on one of the pool's threads in its turn on `lane` and returns its result to
    /// the waiting task.
    public func run<T: Sendable>(_ lane: Lane, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            jobs.submit(lane) { continuation.resume(with: Result { try body() }) }
        }
    }

    /// The jobs waiting for a thread, one queue per lane.
    ///
    /// `@unchecked Sendable`: the queues, `runningReports` and `stopped` are only touched with
    /// `condition` locked.
    private final class Jobs: @unchecked Sendable {
        private struct Queue {
            var jobs: [@Sendable () -> Void] = []
            var head = 0
            var count: Int { jobs.count - head }

            mutating func take() -> @Sendable () -> Void {
                let job = jobs[head]
                head += 1
                // Drop the finished prefix now and then, so the array does not grow without end.
                if head > 1024 && head * 2 > jobs.count {
                    jobs.removeFirst(head)
                    head = 0
                }
                return job
            }
        }

        private let condition = NSCondition()
        private var queues = [Queue](repeating: Queue(), count: Lane.allCases.count)
        private var runningReports = 0
        private var stopped = false
        private let reportLimit: Int

        init(reportLimit: Int) { self.reportLimit = reportLimit }

        func waiting(_ lane: Lane) -> Int {
            condition.withLock { queues[lane.rawValue].count }
        }

        func submit(_ lane: Lane, _ job: @escaping @Sendable () -> Void) {
            condition.withLock {
                queues[lane.rawValue].jobs.append(job)
                // Every waiting thread looks: one that could take only a report may be the one woken.
                condition.broadcast()
            }
        }

        func stop() {
            condition.withLock {
                stopped = true
                condition.broadcast()
            }
        }

        /// The lane whose job a free thread takes now, or nil.
        private func nextLane() -> Lane? {
            Lane.allCases.first { lane in
                queues[lane.rawValue].count > 0 && (lane != .report || runningReports < reportLimit)
            }
        }

        func work() {
            while true {
                condition.lock()
                var lane = nextLane()
                while lane == nil && !stopped {
                    condition.wait()
                    lane = nextLane()
                }
                guard let lane else {
                    condition.unlock()
                    return
                }
                let job = queues[lane.rawValue].take()
                if lane == .report { runningReports += 1 }
                condition.unlock()
                job()
                if lane == .report {
                    condition.withLock {
                        runningReports -= 1
                        // A report job waiting for the limit may start now.
                        condition.broadcast()
                    }
                }
            }
        }
    }
}
