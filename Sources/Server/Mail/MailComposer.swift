import Foundation
import Jinja
import Mail
import Reports
import Store

/// Kinds of mail with templates, as the template folders and the API name them.
public enum TemplateKind: String, Sendable, CaseIterable, Codable {
    case alert, recovery, acknowledgement, digest, report, twoFactor = "2fa", test
    /// The watchdog's mail to a tenant's admin about a report slot not sent in time.
    case watchdog

    /// The outbox lane the kind's mails take.
    var mailKind: MailKind {
        switch self {
        case .alert, .recovery, .acknowledgement, .watchdog: .alert
        case .digest: .digest
        case .report: .report
        case .twoFactor: .twoFactor
        case .test: .test
        }
    }
}

/// The locales Herald has default templates for.
public let supportedLocales = ["de", "en"]

/// The three templates of one kind and locale.
public struct TemplateSet: Sendable, Codable, Equatable {
    public var subject: String
    public var text: String
    public var html: String?
}

/// A rendered mail before it is encoded.
struct RenderedMail {
    var subject: String
    var text: String
    var html: String?
}

/// Renders mails from the tenant's templates (plan Pro and above) or the default ones, and turns
/// them into outbox entries: branding, From, threading headers, attachments.
public struct MailComposer: Sendable {
    let mailDirectory: URL
    /// The default templates as mails are sent: an undefined optional variable prints nothing,
    /// as in Jinja2, so a mail is never lost to a missing field.
    let defaults: Environment
    /// The same templates with strict undefined, for previews and upload checks.
    let strictDefaults: Environment
    private(set) var from: Mailbox
    /// Where replies go (the admin's SMTP settings), or nil.
    private(set) var replyTo: Mailbox?

    /// - Parameter reportsDirectory: ReportTemplates/, whose `mail/` holds the defaults.
    /// - Throws: ``ServiceError`` when `from` is not a mailbox, or `.configuration` naming the
    ///   first default template that is missing (every kind needs a subject and a text body in
    ///   every locale: a mail that cannot be made would be lost, not late).
    public init(reportsDirectory: URL, from: String) throws {
        mailDirectory = reportsDirectory.appendingPathComponent("mail")
        for kind in TemplateKind.allCases {
            for locale in supportedLocales {
                let names = Self.names(kind, locale)
                for name in [names.subject, names.text] where !FileManager.default.fileExists(atPath: mailDirectory.appendingPathComponent(name).path) {
                    throw ServiceError(.configuration, field: "reportsDirectory",
                                       "the default mail template \(mailDirectory.appendingPathComponent(name).path) is missing; point HERALD_REPORTS_DIR at the ReportTemplates folder of this release")
                }
            }
        }
        defaults = Environment(loader: DirectoryLoader(searchPath: [mailDirectory]), configuration: Self.configuration(strict: false), contextFilters: FormatFilters.all)
        strictDefaults = Environment(loader: DirectoryLoader(searchPath: [mailDirectory]), configuration: Self.configuration(strict: true), contextFilters: FormatFilters.all)
        self.from = try Self.sender(from)
    }

    /// The same composer (and its parsed templates) with another From and Reply-To.
    /// - Throws: ``ServiceError`` when `from` or `replyTo` is not a mailbox.
    func with(from text: String, replyTo reply: String? = nil) throws -> MailComposer {
        var copy = self
        copy.from = try Self.sender(text)
        copy.replyTo = try reply.map { try Self.sender($0) }
        return copy
    }

    /// The From mailbox.
    /// - Throws: ``ServiceError`` `.configuration` when `text` is not one.
    private static func sender(_ text: String) throws -> Mailbox {
        do {
            return try Mailbox(parsing: text, field: "from")
        } catch {
            throw ServiceError(.configuration, field: "from", "\(error); write it as Name <address@example.com>")
        }
    }

    static func configuration(strict: Bool) -> Configuration {
        var c = Configuration()
        c.autoescape = .byExtension
        if strict { c.undefined = .strict }
        c.limits = .sandboxed
        return c
    }

    static func names(_ kind: TemplateKind, _ locale: String) -> (subject: String, text: String, html: String) {
        ("\(kind.rawValue)/\(locale)/subject.txt.j2", "\(kind.rawValue)/\(locale)/body.txt.j2", "\(kind.rawValue)/\(locale)/body.html.j2")
    }

    /// The default templates of a kind and locale, as sources.
    public func defaultTemplates(_ kind: TemplateKind, locale: String) throws -> TemplateSet {
        let n = Self.names(kind, locale)
        let read = { (name: String) throws -> String in
            try String(contentsOf: mailDirectory.appendingPathComponent(name), encoding: .utf8)
        }
        return TemplateSet(subject: try read(n.subject), text: try read(n.text), html: try? read(n.html))
    }

    /// The sample data previews and upload checks render with, in the locale's own words where they differ.
    public func sampleData(_ kind: TemplateKind, locale: String) throws -> [String: Any] {
        let data = try Data(contentsOf: mailDirectory.appendingPathComponent("samples/\(kind.rawValue).json"))
        let base = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        // The sample's values in the locale's own words, where they differ (samples/KIND.LOCALE.json).
        guard let overlay = FileManager.default.contents(atPath: mailDirectory.appendingPathComponent("samples/\(kind.rawValue).\(locale).json").path),
              let values = try JSONSerialization.jsonObject(with: overlay) as? [String: Any] else { return base }
        return Self.merging(values, over: base)
    }

