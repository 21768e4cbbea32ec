import ArgumentParser
import Delivery
import Foundation
import SMTP
import Server
import Store

/// Herald's configuration: a JSON file (Config/herald.json is the documented example) with every
/// setting overridable from the environment. Read here and nowhere else.
struct HeraldConfiguration {
    struct SMTPSection: Decodable {
        var server: String?
        var preset: String?
        var tls: TLSMode?
        var user: String?
        var passwordEnv: String?
        var oauth2TokenEnv: String?
        var caFile: String?
        var ehlo: String?
        var timeoutSeconds: Double?
    }

    struct DeliverySection: Decodable {
        var workers: Int?
        var retryDelaysSeconds: [Double]?
        var leaseSeconds: Double?
        var claimBatch: Int?
        var retentionDays: Int?
    }

    /// `herald serve`'s settings.
    struct ServiceSection: Decodable {
        var host: String?
        var port: Int?
        /// Environment variable with the platform admin's token (default HERALD_ADMIN_TOKEN).
        var adminTokenEnv: String?
        /// File with the admin token; created (0600) with a random token when neither is set.
        var adminTokenFile: String?
        var from: String?
        var secretKeyFile: String?
        var mailDirectory: String?
        var renderers: Int?
        var templateRenderers: Int?
        var tenantRenders: Int?
        var tenantRenderQueue: Int?
        /// Quota defaults per plan (`free`, `pro`, `enterprise`), each quota optional.
        var quotas: [String: QuotaOverrides]?
        var watchdogMinutes: Double?
        var graceMinutes: Double?
        var maxMessageBytes: Int?
        var demo: Bool?
        var dataSources: [String: HTTPDataSource]?
    }

    struct File: Decodable {
        var database: String?
        var durability: String?
        var smtp: SMTPSection?
        var delivery: DeliverySection?
        var service: ServiceSection?
    }

    var database = "var/herald.sqlite"
    var durability = Store.Durability.full
    var smtp = SMTPSection()
    var delivery = DeliveryConfiguration()
    var service = ServiceSection()
    /// True when no configuration file was given: `herald serve` then starts the demo.
    var isEmbeddedDefault = false

