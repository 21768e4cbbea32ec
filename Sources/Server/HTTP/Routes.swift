import Foundation
import Hummingbird
import Reports
import Store

/// Builds the router: public health, metrics and OpenAPI; everything under `/api/v1` behind the
/// bearer-token middleware.
public func buildRouter(core: HeraldCore) -> Router<HeraldRequestContext> {
    let router = Router(context: HeraldRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.blocking(.get, "healthz", core: core) { _, _, _ -> Response in
        _ = try core.store.queueDepth()
        return JSONResponse.make(["status": "ok"])
    }
    router.blocking(.get, "metrics", core: core) { _, _, _ -> Response in
        let text = try core.metrics.exposition(store: core.store)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
    router.blocking(.get, "openapi.json", core: core) { _, _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
    }
    let api = router.group("api/v1").add(middleware: AuthMiddleware(core: core))
    SMTPRoutes(core: core).add(to: api)
    TenantRoutes(core: core).add(to: api)
    ScheduleRoutes(core: core).add(to: api.group("tenants/:tenant/schedules"))
    MessagingRoutes(core: core).add(to: api.group("tenants/:tenant"))
    TemplateRoutes(core: core).add(to: api.group("tenants/:tenant/templates"))
    LogRoutes(core: core).add(to: api)
    return router
}

extension HeraldRequestContext {
    /// The `{tenant}` of the path, as far as the caller may see it.
    func tenant(_ core: HeraldCore) throws -> Tenant {
        try core.tenant(try parameters.require("tenant"), for: try caller())
    }
}

/// Query parameters, with errors that name them.
struct Query {
    let request: Request

    func string(_ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init)
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ServiceError(.badRequest, field: name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func date(_ name: String) throws -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = ReportFormat.parseISO(text) else {
            throw ServiceError(.badRequest, field: name, "must be an ISO 8601 instant like 2026-11-25T08:00:00Z")
        }
        return date
    }

    func choice<T: RawRepresentable>(_ name: String, _ type: T.Type, allowed: [String]) throws -> T? where T.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw ServiceError(.badRequest, field: name, "\"\(text)\" is not one of \(allowed.joined(separator: ", "))")
        }
        return value
    }
}

struct TenantRoutes {
    let core: HeraldCore

    func add(to group: RouterGroup<HeraldRequestContext>) {
        group.blocking(.post, "tenants", core: core, limit: core.configuration.maxBodyBytes) { request, context, input -> Response in
            try context.requireAdmin()
            let body = try input.json(TenantRequest.self)
            return JSONResponse.make(try core.createTenant(body, actor: "admin"), status: .created)
        }
        group.blocking(.get, "tenants/:tenant", core: core) { _, context, _ -> Response in
            JSONResponse.make(TenantView(try context.tenant(core)))
        }
        group.blocking(.get, "tenants/:tenant/quotas", core: core) { _, context, _ -> Response in
            JSONResponse.make(core.quotaView(of: try context.tenant(core)))
        }
        group.blocking(.put, "tenants/:tenant/quotas", core: core) { _, context, input -> Response in
            try context.requireAdmin()
            let tenant = try context.tenant(core)
            let overrides = try input.json(QuotaOverrides.self)
            return JSONResponse.make(try core.setQuotas(overrides, of: tenant, actor: try context.caller().actor))
        }
    }
}

struct ScheduleRoutes {
    let core: HeraldCore

    struct List: Encodable { var schedules: [ScheduleView] }