    /// `top` over `base`: objects merge key by key, at every depth; any other value of `top` replaces.
    static func merging(_ top: [String: Any], over base: [String: Any]) -> [String: Any] {
        var result = base
        for (key, value) in top {
            if let inner = value as? [String: Any], let under = base[key] as? [String: Any] {
                result[key] = merging(inner, over: under)
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// Renders `custom` (or the defaults when nil) with `context`; `strict` makes an undefined
    /// variable an error (previews and upload checks) instead of printing nothing (sending).
    /// - Throws: ``ServiceError`` `.invalid` with the template, line and column when a template is wrong.
    func render(_ kind: TemplateKind, locale: String, custom: TemplateSet?, context: [String: Any], strict: Bool) throws -> RenderedMail {
        let n = Self.names(kind, locale)
        let environment: Environment
        if let custom {
            var sources = [n.subject: custom.subject, n.text: custom.text]
            if let html = custom.html { sources[n.html] = html }
            environment = Environment(loader: ChoiceLoader([DictionaryLoader(sources), DirectoryLoader(searchPath: [mailDirectory])]),
                                      configuration: Self.configuration(strict: strict), contextFilters: FormatFilters.all)
        } else {
            environment = strict ? strictDefaults : defaults
        }
        // The locale filters (`number`, `date`, ...) read `locale` and `tz`.
        var context = context
        if context["locale"] == nil { context["locale"] = locale }
        let json = try JSONSerialization.data(withJSONObject: context)
        do {
            let subject = try environment.render(named: n.subject, json: json)
            let text = try environment.render(named: n.text, json: json)
            let hasHTML = custom.map { $0.html != nil } ?? FileManager.default.fileExists(atPath: mailDirectory.appendingPathComponent(n.html).path)
            let html = hasHTML ? try environment.render(named: n.html, json: json) : nil
            // A subject is one line: newlines and other control characters a template or its data
            // leaves become spaces, so every rendered subject can be written as a header.
            let printable = String(String.UnicodeScalarView(subject.unicodeScalars.map {
                $0.properties.generalCategory == .control ? " " : $0
            }))
            let oneLine = printable.split(separator: " ").joined(separator: " ")
            return RenderedMail(subject: oneLine, text: text, html: html)
        } catch let error as JinjaError {
            throw ServiceError(.invalid, field: "templates", error.description, location: [
                "template": error.templateName ?? "", "line": error.line.map(String.init) ?? "", "column": error.column.map(String.init) ?? "",
            ])
        }
    }

    /// The `tenant` variable every template receives.
    static func tenantContext(_ tenant: Tenant, locale: String) -> [String: Any] {
        [
            "name": tenant.name, "locale": locale, "brand_color": tenant.brandColor ?? "#1f6feb",
            "logo_cid": tenant.logo == nil ? "" : "logo@herald", "footer": tenant.footer ?? "",
        ]
    }

    /// What a composed mail needs besides its templates.
    struct Envelope {
        var tenant: Tenant
        var kind: TemplateKind
        var locale: String
        var recipients: [String]
        var context: [String: Any]
        var custom: TemplateSet?
        var messageID: String?
        var inReplyTo: String?
        var attachments: [Attachment] = []
        var idempotencyKey: String?
        var expiresAt: Date?
        var subjectOverride: String?
    }

    /// Renders and encodes a mail for the outbox.
    /// - Throws: ``ServiceError`` for a template or address problem.
    func compose(_ e: Envelope, now: Date) throws -> NewMail {
        var context = e.context
        context["tenant"] = Self.tenantContext(e.tenant, locale: e.locale)
        if context["tz"] == nil { context["tz"] = e.tenant.timeZone }
        let rendered: RenderedMail
        do {
            rendered = try render(e.kind, locale: e.locale, custom: e.custom, context: context, strict: false)
        } catch where e.custom != nil {
            // A custom template that fails on real data must not lose the mail: the defaults stand in.
            rendered = try render(e.kind, locale: e.locale, custom: nil, context: context, strict: false)
        }
        var sender = from
        if let name = e.tenant.fromName, !name.isEmpty { sender = try Mailbox(displayName: name, address: from.address, field: "fromName") }
        var message = MailMessage(from: sender)
        message.to = try e.recipients.map { try Mailbox(parsing: $0, field: "recipients") }
        if let replyTo { message.replyTo = [replyTo] }
        message.subject = e.subjectOverride ?? rendered.subject
        message.date = now
        message.text = rendered.text
        message.html = rendered.html
        message.messageID = e.messageID
        if let parent = e.inReplyTo {
            message.inReplyTo = [parent]
            message.references = [parent]
        }
        message.attachments = e.attachments
        if let logo = e.tenant.logo, rendered.html != nil {
            message.inlineImages = [InlineImage(contentID: "logo@herald", fileName: "logo.png", mediaType: "image/png", data: [UInt8](logo))]
        }
        // RFC 3834: every mail Herald makes by itself; the admin's test mail is sent by hand.
        if e.kind != .test {
            message.extraHeaders.append(HeaderField(name: "Auto-Submitted", value: "auto-generated"))
        }
        let encoded = try MessageWriter(timeZone: TimeZone(identifier: e.tenant.timeZone) ?? .gmt).encode(message)
        return NewMail(tenantID: e.tenant.id, kind: e.kind.mailKind, message: Data(encoded.bytes), messageID: encoded.messageID,
                       subject: message.subject, mailFrom: encoded.mailFrom, recipients: encoded.recipients,
                       idempotencyKey: e.idempotencyKey, expiresAt: e.expiresAt)
    }

    /// A stable Message-ID in the From domain: `<local@domain>`.
    func messageID(_ local: String) -> String {
        "<\(local)@\(from.address.domain)>"
    }
}
