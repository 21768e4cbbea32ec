import Cron
import Delivery
import Foundation
import SMTP

/// How `herald serve` behaves. Every field has a documented default; the CLI fills it from the
/// configuration file and the environment.
public struct ServiceConfiguration: Sendable {
    /// Address the HTTP API listens on. Default 127.0.0.1.
    public var host = "127.0.0.1"
    /// Port; 0 picks a free one. Default 8080.
    public var port = 8080
    /// SHA-256 (hex) of the platform admin's token; nil disables admin access.
    public var adminTokenHash: String?
    /// Where report definitions and the default mail templates live (ReportTemplates/).
    public var reportsDirectory: URL
    /// The fonts reports are drawn with (Fonts/).
    public var fontsDirectory: URL
    /// SMTP provider presets (Config/smtp-presets.json).
    public var presetsFile: URL
    /// SMTP settings from the configuration file; settings stored through the API replace them.
    public var smtp: SMTPSettings?
    /// The From mailbox (`Name <address>`) when the stored settings name none.
    public var from = "Herald <herald@localhost>"
    /// Where the file transport writes `.eml` files when no SMTP server is configured.
    public var mailDirectory: URL
    /// Delivery workers, retries, leases.
    public var delivery = DeliveryConfiguration()
    /// Scheduler grace period and spread.
    public var scheduler = SchedulerConfiguration()
    /// Reports rendered at the same time. Default: the machine's cores, at most 8 (each render may
    /// build up to its budget of values).
    public var renderers = min(8, max(1, ProcessInfo.processInfo.activeProcessorCount))
    /// Worker threads besides the report renderers, for everything else that blocks or burns CPU:
    /// alert and 2FA mails first, then uploads, previews, digests and the SMTP test. The one
    /// pool has `renderers + templateRenderers` threads. Default: twice the cores, 4 to 32.
    public var templateRenderers = min(32, max(4, 2 * ProcessInfo.processInfo.activeProcessorCount))
    /// Renders of one tenant running at once on those threads (each report run counts one of
    /// `renderers`). Default 1: a tenant's burst never takes the threads the others need.
    public var tenantRenders = 1
    /// Renders of one tenant waiting for its turn before more are refused with 429. Default 64.
    public var tenantRenderQueue = 64
    /// Quota defaults per plan (`quotas` in the configuration file); the admin may override them per tenant.
    public var quotas = PlanQuotas()
    /// A slot not sent this long after it was due is reported by the watchdog. Default 1 h.
    public var watchdogDelay: TimeInterval = 3600
    /// Largest mail (encoded, attachments included) Herald hands to the server. Default 20 MiB; set it to the server's SIZE limit.
    public var maxMessageBytes = 20 << 20
    /// Largest request body. Default 2 MiB (a logo or templates fit).
    public var maxBodyBytes = 2 << 20
    /// 2FA: codes per address within ``twoFactorWindow``. Default 5.
    public var twoFactorLimit = 5
    /// 2FA: the rate limit's window. Default 10 min.
    public var twoFactorWindow: TimeInterval = 600
    /// 2FA: how long a code is valid. Default 10 min.
    public var twoFactorValidity: TimeInterval = 600
    /// 2FA: wrong guesses before a code is void. Default 5.
    public var twoFactorAttempts = 5
    /// HTTP JSON data sources for reports, by name.
    public var dataSources: [String: HTTPDataSource] = [:]
    /// Creates a demo tenant with a report schedule on first start.
    public var demo = false

    /// A configuration whose resources are under `root` (the repository or the installed share directory).
    public init(root: URL, dataDirectory: URL) {
        reportsDirectory = root.appendingPathComponent("ReportTemplates")
        fontsDirectory = root.appendingPathComponent("Fonts")
        presetsFile = root.appendingPathComponent("Config/smtp-presets.json")
        mailDirectory = dataDirectory.appendingPathComponent("mail")
    }
}

/// An HTTP JSON source of report data, e.g. the monitoring product's API.
public struct HTTPDataSource: Sendable, Codable {
    /// URL with placeholders `{tenant}`, `{report}`, `{start}`, `{end}` (ISO 8601, UTC).
    public var url: String
    /// Name of the environment variable whose value is sent as the `Authorization` header.
    public var authorizationEnv: String?
    /// Seconds allowed for the whole request. Default 30.
    public var timeoutSeconds: Double?

    public init(url: String, authorizationEnv: String? = nil, timeoutSeconds: Double? = nil) {
        self.url = url
        self.authorizationEnv = authorizationEnv
        self.timeoutSeconds = timeoutSeconds
    }
}