    func add(to group: RouterGroup<HeraldRequestContext>) {
        group.blocking(.get, core: core) { _, context, _ -> Response in
            let tenant = try context.tenant(core)
            return JSONResponse.make(List(schedules: try core.store.schedules(tenantID: tenant.id).map { try core.view(of: $0, tenant: tenant) }))
        }
        group.blocking(.post, core: core, limit: core.configuration.maxBodyBytes) { request, context, input -> Response in
            let tenant = try context.tenant(core)
            let body = try input.json(ScheduleDefinition.self)
            return JSONResponse.make(try core.saveSchedule(body, id: nil, tenant: tenant, actor: try context.caller().actor), status: .created)
        }
        group.blocking(.get, ":id", core: core) { _, context, _ -> Response in
            let tenant = try context.tenant(core)
            let id = try context.parameters.require("id")
            guard let record = try core.store.schedule(id, tenantID: tenant.id) else {
                throw ServiceError(.notFound, field: "schedule", "no schedule \"\(id)\"")
            }
            return JSONResponse.make(try core.view(of: record, tenant: tenant))
        }
        group.blocking(.put, ":id", core: core, limit: core.configuration.maxBodyBytes) { request, context, input -> Response in
            let tenant = try context.tenant(core)
            let body = try input.json(ScheduleDefinition.self)
            return JSONResponse.make(try core.saveSchedule(body, id: try context.parameters.require("id"), tenant: tenant,
                                                           actor: try context.caller().actor))
        }
        group.blocking(.delete, ":id", core: core) { _, context, _ -> Response in
            let tenant = try context.tenant(core)
            let id = try context.parameters.require("id")
            guard try core.store.deleteSchedule(id, tenantID: tenant.id, actor: try context.caller().actor, now: core.clock.now) else {
                throw ServiceError(.notFound, field: "schedule", "no schedule \"\(id)\"")
            }
            return Response(status: .noContent)
        }
    }
}

/// Ad-hoc reports, alerts and 2FA: the routes that make mail.
struct MessagingRoutes {
    let core: HeraldCore

    struct RunView: Encodable {
        var id: String
        var status: String
        var requested_at: Date
        var detail: String?
        var outbox_ids: [Int64]

        init(_ run: ReportRun) {
            id = run.scheduleID
            status = run.status.rawValue
            requested_at = run.slot
            detail = run.detail
            outbox_ids = run.outboxIDList
        }
    }

    struct Code: Decodable { var code: String }

    func add(to group: RouterGroup<HeraldRequestContext>) {
        group.blocking(.post, "reports/:report/send", core: core, limit: core.configuration.maxBodyBytes) { _, context, input -> Response in
            let tenant = try context.tenant(core)
            struct Body: Decodable {
                var recipients: [ReportRecipient]
                var period: PeriodSpec?
                var parameters: [String: JSONValue]?
                var timezone: String?
                var subject: String?
            }
            let body = try input.json(Body.self)
            let run = try core.requestReport(AdHocReport(report: try context.parameters.require("report"), recipients: body.recipients,
                                                         period: body.period, parameters: body.parameters, timezone: body.timezone,
                                                         subject: body.subject),
                                             tenant: tenant, actor: try context.caller().actor)
            var response = JSONResponse.make(RunView(run), status: .accepted)
            response.headers[.location] = "/api/v1/tenants/\(tenant.id)/reports/runs/\(run.scheduleID)"
            return response
        }
        group.blocking(.get, "reports/runs/:id", core: core) { _, context, _ -> Response in
            let tenant = try context.tenant(core)
            let id = try context.parameters.require("id")
            guard let run = try core.store.run(scheduleID: id, tenantID: tenant.id) else {
                throw ServiceError(.notFound, field: "id", "no report run \"\(id)\"")
            }
            return JSONResponse.make(RunView(run))
        }
        group.rendering(.post, "alerts", core: core, limit: core.configuration.maxBodyBytes) { request, context, input -> Response in
            let tenant = try context.tenant(core)
            let body = try input.json(AlertRequest.self)
            return JSONResponse.make(try core.postAlert(body, tenant: tenant), status: .accepted)
        }
        group.rendering(.post, "2fa", core: core, limit: 64 * 1024) { request, context, input -> Response in
            let tenant = try context.tenant(core)
            let body = try input.json(TwoFactorRequest.self)
            return JSONResponse.make(try core.sendTwoFactor(body, tenant: tenant), status: .accepted)
        }
        group.blocking(.post, "2fa/:id/verify", core: core, limit: 64 * 1024) { request, context, input -> Response in
            let tenant = try context.tenant(core)
            let body = try input.json(Code.self)
            let id = try context.parameters.require("id")
            guard let verdict = try core.verifyTwoFactor(id: id, code: body.code, tenant: tenant) else {
                throw ServiceError(.notFound, field: "id", "no 2FA code \"\(id)\"")
            }
            return JSONResponse.make(verdict, status: verdict.verified ? .ok : .unprocessableContent)
        }
    }
}
