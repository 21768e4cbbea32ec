import Clocks
import Foundation
import Logging
import Store

/// Removes what the retention period no longer keeps: final outbox entries with their log, old
/// report runs, expired 2FA challenges, state history past its keep.
final class Retention: Sendable {
    let repository: any RetentionRepository
    /// The retention period in days.
    let days: Int
    let clock: any WallClock
    let logger: Logger

    init(repository: any RetentionRepository, days: Int, clock: any WallClock, logger: Logger) {
        self.repository = repository
        self.days = days
        self.clock = clock
        self.logger = logger
    }

    /// Prunes everything past the retention period now.
    func prune() async throws {
        let now = clock.now
        let removed = try await repository.prune(olderThanDays: days, now: now) + repository.pruneService(olderThanDays: days, now: now)
        if removed > 0 { logger.info("pruned past the retention period", metadata: ["herald.pruned": "\(removed)", "herald.retention.days": "\(days)"]) }
    }
}
