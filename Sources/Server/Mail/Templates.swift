import Clocks
import Foundation
import Store

/// A tenant's templates of one kind and locale as the API shows them.
public struct TemplatesView: Sendable, Encodable {
    /// `custom` or `default`.
    public var source: String
    public var kind: String
    public var locale: String
    public var subject: String
    public var text: String
    public var html: String?
    public var updated_at: Date?
}

/// A rendered preview.
public struct TemplatePreview: Sendable, Encodable {
    public var subject: String
    public var text: String
    public var html: String?
}

extension Plan {
    /// Custom mail templates need Pro or above.
    var allowsCustomTemplates: Bool { self != .free }
}

/// The tenants' own mail templates: what each mail kind renders with, uploads checked against
/// the kind's sample data, previews. Renders run behind the tenant's ``RenderGate``.
final class Templates: Sendable {
    let repository: any TenantRepository
    let composer: MailComposer
    let tenants: Tenants
    let gate: RenderGate
    let clock: any WallClock

    init(repository: any TenantRepository, composer: MailComposer, tenants: Tenants, gate: RenderGate, clock: any WallClock) {
        self.repository = repository
        self.composer = composer
        self.tenants = tenants
        self.gate = gate
        self.clock = clock
    }

    /// A tenant's custom templates of a kind per locale (plan Pro and above only).
    func custom(tenant: Tenant, kind: TemplateKind) async throws -> [String: TemplateSet] {
        guard tenant.plan.allowsCustomTemplates else { return [:] }
        var result: [String: TemplateSet] = [:]
        for locale in supportedLocales {
            if let t = try await repository.customTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale) {
                result[locale] = TemplateSet(subject: t.subject, text: t.text, html: t.html)
            }
        }
        return result
    }

    /// The templates in force: the tenant's own, else the defaults.
    func view(tenant: Tenant, kind: TemplateKind, locale: String) async throws -> TemplatesView {
        if let custom = try await repository.customTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale) {
            return TemplatesView(source: "custom", kind: kind.rawValue, locale: locale, subject: custom.subject,
                                 text: custom.text, html: custom.html, updated_at: custom.updatedAt)
        }
        let defaults = try await gate.render(.normal) { [composer] in try composer.defaultTemplates(kind, locale: locale) }
        return TemplatesView(source: "default", kind: kind.rawValue, locale: locale, subject: defaults.subject,
                             text: defaults.text, html: defaults.html, updated_at: nil)
    }

    /// Checks and stores a tenant's templates (audited). `body` reads them from the request, once
    /// the plan and the preview quota allow an upload.
    /// - Throws: ``ServiceError`` `.forbidden` below plan Pro, `.rateLimited` past the preview
    ///   quota or the tenant's render slots, `.invalid` naming the field, line and column of a
    ///   template error.
    func save(tenant: Tenant, kind: TemplateKind, locale: String, actor: String,
              body: () throws -> TemplateSet) async throws -> TemplatesView {
        try await gate.admit(tenant.id) {
            try requirePlan(tenant)
            try tenants.takeRate("previews_per_minute", period: 60, of: tenant, what: "template uploads and previews")
            let set = try body()
            try await gate.render(.normal) { [composer] in try Self.check(set, kind: kind, locale: locale, composer: composer) }
            let now = clock.now
            try await repository.saveCustomTemplate(CustomTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale, subject: set.subject,
                                                                   text: set.text, html: set.html, updatedAt: now),
                                                    actor: actor, now: now)
            return TemplatesView(source: "custom", kind: kind.rawValue, locale: locale, subject: set.subject,
                                 text: set.text, html: set.html, updated_at: now)
        }
    }

    /// Removes a tenant's templates (the defaults apply again).
    /// - Throws: ``ServiceError`` `.notFound` when it has none.
    func delete(tenant: Tenant, kind: TemplateKind, locale: String, actor: String) async throws {
        guard try await repository.deleteCustomTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale, actor: actor, now: clock.now) else {
            throw ServiceError(.notFound, field: "templates", "the tenant has no custom \(kind.rawValue) templates in \(locale); the defaults apply")
        }
    }

    /// What a preview request gives: templates to render (all absent: the tenant's own, else the
    /// defaults) and data to merge over the kind's sample.
    struct PreviewRequest {
        var subject: String?
        var text: String?
        var html: String?
        var data: [String: JSONValue]?
    }

    /// Renders the given templates (else the tenant's own, else the defaults) with the kind's
    /// sample data in the locale, the given data merged over it: a preview of one changed value
    /// still has everything else. `body` reads the request once the preview quota allows one.
    func preview(tenant: Tenant, kind: TemplateKind, locale: String, body: () throws -> PreviewRequest) async throws -> TemplatePreview {
        try await gate.admit(tenant.id) {
            try tenants.takeRate("previews_per_minute", period: 60, of: tenant, what: "template uploads and previews")
            let request = try body()
            var templates: TemplateSet?
            if request.subject != nil || request.text != nil || request.html != nil {
                try requirePlan(tenant)
                guard let subject = request.subject, let text = request.text else {
                    throw ServiceError(.badRequest, field: request.subject == nil ? "subject" : "text", "is required when previewing templates")
                }
                templates = TemplateSet(subject: subject, text: text, html: request.html)
            } else if let custom = try await repository.customTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale) {
                templates = TemplateSet(subject: custom.subject, text: custom.text, html: custom.html)
            }
            let (chosen, data) = (templates, request.data)
            return try await gate.render(.normal) { [composer] in
                var context = try composer.sampleData(kind, locale: locale)
                if let data { context = MailComposer.merging(data.mapValues(\.foundation), over: context) }
                context["tenant"] = MailComposer.tenantContext(tenant, locale: locale)
                let rendered = try composer.render(kind, locale: locale, custom: chosen, context: context, strict: true)
                return TemplatePreview(subject: rendered.subject, text: rendered.text, html: rendered.html)
            }
        }
    }

    func requirePlan(_ tenant: Tenant) throws {
        guard tenant.plan.allowsCustomTemplates else {
            throw ServiceError(.forbidden, field: "plan", "custom templates need plan Pro or above; this tenant is on \(tenant.plan.rawValue)")
        }
    }

    /// Upload check: sizes, then the syntax and a strict render against the kind's sample data.
    static func check(_ set: TemplateSet, kind: TemplateKind, locale: String, composer: MailComposer) throws {
        for (field, text) in [("subject", set.subject), ("text", set.text), ("html", set.html ?? "")] {
            guard text.utf8.count <= 256 * 1024 else { throw ServiceError(.invalid, field: field, "is larger than 256 KiB") }
        }
        guard !set.subject.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ServiceError(.invalid, field: "subject", "is empty")
        }
        var data = try composer.sampleData(kind, locale: locale)
        if data["tenant"] == nil { data["tenant"] = [:] as [String: Any] }
        do {
            _ = try composer.render(kind, locale: locale, custom: set, context: data, strict: true)
        } catch let error as ServiceError {
            // Name the uploaded field the error is in, as well as the template, line and column.
            let names = MailComposer.names(kind, locale)
            let template = error.location?["template"] ?? ""
            let field = template == names.subject ? "subject" : template == names.text ? "text" : template == names.html ? "html" : "templates"
            throw ServiceError(.invalid, field: field, error.message, location: error.location)
        }
    }
}
