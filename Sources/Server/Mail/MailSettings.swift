import Clocks
import Delivery
import Foundation
import Mail
import SMTP
import Store

/// SMTP settings as the admin writes them. The password is write-only: absent keeps the stored one.
public struct SMTPSettingsRequest: Sendable, Codable {
    public var host: String
    public var port: Int?
    /// `starttls` (default), `implicit` or `none`.
    public var tls: String?
    public var username: String?
    public var password: String?
    /// `Name <address>`.
    public var from: String
    public var reply_to: String?
    public var preset: String?
}

/// SMTP settings as the API shows them: never the password, only whether one is set.
public struct SMTPSettingsView: Sendable, Codable {
    /// `api` (stored through this API), `configuration` (the file) or `file-transport` (none: mails go to files).
    public var source: String
    public var host: String?
    public var port: Int?
    public var tls: String?
    public var username: String?
    public var password_set: Bool
    public var from: String
    public var reply_to: String?
    public var preset: String?
    public var warnings: [String]
}

/// The outcome of a test mail, step by step.
public struct SMTPTestResult: Sendable, Codable {
    public var succeeded: Bool
    public var verdict: String
    public var steps: [DiagnosticStep]
    public var transcript: [String]
}

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

/// The SMTP settings feature: what is in force (stored through the API, else the configuration
/// file, else the file transport), changing them, and the step-by-step test mail.
final class MailSettings: Sendable {
    let repository: any TenantRepository
    let audit: any AuditRepository
    let configuration: ServiceConfiguration
    let secrets: SecretBox
    /// The composer with the configuration's From.
    let composer: MailComposer
    let workers: Workers
    let clock: any WallClock

    init(repository: any TenantRepository, audit: any AuditRepository, configuration: ServiceConfiguration, secrets: SecretBox,
         composer: MailComposer, workers: Workers, clock: any WallClock) {
        self.repository = repository
        self.audit = audit
        self.configuration = configuration
        self.secrets = secrets
        self.composer = composer
        self.workers = workers
        self.clock = clock
    }

    static let settingKey = "smtp"

    /// The settings stored through the API, or nil.
    func stored() async throws -> StoredSMTP? {
        guard let json = try await repository.setting(Self.settingKey) else { return nil }
        return try JSONDecoder().decode(StoredSMTP.self, from: Data(json.utf8))
    }

    /// The SMTP settings in force: stored through the API, else from the configuration file; nil
    /// when there are none (mail then goes to the file transport).
    func current() async throws -> SMTPSettings? {
        try await stored().map(transportSettings) ?? configuration.smtp
    }

    /// Stored SMTP settings as the transport takes them: the password unsealed, and the
    /// configuration's CA file (a file on this machine, not a stored setting).
    func transportSettings(_ stored: StoredSMTP) throws -> SMTPSettings {
        var settings = SMTPSettings(host: stored.host, port: stored.port, tls: stored.tls, username: stored.username)
        settings.password = try stored.passwordSealed.map { Secret(try secrets.open($0)) }
        if let ca = configuration.smtp?.caFile { settings.caFile = ca }
        return settings
    }

    /// The composer with the From and Reply-To in force (the stored settings win over the configuration's).
    func currentComposer() async throws -> MailComposer {
        guard let stored = try await stored() else { return composer }
        return try composer.with(from: stored.from, replyTo: stored.replyTo)
    }

    /// A transport for one delivery worker: the SMTP core, or the file transport when no SMTP
    /// server is configured.
    func makeTransport() async throws -> any MailTransport {
        if let settings = try await current() {
            // Without a configured EHLO name the session looks up the machine's: on a worker thread.
            return try await workers.run(.normal) { try SMTPSession(settings: settings) }
        }
        return try FileTransport(directory: configuration.mailDirectory)
    }

    /// The settings in force, for the API.
    func view() async throws -> SMTPSettingsView {
        if let s = try await stored() {
            return SMTPSettingsView(source: "api", host: s.host, port: s.port, tls: s.tls.rawValue, username: s.username,
                                    password_set: s.passwordSealed != nil, from: s.from, reply_to: s.replyTo, preset: s.preset,
                                    warnings: Self.warnings(host: s.host, tls: s.tls))
        }
        if let s = configuration.smtp {
            return SMTPSettingsView(source: "configuration", host: s.host, port: s.port, tls: s.tls.rawValue, username: s.username,
                                    password_set: s.password != nil, from: configuration.from, reply_to: nil, preset: nil,
                                    warnings: Self.warnings(host: s.host, tls: s.tls))
        }
        return SMTPSettingsView(source: "file-transport", host: nil, port: nil, tls: nil, username: nil, password_set: false,
                                from: configuration.from, reply_to: nil, preset: nil,
                                warnings: ["no SMTP server is configured: mails are written to \(configuration.mailDirectory.path)"])
    }

    static func warnings(host: String, tls: TLSMode) -> [String] {
        let loopback = ["localhost", "127.0.0.1", "::1"].contains(host.lowercased())
        return tls == .none && !loopback
            ? ["tls none sends the password and mail unencrypted; use port 587 with starttls or 465 with implicit TLS outside a trusted network"] : []
    }

