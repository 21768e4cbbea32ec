import Clocks
import Foundation
import Store

/// The notification log as operators and tenants read it: every mail with its recipients and
/// attempts, the suppression list, the audit trail, and the outbox's figures.
final class NotificationLog: Sendable {
    let outbox: any OutboxRepository
    let audit: any AuditRepository
    let clock: any WallClock

    init(outbox: any OutboxRepository, audit: any AuditRepository, clock: any WallClock) {
        self.outbox = outbox
        self.audit = audit
        self.clock = clock
    }

    func entries(_ query: LogQuery) async throws -> [LogEntry] {
        try await outbox.log(query)
    }

    func auditTrail(limit: Int, before: Int64?, tenantID: String?) async throws -> [AuditEntry] {
        try await audit.audit(limit: limit, before: before, tenantID: tenantID)
    }

    func suppressions(tenantID: String) async throws -> [Suppression] {
        try await outbox.suppressions(tenantID: tenantID)
    }

    /// Takes an address off a tenant's suppression list (audited).
    func liftSuppression(tenantID: String, address: String, actor: String) async throws {
        try await outbox.liftSuppression(tenantID: tenantID, address: address, actor: actor, now: clock.now)
    }

    /// Mails waiting per kind: the health check's proof that the database answers.
    func queueDepth() async throws -> [MailKind: Int] {
        try await outbox.queueDepth()
    }

    /// Mails by kind and status, for the metrics.
    func mailCounts() async throws -> [(kind: String, status: String, count: Int)] {
        try await outbox.mailCounts()
    }
}
