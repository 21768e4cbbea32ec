import Foundation
import GRDB

// MARK: - Retention

extension Store {
    /// How long state history is kept: long enough for a previous-quarter report and a year's comparison.
    public static let historyDays = 400

    /// Deletes what the service no longer needs, in one transaction: report runs older than
    /// `days` (but never a schedule's latest), 2FA challenges a day after they expired, and state
    /// changes older than ``historyDays`` except each service's last one (its state when a later
    /// period begins).
    /// - Returns: how many rows went.
    @discardableResult
    public func pruneService(olderThanDays days: Int, now: Date) async throws -> Int {
        try await write { db in
            let runs = now.addingTimeInterval(-Double(days) * 86_400).stored
            try db.execute(sql: """
                DELETE FROM reportRun WHERE updatedAt < ? AND status != 'pending'
                  AND slot < (SELECT MAX(slot) FROM reportRun latest WHERE latest.scheduleID = reportRun.scheduleID)
                """, arguments: [runs])
            var removed = db.changesCount
            try db.execute(sql: "DELETE FROM twoFactor WHERE expiresAt < ?", arguments: [now.addingTimeInterval(-86_400).stored])
            removed += db.changesCount
            try db.execute(sql: """
                DELETE FROM alertEvent WHERE at < ? AND id NOT IN (SELECT MAX(id) FROM alertEvent GROUP BY tenantID, host, service)
                """, arguments: [now.addingTimeInterval(-Double(Self.historyDays) * 86_400).stored])
            removed += db.changesCount
            return removed
        }
    }
}
