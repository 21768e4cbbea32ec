import Clocks
import Delivery
import Foundation
import Logging
import Mail
import SMTP
import Store

/// The wake-ups the features give each other: new work for a loop that would otherwise find it
/// only at its next poll.
struct Signals: Sendable {
    /// A report run was added (a slot came due, an ad-hoc request).
    let runs = WakeSignal()
    /// A digest window opened.
    let digests = WakeSignal()
    /// A mail was put into the outbox: idle delivery workers look at once (a 2FA mail does not
    /// wait for their next poll).
    let delivery = WakeSignal()
}

/// Herald's service, composed in one place: every feature with the dependencies it names, over
/// the store's repositories, one pool of worker threads and one clock. `herald serve` runs its
/// HTTP API (``buildApplication(service:logger:onRunning:)``) and its background services.
public final class HeraldService: Sendable {
    public let configuration: ServiceConfiguration
    public let metrics: ServiceMetrics
    let clock: any WallClock
    let logger: Logger
    /// The one pool for blocking and CPU-bound work, in lanes by priority.
    let workers: Workers
    let signals: Signals

    let mailSettings: MailSettings
    let templates: Templates
    let tenants: Tenants
    let schedules: Schedules
    let reports: ReportRuns
    let scheduler: Scheduler
    let alerts: Alerts
    let digests: Digests
    let twoFactor: TwoFactor
    let log: NotificationLog
    /// The delivery workers' outbox.
    let outbox: any DeliveryOutbox

    /// - Parameter store: the SQLite store; every feature sees only the repositories it needs.
    /// - Throws: ``ServiceError`` when the configured From address is not a mailbox or a default template is missing.
    public init(configuration: ServiceConfiguration, store: Store, clock: any WallClock, secrets: SecretBox,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "herald.service", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        outbox = store
        let metrics = ServiceMetrics()
        self.metrics = metrics
        let workers = Workers(threads: configuration.renderers + configuration.templateRenderers, reportLimit: configuration.renderers)
        self.workers = workers
        let signals = Signals()
        self.signals = signals
        let composer = try MailComposer(reportsDirectory: configuration.reportsDirectory, from: configuration.from)
        let tenants = Tenants(repository: store, configuration: configuration, composer: composer, clock: clock, metrics: metrics)
        let gate = RenderGate(gate: TenantGate(limit: configuration.tenantRenders, queueLimit: configuration.tenantRenderQueue),
                              workers: workers, metrics: metrics)
        let mailSettings = MailSettings(repository: store, audit: store, configuration: configuration, secrets: secrets,
                                        composer: composer, workers: workers, clock: clock)
        let templates = Templates(repository: store, composer: composer, tenants: tenants, gate: gate, clock: clock)
        let jobs = ReportJobs(history: store, reportsDirectory: configuration.reportsDirectory, fontsDirectory: configuration.fontsDirectory,
                              dataSources: configuration.dataSources, maxMessageBytes: configuration.maxMessageBytes,
                              environment: environment, workers: workers)
        self.mailSettings = mailSettings
        self.templates = templates
        self.tenants = tenants
        schedules = Schedules(repository: store, outbox: store, tenants: tenants, configuration: configuration, clock: clock, metrics: metrics,
                              wakeUp: signals.runs)
        reports = ReportRuns(runs: store, tenants: store, jobs: jobs, templates: templates, mailSettings: mailSettings,
                             concurrency: configuration.renderers, clock: clock, metrics: metrics, logger: logger, signals: signals)
        let watchdog = Watchdog(runs: store, tenants: store, templates: templates, mailSettings: mailSettings, workers: workers,
                                delay: configuration.watchdogDelay, clock: clock, logger: logger, delivery: signals.delivery)
        let retention = Retention(repository: store, days: configuration.delivery.retentionDays, clock: clock, logger: logger)
        scheduler = Scheduler(repository: store, configuration: configuration.scheduler, watchdog: watchdog, retention: retention,
                              workers: workers, clock: clock, logger: logger, runs: signals.runs)
        alerts = Alerts(repository: store, tenants: tenants, templates: templates, mailSettings: mailSettings, gate: gate,
                        clock: clock, signals: signals)
        digests = Digests(repository: store, tenants: store, audit: store, templates: templates, mailSettings: mailSettings,
                          workers: workers, clock: clock, logger: logger, signals: signals)
        twoFactor = TwoFactor(repository: store, tenants: tenants, templates: templates, mailSettings: mailSettings, gate: gate,
                              secrets: secrets, configuration: configuration, clock: clock, delivery: signals.delivery)
        log = NotificationLog(outbox: store, audit: store, clock: clock)
    }

    /// The delivery workers, reporting send durations to the metrics.
    public func makeDeliverer() -> Deliverer {
        let metrics = metrics
        let mailSettings = mailSettings
        return Deliverer(outbox: outbox, configuration: configuration.delivery, clock: clock, logger: logger,
                         wakeUp: signals.delivery,
                         observe: { kind, duration in metrics.recordSend(kind: kind, duration: duration) },
                         makeTransport: { try await mailSettings.makeTransport() })
    }
}
