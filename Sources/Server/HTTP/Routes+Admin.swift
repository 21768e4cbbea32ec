import Foundation
import Hummingbird
import SMTP
import Store

struct SMTPRoutes {
    let service: HeraldService

    struct TestBody: Decodable {
        var to: String
        var locale: String?
        var settings: SMTPSettingsRequest?
    }

    func add(to group: RouterGroup<HeraldRequestContext>) {
        let settings = service.mailSettings
        let presets = service.configuration.presetsFile.path
        group.route(.get, "smtp") { _, context, _ -> Response in
            try context.requireAdmin()
            return JSONResponse.make(try await settings.view())
        }
        group.route(.put, "smtp") { _, context, input -> Response in
            try context.requireAdmin()
            let body = try input.json(SMTPSettingsRequest.self)
            return JSONResponse.make(try await settings.save(body, actor: "admin"))
        }
        group.route(.get, "smtp/presets") { _, context, _ -> Response in
            try context.requireAdmin()
            struct List: Encodable { var presets: [SMTPPreset] }
            do {
                return JSONResponse.make(List(presets: try await settings.workers.run(.normal) { try SMTPPreset.load(from: presets) }))
            } catch {
                throw ServiceError(.configuration, "cannot read the provider presets at \(presets)")
            }
        }
        group.post("smtp/test") { request, context -> Response in
            // Only the admin's body is read.
            try context.requireAdmin()
            var request = request
            let body = try await RequestBody.read(&request, limit: 64 * 1024).json(TestBody.self)
            return JSONResponse.make(try await settings.test(to: body.to, locale: body.locale, settings: body.settings, actor: "admin"))
        }
    }
}

struct LogRoutes {
    let service: HeraldService

    struct Page<T: Encodable>: Encodable {
        var entries: [T]
        /// Pass as `before` for the next page; absent on the last page.
        var next_before: Int64?
    }

    struct AuditView: Encodable {
        var id: Int64
        var at: Date
        var actor: String
        var action: String
        var tenant: String?
        var subject: String?
        var detail: String
    }

    struct SuppressionView: Encodable {
        var address: String
        var reason: String
        var reply_code: Int?
        var enhanced_code: String?
        var reply: String?
        var created_at: Date
    }

    func add(to group: RouterGroup<HeraldRequestContext>) {
        let log = service.log
        group.route(.get, "tenants/:tenant/notification-log") { request, context, _ -> Response in
            let tenant = try await context.tenant(service)
            let q = Query(request: request)
            let limit = try q.int("limit", in: 1...500) ?? 50
            let query = LogQuery(tenantID: tenant.id,
                                 status: try q.choice("status", OutboxStatus.self, allowed: OutboxStatus.allCases.map(\.rawValue)),
                                 kind: try q.choice("kind", MailKind.self, allowed: MailKind.allCases.map(\.rawValue)),
                                 recipient: q.string("recipient"), from: try q.date("from"), until: try q.date("until"),
                                 limit: limit, before: try q.int("before", in: 1...Int.max).map(Int64.init))
            let entries = try await log.entries(query)
            return JSONResponse.make(Page(entries: entries.map(LogView.init), next_before: entries.count == limit ? entries.last?.entry.id : nil))
        }
        group.route(.get, "audit") { request, context, _ -> Response in
            try context.requireAdmin()
            let q = Query(request: request)
            let limit = try q.int("limit", in: 1...500) ?? 100
            let entries = try await log.auditTrail(limit: limit, before: try q.int("before", in: 1...Int.max).map(Int64.init), tenantID: q.string("tenant"))
            return JSONResponse.make(Page(entries: entries.map {
                AuditView(id: $0.id!, at: $0.at, actor: $0.actor, action: $0.action, tenant: $0.tenantID, subject: $0.subject, detail: $0.detail)
            }, next_before: entries.count == limit ? entries.last?.id : nil))
        }
        group.route(.get, "tenants/:tenant/suppressions") { _, context, _ -> Response in
            let tenant = try await context.tenant(service)
            struct List: Encodable { var suppressions: [SuppressionView] }
            return JSONResponse.make(List(suppressions: try await log.suppressions(tenantID: tenant.id).map {
                SuppressionView(address: $0.address, reason: $0.reason, reply_code: $0.replyCode, enhanced_code: $0.enhancedCode,
                                reply: $0.replyText, created_at: $0.createdAt)
            }))
        }
        group.route(.delete, "tenants/:tenant/suppressions") { request, context, _ -> Response in
            let tenant = try await context.tenant(service)
            guard let address = Query(request: request).string("address"), !address.isEmpty else {
                throw ServiceError(.badRequest, field: "address", "give the address to lift as ?address=")
            }
            try await log.liftSuppression(tenantID: tenant.id, address: address, actor: try context.caller().actor)
            return Response(status: .noContent)
        }
    }
}
