import Clocks
import Delivery
import Dispatch
import Foundation
import Logging
import Mail
import SMTP
import Store

/// The SMTP settings an admin stored through the API; the password only sealed.
struct StoredSMTP: Codable, Sendable {
    var host: String
    var port: Int
    var tls: TLSMode
    var username: String?
    var passwordSealed: String?
    var from: String
    var replyTo: String?
    var preset: String?
}

/// Herald's service: everything `herald serve` does besides HTTP. Tenants, schedules, report
/// jobs, alerts, digests and 2FA all meet the one outbox here.
public final class HeraldCore: Sendable {
    public let store: Store
    public let configuration: ServiceConfiguration
    let clock: any WallClock
    let composer: MailComposer
    let jobs: ReportJobs
    let secrets: SecretBox
    public let metrics: ServiceMetrics
    let logger: Logger
    let environment: [String: String]
    /// Report documents render here (template, layout, Cairo): `renderers` threads.
    let reportPool: WorkerPool
    /// The templates tenants control on request paths and in digests render here, apart from
    /// the database work, so that `/healthz`, authentication and reads never wait behind them.
    let templatePool: WorkerPool
    /// At most `tenantRenders` of one tenant's template renders at once.
    let tenantGate: TenantGate
    /// Database work of request handlers and loops: never on the cooperative pool.
    let databasePool: WorkerPool
    /// The tenants' rate quotas.
    let rates = RateLimiter()
    /// Wakes the report workers when the scheduler or the API adds runs.
    let runSignal = WakeSignal()
    /// Wakes the digest worker when a new window opens.
    let digestSignal = WakeSignal()
    /// Wakes idle delivery workers when a mail is put into the outbox, so a 2FA mail does not
    /// wait for their next poll.
    let deliverySignal = WakeSignal()

    /// - Throws: ``ServiceError`` when the configured From address is not a mailbox.
    public init(configuration: ServiceConfiguration, store: Store, clock: any WallClock, secrets: SecretBox,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "herald.service", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.secrets = secrets
        self.environment = environment
        self.logger = logger
        metrics = ServiceMetrics()
        composer = try MailComposer(reportsDirectory: configuration.reportsDirectory, from: configuration.from)
        jobs = ReportJobs(store: store, reportsDirectory: configuration.reportsDirectory,
                          fontsDirectory: configuration.fontsDirectory, dataSources: configuration.dataSources,
                          maxMessageBytes: configuration.maxMessageBytes, environment: environment)
        reportPool = WorkerPool(name: "herald.report", threads: configuration.renderers)
        templatePool = WorkerPool(name: "herald.template", threads: configuration.templateRenderers)
        tenantGate = TenantGate(limit: configuration.tenantRenders, queueLimit: configuration.tenantRenderQueue)
        databasePool = WorkerPool(name: "herald.db", threads: configuration.databaseThreads)
    }

    // MARK: SMTP

    static let smtpSettingKey = "smtp"

    /// The settings stored through the API, or nil.
    func storedSMTP() throws -> StoredSMTP? {
        guard let json = try store.setting(Self.smtpSettingKey) else { return nil }
        return try JSONDecoder().decode(StoredSMTP.self, from: Data(json.utf8))
    }

    /// The SMTP settings in force: stored through the API, else from the configuration file; nil
    /// when there are none (mail then goes to the file transport).
    func smtpSettings() throws -> SMTPSettings? {
        try storedSMTP().map(settings) ?? configuration.smtp
    }

    /// Stored SMTP settings as the transport takes them: the password unsealed, and the
    /// configuration's CA file (a file on this machine, not a stored setting).
    func settings(_ stored: StoredSMTP) throws -> SMTPSettings {
        var settings = SMTPSettings(host: stored.host, port: stored.port, tls: stored.tls, username: stored.username)
        settings.password = try stored.passwordSealed.map { Secret(try secrets.open($0)) }
        if let ca = configuration.smtp?.caFile { settings.caFile = ca }
        return settings
    }

    /// The composer with the From in force (the stored settings' From wins over the configuration's).
    func currentComposer() throws -> MailComposer {
        guard let from = try storedSMTP()?.from else { return composer }
        return try composer.with(from: from)
    }

    /// A transport for one delivery worker: the SMTP core, or the file transport when no SMTP
    /// server is configured.
    public func makeTransport() throws -> any MailTransport {
        if let settings = try smtpSettings() {
            return try SMTPSession(settings: settings)
        }
        return try FileTransport(directory: configuration.mailDirectory)
    }

    /// The delivery workers, reporting send durations to the metrics.
    public func makeDeliverer() -> Deliverer {
        let metrics = self.metrics
        return Deliverer(store: store, configuration: configuration.delivery, clock: clock, logger: logger,
                         wakeUp: deliverySignal,
                         observe: { kind, duration in metrics.recordSend(kind: kind, duration: duration) },
                         makeTransport: { [self] in try makeTransport() })
    }
}

extension HeraldCore {
    /// Runs `body` on the database threads and returns its result: for work that waits on the
    /// database, which must not hold a thread of the cooperative pool.
    func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await databasePool.run(body)
    }

    /// Runs `body`, which renders templates `tenant` controls, on the template threads once one
    /// of the tenant's render slots is free.
    /// - Throws: ``ServiceError`` `.rateLimited` when too many of the tenant's renders wait already.
    func renderForTenant<T: Sendable>(_ tenant: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await tenantGate.run(tenant: tenant) { try await templatePool.run(body) }
        } catch let error as ServiceError where error.code == .rateLimited && error.field == "tenant" {
            metrics.recordRefusal(tenant: tenant, limit: "renders")
            throw error
        }
    }
}

extension DispatchQueue {
    /// Runs `body` on this queue and returns its result to the waiting task.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            self.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
