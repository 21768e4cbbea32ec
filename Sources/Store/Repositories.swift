import Foundation

// The store by aggregate: one protocol each, async, so that a second backend (a server database
// with an async client) implements the same protocols without a caller changing. ``Store`` is the
// SQLite implementation of all of them; its reads and writes run on GRDB's own connections'
// queues, never on Swift's cooperative pool. ``DeliveryOutbox`` is the delivery workers' side of
// the outbox.

/// Tenants with their API tokens, custom templates and the service's settings.
public protocol TenantRepository: Sendable {
    /// Creates a tenant with its first API token and audits it, in one transaction.
    /// - Throws: ``StoreError`` `.invalidInput` when the id is taken.
    func createTenant(_ tenant: Tenant, token: APIToken, actor: String, now: Date) async throws
    func tenant(_ id: String) async throws -> Tenant?
    /// All tenants, by id.
    func tenants() async throws -> [Tenant]
    /// A page of tenants by id after `after`, whose id or name contains `search` when given.
    func tenants(search: String?, after: String?, limit: Int) async throws -> [Tenant]
    /// Replaces a tenant's settings (not its id, creation time or quotas) and audits the change; false without such a tenant.
    func updateTenant(_ tenant: Tenant, actor: String, now: Date) async throws -> Bool
    /// Replaces a tenant's quota overrides (JSON, nil for the plan's defaults) and audits it; false without such a tenant.
    func setTenantQuotas(_ id: String, quotas: String?, actor: String, now: Date) async throws -> Bool
    /// The token with this hash, or nil.
    func token(hash: String) async throws -> APIToken?
    /// Adds a token to a tenant (audited).
    func addToken(_ token: APIToken, actor: String, now: Date) async throws
    /// A tenant's tokens, oldest first.
    func tokens(tenantID: String) async throws -> [APIToken]
    /// Removes a tenant's token by its public id, putting `replacement` in its place when given; audited.
    func revokeToken(id: String, tenantID: String, replacement: APIToken?, actor: String, now: Date) async throws -> Bool
    /// Notes a token's use.
    func touchToken(hash: String, at: Date) async throws
    func customTemplate(tenantID: String, kind: String, locale: String) async throws -> CustomTemplate?
    /// Stores (replacing) a tenant's custom templates and audits it.
    func saveCustomTemplate(_ template: CustomTemplate, actor: String, now: Date) async throws
    /// Deletes a tenant's custom templates and audits it; false when there were none.
    func deleteCustomTemplate(tenantID: String, kind: String, locale: String, actor: String, now: Date) async throws -> Bool
    /// Stores a setting and audits the change (without its value).
    func setSetting(_ key: String, _ value: String, actor: String, now: Date) async throws
    func setting(_ key: String) async throws -> String?
}

/// Report schedules and their runs (a schedule's slots, ad-hoc requests).
public protocol ScheduleRepository: Sendable {
    /// Inserts or replaces a schedule and audits it; false when a new one would pass `maxCount`.
    func saveSchedule(_ schedule: ScheduleRecord, actor: String, now: Date, created: Bool, maxCount: Int?) async throws -> Bool
    func schedule(_ id: String, tenantID: String) async throws -> ScheduleRecord?
    /// A tenant's schedules, oldest first.
    func schedules(tenantID: String) async throws -> [ScheduleRecord]
    func enabledSchedules() async throws -> [ScheduleRecord]
    func deleteSchedule(_ id: String, tenantID: String, actor: String, now: Date) async throws -> Bool
    /// Records a scheduler plan in one transaction; a slot recorded already stays as it is.
    func recordPlan(pending: [ReportRun], missed: [ReportRun], handledThrough: [String: Date], now: Date) async throws
    /// Adds an ad-hoc run and audits it.
    func addRun(_ run: ReportRun, actor: String, now: Date) async throws
    func run(scheduleID: String, tenantID: String) async throws -> ReportRun?
    /// Runs due for rendering at `now`, oldest slot first.
    func pendingRuns(limit: Int, now: Date) async throws -> [ReportRun]
    /// The oldest due run of each tenant not in `busy`, oldest first.
    func pendingRunsPerTenant(limit: Int, now: Date, excluding busy: Set<String>) async throws -> [ReportRun]
    /// A schedule's runs, newest first.
    func runs(scheduleID: String, limit: Int) async throws -> [ReportRun]
    /// A tenant's runs as the query selects them, newest slot first.
    func runs(_ query: RunQuery) async throws -> [ReportRun]
    /// Enqueues a run's mails and marks it enqueued, in one transaction.
    func completeRun(scheduleID: String, slot: Date, mails: [NewMail], now: Date) async throws -> [OutboxEntry]
    func retryRun(_ run: ReportRun, detail: String, retryAt: Date, now: Date) async throws
    func failRun(_ run: ReportRun, detail: String, now: Date) async throws
    /// Runs not sent in time and not yet reported by the watchdog.
    func overdueRuns(before: Date) async throws -> [ReportRun]
    /// Marks an overdue run reported, audits it and enqueues `mail`, in one transaction.
    func reportOverdue(_ run: ReportRun, mail: NewMail?, now: Date) async throws
}

