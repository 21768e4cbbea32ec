import Foundation
import Hummingbird
import Store

struct TemplateRoutes {
    let service: HeraldService

    struct PreviewBody: Decodable {
        var subject: String?
        var text: String?
        var html: String?
        /// Data to render with instead of the kind's sample data.
        var data: [String: JSONValue]?
    }

    func add(to group: RouterGroup<HeraldRequestContext>) {
        let templates = service.templates
        let limit = service.configuration.maxBodyBytes
        group.route(.get, ":kind/:locale") { _, context, _ -> Response in
            let (tenant, kind, locale) = try await target(context)
            return JSONResponse.make(try await templates.view(tenant: tenant, kind: kind, locale: locale))
        }
        group.route(.put, ":kind/:locale", limit: limit) { _, context, input -> Response in
            let (tenant, kind, locale) = try await target(context)
            return JSONResponse.make(try await templates.save(tenant: tenant, kind: kind, locale: locale, actor: try context.caller().actor) {
                try input.json(TemplateSet.self)
            })
        }
        group.route(.delete, ":kind/:locale") { _, context, _ -> Response in
            let (tenant, kind, locale) = try await target(context)
            try await templates.delete(tenant: tenant, kind: kind, locale: locale, actor: try context.caller().actor)
            return Response(status: .noContent)
        }
        group.route(.post, ":kind/:locale/preview", limit: limit) { _, context, input -> Response in
            let (tenant, kind, locale) = try await target(context)
            return JSONResponse.make(try await templates.preview(tenant: tenant, kind: kind, locale: locale) {
                let body = try input.json(PreviewBody.self)
                return Templates.PreviewRequest(subject: body.subject, text: body.text, html: body.html, data: body.data)
            })
        }
    }

    func target(_ context: HeraldRequestContext) async throws -> (Tenant, TemplateKind, String) {
        let tenant = try await context.tenant(service)
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
}