    /// Reads `path` (or nothing when nil) and applies the environment's `HERALD_*` overrides.
    /// - Throws: ``CLIError`` with status 78 naming the file or variable and the problem.
    static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> HeraldConfiguration {
        var file = File()
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError(status: ExitStatus.config, "--config: cannot read \(path)")
            }
            do {
                file = try JSONDecoder().decode(File.self, from: data)
            } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
                let field = context.codingPath.map { $0.stringValue }.joined(separator: ".")
                throw CLIError(status: ExitStatus.config, "\(path): \(field.isEmpty ? "" : "\(field): ")\(context.debugDescription)")
            } catch {
                throw CLIError(status: ExitStatus.config, "\(path) is not valid JSON (\(error.localizedDescription))")
            }
        }
        var c = HeraldConfiguration()
        c.isEmbeddedDefault = path == nil
        c.service = file.service ?? ServiceSection()
        if let port = try number("HERALD_PORT", { environment[$0].flatMap { $0.isEmpty ? nil : $0 } }) {
            guard (0...65535).contains(Int(port)) else { throw CLIError(status: ExitStatus.config, "HERALD_PORT: \(Int(port)) is not a port") }
            c.service.port = Int(port)
        }
        let env = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        c.database = env("HERALD_DATABASE") ?? file.database ?? c.database
        if let d = env("HERALD_DURABILITY") ?? file.durability {
            guard let durability = Store.Durability(rawValue: d) else {
                throw CLIError(status: ExitStatus.config, "durability: \"\(d)\" is not full or normal")
            }
            c.durability = durability
        }
        var smtp = file.smtp ?? SMTPSection()
        smtp.server = env("HERALD_SMTP_SERVER") ?? smtp.server
        smtp.preset = env("HERALD_SMTP_PRESET") ?? smtp.preset
        if let t = env("HERALD_SMTP_TLS") {
            guard let mode = TLSMode(rawValue: t) else {
                throw CLIError(status: ExitStatus.config, "HERALD_SMTP_TLS: \"\(t)\" is not starttls, implicit or none")
            }
            smtp.tls = mode
        }
        smtp.user = env("HERALD_SMTP_USER") ?? smtp.user
        smtp.passwordEnv = env("HERALD_SMTP_PASSWORD_ENV") ?? smtp.passwordEnv
        smtp.oauth2TokenEnv = env("HERALD_SMTP_OAUTH2_TOKEN_ENV") ?? smtp.oauth2TokenEnv
        smtp.caFile = env("HERALD_SMTP_CA_FILE") ?? smtp.caFile
        smtp.ehlo = env("HERALD_SMTP_EHLO") ?? smtp.ehlo
        smtp.timeoutSeconds = try number("HERALD_SMTP_TIMEOUT", env) ?? smtp.timeoutSeconds
        c.smtp = smtp

        let d = file.delivery ?? DeliverySection()
        c.delivery.workers = try number("HERALD_DELIVERY_WORKERS", env).map(Int.init) ?? d.workers ?? c.delivery.workers
        c.delivery.lease = try number("HERALD_LEASE_SECONDS", env) ?? d.leaseSeconds ?? c.delivery.lease
        c.delivery.claimBatch = try number("HERALD_CLAIM_BATCH", env).map(Int.init) ?? d.claimBatch ?? c.delivery.claimBatch
        c.delivery.retentionDays = try number("HERALD_RETENTION_DAYS", env).map(Int.init) ?? d.retentionDays ?? c.delivery.retentionDays
        if let list = env("HERALD_RETRY_DELAYS") {
            let values = list.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.contains(nil) else {
                throw CLIError(status: ExitStatus.config, "HERALD_RETRY_DELAYS: \"\(list)\" is not a comma-separated list of seconds, like 5,30,300")
            }
            c.delivery.retryDelays = values.compactMap { $0 }
        } else if let delays = d.retryDelaysSeconds {
            c.delivery.retryDelays = delays
        }
        guard c.delivery.workers >= 1, c.delivery.workers <= 64 else {
            throw CLIError(status: ExitStatus.config, "delivery.workers: \(c.delivery.workers) is outside 1-64")
        }
        guard c.delivery.retryDelays.allSatisfy({ $0 >= 0 && $0 <= 7 * 86_400 }), c.delivery.retryDelays.count <= 20,
              c.delivery.lease > 0, c.delivery.lease <= 86_400, (1...1000).contains(c.delivery.claimBatch),
              (1...3650).contains(c.delivery.retentionDays)
        else {
            throw CLIError(status: ExitStatus.config,
                           "delivery: retry delays must be 0 s to 7 days (at most 20), the lease 1 s to 1 day, the claim batch 1-1000 and the retention 1-3650 days")
        }
        return c
    }

    private static func number(_ name: String, _ env: (String) -> String?) throws -> Double? {
        guard let text = env(name) else { return nil }
        guard let value = Double(text), value.isFinite, abs(value) < 1e9 else {
            throw CLIError(status: ExitStatus.config, "\(name): \"\(text)\" is not a number in range")
        }
        return value
    }

    /// Opens the store at the configured path; what it creates is readable by its owner only.
    func openStore() throws -> Store {
        PrivateFiles.restrictNewFiles()
        do {
            return try Store(path: database, durability: durability)
        } catch let error as StoreError {
            throw CLIError(status: ExitStatus.config, error.message)
        }
    }

    /// True when the file or the environment names an SMTP server.
    var hasSMTPServer: Bool { smtp.server != nil || smtp.preset != nil }

    /// The SMTP settings, with secrets read from the named environment variables.
    func smtpSettings() throws -> SMTPSettings {
        var options = try ServerOptions.parse([])
        options.server = smtp.server
        options.preset = smtp.preset
        options.tls = smtp.tls
        options.user = smtp.user
        options.passwordEnv = smtp.user == nil && smtp.oauth2TokenEnv == nil ? nil : smtp.passwordEnv
        options.oauth2TokenEnv = smtp.oauth2TokenEnv
        options.caFile = smtp.caFile
        options.ehlo = smtp.ehlo
        options.timeout = smtp.timeoutSeconds
        if options.server != nil && options.preset != nil { options.preset = nil }
        return try options.settings()
    }
}

/// The `--config` option shared by the commands that use the store.
struct ConfigOption: ParsableArguments {
    @Option(help: "Configuration file (JSON; see Config/herald.json). HERALD_* variables override it.")
    var config: String?

    func load() throws -> HeraldConfiguration {
        try HeraldConfiguration.load(path: config)
    }
}