/// Alert events (the state history), open problems and digest windows.
public protocol AlertRepository: Sendable {
    /// Records a state change, updates its problem and enqueues the mails `compose` makes, in one transaction.
    func recordAlert(_ event: AlertEvent, change: AlertChange, problemMessageID: String, now: Date,
                     compose: @Sendable (AlertProblem?) async throws -> [NewMail]) async throws -> (entries: [OutboxEntry], problem: AlertProblem?)
    /// A tenant's state changes of `[start, end)` plus the state each service began the period in.
    func alertHistory(tenantID: String, start: Date, end: Date) async throws -> [AlertEvent]
    func addDigestEvent(_ event: DigestEvent) async throws
    /// Closed windows' events, grouped by tenant, channel and window end.
    func closedDigests(now: Date) async throws -> [[DigestEvent]]
    /// Enqueues a window's mails and removes its events, in one transaction.
    func flushDigest(_ events: [DigestEvent], mails: [NewMail], now: Date) async throws -> [OutboxEntry]
    func nextDigestWindow() async throws -> Date?
}

/// 2FA challenges, only their codes' hashes.
public protocol TwoFactorRepository: Sendable {
    func twoFactorCount(tenantID: String, address: String, since: Date) async throws -> Int
    /// Stores a challenge and enqueues its mail unless the address has `limit` since `since`; nil then.
    func createTwoFactor(_ challenge: TwoFactorChallenge, mail: NewMail, now: Date, limit: Int, since: Date) async throws -> OutboxEntry?
    /// Loads a challenge, lets `check` decide, stores the counted attempt, in one transaction; nil without such a challenge.
    func verifyTwoFactor<T: Sendable>(id: String, tenantID: String, now: Date,
                                      check: @escaping @Sendable (inout TwoFactorChallenge) throws -> T) async throws -> T?
}

/// The outbox as the rest of the service sees it: acceptance, the notification log, suppressions, figures.
public protocol OutboxRepository: Sendable {
    /// Accepts a mail (durable before it returns), or finds the entry of its idempotency key.
    func enqueue(_ mail: NewMail, now: Date) async throws -> (entry: OutboxEntry, created: Bool)
    func log(_ query: LogQuery) async throws -> [LogEntry]
    func entry(_ id: Int64) async throws -> OutboxEntry?
    /// The entries with these ids that still exist, by id.
    func entries(_ ids: [Int64]) async throws -> [OutboxEntry]
    func suppressions(tenantID: String?) async throws -> [Suppression]
    func liftSuppression(tenantID: String, address: String, actor: String, now: Date) async throws
    /// Mails by kind and status.
    func mailCounts() async throws -> [(kind: String, status: String, count: Int)]
    /// Mails waiting per kind.
    func queueDepth() async throws -> [MailKind: Int]
}

/// The audit trail: append-only.
public protocol AuditRepository: Sendable {
    @discardableResult
    func appendAudit(_ entry: AuditEntry) async throws -> AuditEntry
    /// Entries newest first; `before` pages backwards by id.
    func audit(limit: Int, before: Int64?, tenantID: String?) async throws -> [AuditEntry]
}

/// What the retention period removes.
public protocol RetentionRepository: Sendable {
    /// Final outbox entries older than `days`; returns how many went.
    func prune(olderThanDays days: Int, now: Date) async throws -> Int
    /// Old report runs, expired 2FA challenges, state history past its keep; returns how many rows went.
    func pruneService(olderThanDays days: Int, now: Date) async throws -> Int
}

extension Store: TenantRepository, ScheduleRepository, AlertRepository, TwoFactorRepository, OutboxRepository,
                 AuditRepository, RetentionRepository, DeliveryOutbox {}