    /// Checks a settings request; the password is sealed, or the stored one kept when absent.
    /// - Returns: the settings to store, and whether a stored password was forgotten because the
    ///   host, port, user or TLS mode changed without a new one.
    func validated(_ r: SMTPSettingsRequest) async throws -> (settings: StoredSMTP, passwordForgotten: Bool) {
        let host = r.host.trimmingCharacters(in: .whitespaces)
        guard !host.isEmpty, host.count <= 253, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }) else {
            throw ServiceError(.invalid, field: "host", "must be a host name or IP address, like smtp.example.com")
        }
        guard let tls = TLSMode(rawValue: r.tls ?? "starttls") else {
            throw ServiceError(.invalid, field: "tls", "\"\(r.tls ?? "")\" is not starttls, implicit or none")
        }
        let port = r.port ?? SMTPSettings.defaultPort(for: tls)
        guard (1...65535).contains(port) else { throw ServiceError(.invalid, field: "port", "must be 1 to 65535 (587 STARTTLS, 465 implicit TLS)") }
        for (field, value) in [("from", r.from), ("reply_to", r.reply_to)] {
            guard let value else { continue }
            do { _ = try Mailbox(parsing: value, field: field) } catch {
                throw ServiceError(.invalid, field: field, ((error as? MailError)?.message ?? "\(error)") + "; write it as Name <address@example.com>")
            }
        }
        if let user = r.username, user.isEmpty || user.count > 320 || user.contains(where: { $0.isNewline }) {
            throw ServiceError(.invalid, field: "username", "must be one line of 1 to 320 characters")
        }
        if let password = r.password, password.isEmpty || password.count > 4096 || password.contains(where: { $0.isNewline }) {
            throw ServiceError(.invalid, field: "password", "must be one line of 1 to 4096 characters")
        }
        if r.password != nil && r.username == nil {
            throw ServiceError(.invalid, field: "username", "a password needs a user name")
        }
        // Without a password the stored one is kept, but only for the same server, user and TLS
        // mode: a changed host must never receive the password given for another, and a change
        // to `tls: none` must never send it in clear. Otherwise it is forgotten, and the answer says so.
        var sealed = try r.password.map { try secrets.seal($0) }
        var forgotten = false
        if sealed == nil, let previous = try await stored(), previous.passwordSealed != nil {
            if previous.host.lowercased() == host.lowercased(), previous.port == port, previous.tls == tls,
               let user = r.username, previous.username == user {
                sealed = previous.passwordSealed
            } else {
                forgotten = true
            }
        }
        return (StoredSMTP(host: host, port: port, tls: tls, username: r.username, passwordSealed: sealed, from: r.from,
                           replyTo: r.reply_to, preset: r.preset), forgotten)
    }

    /// Stores the settings (audited without the password); later sends use them.
    func save(_ r: SMTPSettingsRequest, actor: String) async throws -> SMTPSettingsView {
        let (checked, forgotten) = try await validated(r)
        try await repository.setSetting(Self.settingKey, String(decoding: try JSONEncoder.api.encode(checked), as: UTF8.self), actor: actor, now: clock.now)
        var answer = try await view()
        if forgotten {
            answer.warnings.insert("the stored password was forgotten because the host, port, user or TLS mode changed; send the password again with these settings", at: 0)
        }
        return answer
    }

    /// Sends a test mail step by step with the settings in force (or `settings`, not stored) and
    /// audits the verdict.
    func test(to: String, locale: String?, settings request: SMTPSettingsRequest?, actor: String) async throws -> SMTPTestResult {
        let recipient = try Validate.address(to, field: "to")
        let locale = locale ?? "en"
        guard supportedLocales.contains(locale) else { throw ServiceError(.invalid, field: "locale", "use de or en") }
        var settings: SMTPSettings
        var from = configuration.from
        if let request {
            let checked = try await validated(request).settings
            settings = try transportSettings(checked)
            from = checked.from
        } else {
            guard let current = try await current() else {
                throw ServiceError(.invalid, field: "settings", "no SMTP server is configured (mails go to \(configuration.mailDirectory.path)); PUT /api/v1/smtp first or send settings with the test")
            }
            settings = current
            from = try await stored()?.from ?? configuration.from
        }
        settings.caFile = settings.caFile ?? configuration.smtp?.caFile
        settings.commandTimeout = .seconds(15)
        if settings.ehloName == nil {
            // The machine's name comes from the resolver: on a worker thread.
            settings.ehloName = try await workers.run(.normal) { SMTPSettings.machineFQDN() }
        }
        var replyTo = request?.reply_to
        if request == nil { replyTo = try await stored()?.replyTo }
        let composer = try self.composer.with(from: from, replyTo: replyTo)
        let now = clock.now
        let tenant = Tenant(id: "admin", name: "Herald", locale: locale, timeZone: "UTC", plan: .free, createdAt: now)
        let (host, port, tls) = (settings.host, settings.port, settings.tls.rawValue)
        let mail = try await workers.run(.normal) {
            let context: [String: Any] = ["smtp": ["host": host, "port": port, "tls": tls],
                                          "sent_at": Formats.dateTime(now, zone: .gmt, locale: locale)]
            return try composer.compose(MailComposer.Envelope(tenant: tenant, kind: .test, locale: locale, recipients: [recipient.description],
                                                              context: context), now: now)
        }
        let message = EncodedMessage(bytes: [UInt8](mail.message), messageID: mail.messageID, mailFrom: mail.mailFrom, recipients: mail.recipients)
        let report = await SMTPDiagnostics.run(settings: settings, message: message)
        try await audit.appendAudit(AuditEntry(at: now, actor: actor, action: "smtp.test", subject: "smtp:\(settings.host):\(settings.port)",
                                         detail: report.verdict))
        return SMTPTestResult(succeeded: report.succeeded, verdict: report.verdict, steps: report.steps,
                              transcript: report.transcript.map(\.description))
    }
}
