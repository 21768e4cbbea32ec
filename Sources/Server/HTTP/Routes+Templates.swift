import Foundation
import Hummingbird
import Store

struct TemplateRoutes {
    let core: HeraldCore

    struct TemplatesView: Encodable {
        /// `custom` or `default`.
        var source: String
        var kind: String
        var locale: String
        var subject: String
        var text: String
        var html: String?
        var updated_at: Date?
    }

    struct PreviewBody: Decodable {
        var subject: String?
        var text: String?
        var html: String?
        /// Data to render with instead of the kind's sample data.
        var data: [String: JSONValue]?
    }

    struct Preview: Encodable {
        var subject: String
        var text: String
        var html: String?
    }

    func add(to group: RouterGroup<HeraldRequestContext>) {
        group.blocking(.get, ":kind/:locale", core: core) { _, context, _ -> Response in
            let (tenant, kind, locale) = try target(context)
            if let custom = try core.store.customTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale) {
                return JSONResponse.make(TemplatesView(source: "custom", kind: kind.rawValue, locale: locale, subject: custom.subject,
                                                       text: custom.text, html: custom.html, updated_at: custom.updatedAt))
            }
            let defaults = try core.composer.defaultTemplates(kind, locale: locale)
            return JSONResponse.make(TemplatesView(source: "default", kind: kind.rawValue, locale: locale, subject: defaults.subject,
                                                   text: defaults.text, html: defaults.html, updated_at: nil))
        }
        group.rendering(.put, ":kind/:locale", core: core, limit: core.configuration.maxBodyBytes) { request, context, input -> Response in
            let (tenant, kind, locale) = try target(context)
            try requirePlan(tenant)
            try core.takeRate("previews_per_minute", period: 60, of: tenant, what: "template uploads and previews")
            let body = try input.json(TemplateSet.self)
            try check(body, kind: kind, locale: locale)
            let now = core.clock.now
            try core.store.saveCustomTemplate(CustomTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale, subject: body.subject,
                                                             text: body.text, html: body.html, updatedAt: now),
                                              actor: try context.caller().actor, now: now)
            return JSONResponse.make(TemplatesView(source: "custom", kind: kind.rawValue, locale: locale, subject: body.subject,
                                                   text: body.text, html: body.html, updated_at: now))
        }
        group.blocking(.delete, ":kind/:locale", core: core) { _, context, _ -> Response in
            let (tenant, kind, locale) = try target(context)
            guard try core.store.deleteCustomTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale,
                                                      actor: try context.caller().actor, now: core.clock.now) else {
                throw ServiceError(.notFound, field: "templates", "the tenant has no custom \(kind.rawValue) templates in \(locale); the defaults apply")
            }
            return Response(status: .noContent)
        }
        group.rendering(.post, ":kind/:locale/preview", core: core, limit: core.configuration.maxBodyBytes) { request, context, input -> Response in
            let (tenant, kind, locale) = try target(context)
            try core.takeRate("previews_per_minute", period: 60, of: tenant, what: "template uploads and previews")
            let body = try input.json(PreviewBody.self)
            var templates: TemplateSet?
            if body.subject != nil || body.text != nil || body.html != nil {
                try requirePlan(tenant)
                guard let subject = body.subject, let text = body.text else {
                    throw ServiceError(.badRequest, field: body.subject == nil ? "subject" : "text", "is required when previewing templates")
                }
                templates = TemplateSet(subject: subject, text: text, html: body.html)
            } else if let custom = try core.store.customTemplate(tenantID: tenant.id, kind: kind.rawValue, locale: locale) {
                templates = TemplateSet(subject: custom.subject, text: custom.text, html: custom.html)
            }
            // Given data goes over the kind's sample in the locale: a preview of one changed value
            // ({"alert": {"status": "WARN"}}) still has everything else the templates use.
            var data = try core.composer.sampleData(kind, locale: locale)
            if let given = body.data { data = MailComposer.merging(given.mapValues(\.foundation), over: data) }
            data["tenant"] = MailComposer.tenantContext(tenant, locale: locale)
            let rendered = try core.composer.render(kind, locale: locale, custom: templates, context: data, strict: true)
            return JSONResponse.make(Preview(subject: rendered.subject, text: rendered.text, html: rendered.html))
        }
    }

    func target(_ context: HeraldRequestContext) throws -> (Tenant, TemplateKind, String) {
        let tenant = try context.tenant(core)
        let kindName = try context.parameters.require("kind")
        guard let kind = TemplateKind(rawValue: kindName) else {
            throw ServiceError(.notFound, field: "kind", "no template kind \"\(kindName)\"; use one of \(TemplateKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let locale = try context.parameters.require("locale")
        guard supportedLocales.contains(locale) else {
            throw ServiceError(.notFound, field: "locale", "no locale \"\(locale)\"; use de or en")
        }
        return (tenant, kind, locale)
    }

    func requirePlan(_ tenant: Tenant) throws {
        guard Plan(rawValue: tenant.plan)?.allowsCustomTemplates == true else {
            throw ServiceError(.forbidden, field: "plan", "custom templates need plan Pro or above; this tenant is on \(tenant.plan)")
        }
    }

    /// Upload check: sizes, then the syntax and a strict render against the kind's sample data.
    func check(_ set: TemplateSet, kind: TemplateKind, locale: String) throws {
        for (field, text) in [("subject", set.subject), ("text", set.text), ("html", set.html ?? "")] {
            guard text.utf8.count <= 256 * 1024 else { throw ServiceError(.invalid, field: field, "is larger than 256 KiB") }
        }
        guard !set.subject.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ServiceError(.invalid, field: "subject", "is empty")
        }
        var data = try core.composer.sampleData(kind, locale: locale)
        if data["tenant"] == nil { data["tenant"] = [:] as [String: Any] }
        do {
            _ = try core.composer.render(kind, locale: locale, custom: set, context: data, strict: true)
        } catch var error as ServiceError {
            // Name the uploaded field the error is in, as well as the template, line and column.
            let names = MailComposer.names(kind, locale)
            let template = error.location?["template"] ?? ""
            let field = template == names.subject ? "subject" : template == names.text ? "text" : template == names.html ? "html" : "templates"
            error = ServiceError(.invalid, field: field, error.message, location: error.location)
            throw error
        }
    }
}
