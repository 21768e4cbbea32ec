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

extension HeraldCore {
    /// The settings in force, for the API.
    public func smtpView() throws -> SMTPSettingsView {
        if let s = try storedSMTP() {
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
    func validated(_ r: SMTPSettingsRequest) throws -> (settings: StoredSMTP, passwordForgotten: Bool) {
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
        if sealed == nil, let stored = try storedSMTP(), stored.passwordSealed != nil {
            if stored.host.lowercased() == host.lowercased(), stored.port == port, stored.tls == tls,
               let user = r.username, stored.username == user {
                sealed = stored.passwordSealed
            } else {
                forgotten = true
            }
        }
        return (StoredSMTP(host: host, port: port, tls: tls, username: r.username, passwordSealed: sealed, from: r.from,
                           replyTo: r.reply_to, preset: r.preset), forgotten)
    }

    /// Stores the settings (audited without the password); later sends use them.
    public func saveSMTP(_ r: SMTPSettingsRequest, actor: String) throws -> SMTPSettingsView {
        let (stored, forgotten) = try validated(r)
        try store.setSetting(Self.smtpSettingKey, String(decoding: try JSONEncoder.api.encode(stored), as: UTF8.self), actor: actor, now: clock.now)
        var view = try smtpView()
        if forgotten {
            view.warnings.insert("the stored password was forgotten because the host, port, user or TLS mode changed; send the password again with these settings", at: 0)
        }
        return view
    }

    /// Sends a test mail step by step with the settings in force (or `settings`, not stored) and
    /// audits the verdict.
    public func testSMTP(to: String, locale: String?, settings request: SMTPSettingsRequest?, actor: String) async throws -> SMTPTestResult {
        let recipient = try Validate.address(to, field: "to")
        let locale = locale ?? "en"
        guard supportedLocales.contains(locale) else { throw ServiceError(.invalid, field: "locale", "use de or en") }
        var settings: SMTPSettings
        var from = configuration.from
        if let request {
            let stored = try validated(request).settings
            settings = try self.settings(stored)
            from = stored.from
        } else {
            guard let current = try smtpSettings() else {
                throw ServiceError(.invalid, field: "settings", "no SMTP server is configured (mails go to \(configuration.mailDirectory.path)); PUT /api/v1/smtp first or send settings with the test")
            }
            settings = current
            from = try storedSMTP()?.from ?? configuration.from
        }
        settings.caFile = settings.caFile ?? configuration.smtp?.caFile
        settings.commandTimeout = .seconds(15)
        let composer = try self.composer.with(from: from)
        let now = clock.now
        let tenant = Tenant(id: "admin", name: "Herald", locale: locale, timeZone: "UTC", plan: "free", createdAt: now)
        let context: [String: Any] = ["smtp": ["host": settings.host, "port": settings.port, "tls": settings.tls.rawValue],
                                      "sent_at": Formats.dateTime(now, zone: .gmt, locale: locale)]
        let mail = try composer.compose(MailComposer.Envelope(tenant: tenant, kind: .test, locale: locale, recipients: [recipient.description],
                                                              context: context), now: now)
        let message = EncodedMessage(bytes: [UInt8](mail.message), messageID: mail.messageID, mailFrom: mail.mailFrom, recipients: mail.recipients)
        let report = await SMTPDiagnostics.run(settings: settings, message: message)
        try store.appendAudit(AuditEntry(at: now, actor: actor, action: "smtp.test", subject: "smtp:\(settings.host):\(settings.port)",
                                         detail: report.verdict))
        return SMTPTestResult(succeeded: report.succeeded, verdict: report.verdict, steps: report.steps,
                              transcript: report.transcript.map(\.description))
    }
}
