import Foundation
import Hummingbird
import Reports
import Store

/// Builds the router: public health, metrics and OpenAPI; everything under `/api/v1` behind the
/// bearer-token middleware.
public func buildRouter(service: HeraldService) -> Router<HeraldRequestContext> {
    let router = Router(context: HeraldRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: MethodMiddleware())
    let log = service.log
    router.route(.get, "healthz") { _, _, _ -> Response in
        _ = try await log.queueDepth()
        return JSONResponse.make(["status": "ok"])
    }
    router.route(.get, "metrics") { _, _, _ -> Response in
        let text = service.metrics.exposition(counts: try await log.mailCounts(), depth: try await log.queueDepth())
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
    router.route(.get, "openapi.json") { _, _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
    }
    let api = router.group("api/v1").add(middleware: AuthMiddleware(service: service))
    SMTPRoutes(service: service).add(to: api)
    TenantRoutes(service: service).add(to: api)
    ScheduleRoutes(service: service).add(to: api.group("tenants/:tenant/schedules"))
    MessagingRoutes(service: service).add(to: api.group("tenants/:tenant"))
    TemplateRoutes(service: service).add(to: api.group("tenants/:tenant/templates"))
    LogRoutes(service: service).add(to: api)
    return router
}

extension HeraldRequestContext {
    /// The `{tenant}` of the path, as far as the caller may see it.
    func tenant(_ service: HeraldService) async throws -> Tenant {
        try await service.tenants.tenant(try parameters.require("tenant"), for: try caller())
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
    let service: HeraldService

    struct TenantPage: Encodable {
        var tenants: [TenantView]
        /// Pass as `after` for the next page; absent on the last page.
        var next_after: String?
    }

    func add(to group: RouterGroup<HeraldRequestContext>) {
        let tenants = service.tenants
        group.route(.post, "tenants", limit: service.configuration.maxBodyBytes) { _, context, input -> Response in
            try context.requireAdmin()
            let body = try input.json(TenantRequest.self)
            return JSONResponse.make(try await tenants.create(body, actor: "admin"), status: .created)
        }
        group.route(.get, "tenants") { request, context, _ -> Response in
            try context.requireAdmin()
            let q = Query(request: request)
            let limit = try q.int("limit", in: 1...500) ?? 50
            let page = try await tenants.list(search: q.string("q"), after: q.string("after"), limit: limit)
            return JSONResponse.make(TenantPage(tenants: page, next_after: page.count == limit ? page.last?.id : nil))
        }
        group.route(.get, "tenants/:tenant") { _, context, _ -> Response in
            JSONResponse.make(TenantView(try await context.tenant(service)))
        }
        group.route(.patch, "tenants/:tenant", limit: service.configuration.maxBodyBytes) { _, context, input -> Response in
            try context.requireAdmin()
            let tenant = try await context.tenant(service)
            let changes = try input.json(TenantUpdate.self)
            return JSONResponse.make(try await tenants.update(tenant, with: changes, actor: try context.caller().actor))
        }
        group.route(.get, "tenants/:tenant/tokens") { _, context, _ -> Response in
            struct List: Encodable { var tokens: [TokenView] }
            return JSONResponse.make(List(tokens: try await tenants.tokens(of: try await context.tenant(service))))
        }
        group.route(.post, "tenants/:tenant/tokens") { _, context, input -> Response in
            let tenant = try await context.tenant(service)
            let body = try input.json(TokenRequest.self)
            return JSONResponse.make(try await tenants.createToken(body, tenant: tenant, actor: try context.caller().actor), status: .created)
        }
        group.route(.delete, "tenants/:tenant/tokens/:id") { _, context, _ -> Response in
            let tenant = try await context.tenant(service)
            try await tenants.revokeToken(try context.parameters.require("id"), tenant: tenant, actor: try context.caller().actor)
            return Response(status: .noContent)
        }
        group.route(.post, "tenants/:tenant/tokens/:id/rotate") { _, context, _ -> Response in
            let tenant = try await context.tenant(service)
            return JSONResponse.make(try await tenants.rotateToken(try context.parameters.require("id"), tenant: tenant,
                                                                   actor: try context.caller().actor), status: .created)
        }
        group.route(.get, "tenants/:tenant/quotas") { _, context, _ -> Response in
            JSONResponse.make(tenants.quotaView(of: try await context.tenant(service)))
        }
        group.route(.put, "tenants/:tenant/quotas") { _, context, input -> Response in
            try context.requireAdmin()
            let tenant = try await context.tenant(service)
            let overrides = try input.json(QuotaOverrides.self)
            return JSONResponse.make(try await tenants.setQuotas(overrides, of: tenant, actor: try context.caller().actor))
        }
    }
}

struct ScheduleRoutes {
    let service: HeraldService

    struct List: Encodable { var schedules: [ScheduleView] }

    func add(to group: RouterGroup<HeraldRequestContext>) {
        let schedules = service.schedules
        let limit = service.configuration.maxBodyBytes
        group.route(.get) { _, context, _ -> Response in
            JSONResponse.make(List(schedules: try await schedules.list(tenant: try await context.tenant(service))))
        }
        group.route(.post, limit: limit) { _, context, input -> Response in
            let tenant = try await context.tenant(service)
            let body = try input.json(ScheduleDefinition.self)
            return JSONResponse.make(try await schedules.save(body, id: nil, tenant: tenant, actor: try context.caller().actor), status: .created)
        }
        group.route(.get, ":id") { _, context, _ -> Response in
            let tenant = try await context.tenant(service)
            return JSONResponse.make(try await schedules.get(try context.parameters.require("id"), tenant: tenant))
        }
        group.route(.put, ":id", limit: limit) { _, context, input -> Response in
            let tenant = try await context.tenant(service)
            let body = try input.json(ScheduleDefinition.self)
            return JSONResponse.make(try await schedules.save(body, id: try context.parameters.require("id"), tenant: tenant,
                                                              actor: try context.caller().actor))
        }
        group.route(.patch, ":id", limit: limit) { _, context, input -> Response in
            let tenant = try await context.tenant(service)
            let id = try context.parameters.require("id")
            let current = try JSONEncoder.api.encode(try await schedules.definition(id, tenant: tenant))
            let definition = try RequestBody(data: try input.mergePatch(over: current)).json(ScheduleDefinition.self)
            return JSONResponse.make(try await schedules.save(definition, id: id, tenant: tenant, actor: try context.caller().actor))
        }
        group.route(.delete, ":id") { _, context, _ -> Response in
            let tenant = try await context.tenant(service)
            try await schedules.delete(try context.parameters.require("id"), tenant: tenant, actor: try context.caller().actor)
            return Response(status: .noContent)
        }
        for (action, enabled) in [("pause", false), ("resume", true)] {
            group.route(.post, ":id/\(action)") { _, context, _ -> Response in
                let tenant = try await context.tenant(service)
                return JSONResponse.make(try await schedules.setEnabled(enabled, id: try context.parameters.require("id"), tenant: tenant,
                                                                        actor: try context.caller().actor))
            }
        }
        group.route(.post, ":id/run") { _, context, _ -> Response in
            let tenant = try await context.tenant(service)
            let run = try await schedules.runNow(try context.parameters.require("id"), tenant: tenant, actor: try context.caller().actor)
            var response = JSONResponse.make(MessagingRoutes.RunView(run), status: .accepted)
            response.headers[.location] = "/api/v1/tenants/\(tenant.id)/schedules/\(run.scheduleID)/runs"
            return response
        }
        group.route(.get, ":id/runs") { request, context, _ -> Response in
            let tenant = try await context.tenant(service)
            return try await MessagingRoutes.runPage(request, scheduleID: try context.parameters.require("id"), tenant: tenant, schedules: schedules)
        }
    }
}

/// Ad-hoc reports, alerts and 2FA: the routes that make mail.
struct MessagingRoutes {
    let service: HeraldService

    struct RunView: Encodable {
        /// A mail of the run and what became of it.
        struct Mail: Encodable {
            var outbox_id: Int64
            var status: String
        }
        var id: String
        var status: String
        var requested_at: Date
        var detail: String?
        var outbox_ids: [Int64]
        /// In run lists: the run's mails with their status.
        var mails: [Mail]?

        init(_ run: ReportRun, mails: [OutboxEntry]? = nil) {
            id = run.scheduleID
            status = run.status.rawValue
            requested_at = run.slot
            detail = run.detail
            outbox_ids = run.outboxIDList
            self.mails = mails?.map { Mail(outbox_id: $0.id!, status: $0.status.rawValue) }
        }
    }

    struct RunPage: Encodable {
        var runs: [RunView]
        /// Pass as `before` for the next page; absent on the last page.
        var next_before: Date?
    }

    /// A page of the tenant's runs (of one schedule when given), filtered by the query's
    /// `status`, `from`, `until`, paged by `before` and `limit`.
    static func runPage(_ request: Request, scheduleID: String?, tenant: Tenant, schedules: Schedules) async throws -> Response {
        let q = Query(request: request)
        let limit = try q.int("limit", in: 1...500) ?? 50
        let query = RunQuery(tenantID: tenant.id, scheduleID: scheduleID,
                             status: try q.choice("status", ReportRunStatus.self, allowed: ReportRunStatus.allCases.map(\.rawValue)),
                             from: try q.date("from"), until: try q.date("until"), before: try q.date("before"), limit: limit)
        let runs = try await schedules.runs(query, tenant: tenant)
        return JSONResponse.make(RunPage(runs: runs.map { RunView($0.run, mails: $0.mails) },
                                         next_before: runs.count == limit ? runs.last?.run.slot : nil))
    }

    struct Code: Decodable { var code: String }

    struct ReportBody: Decodable {
        var recipients: [ReportRecipient]
        var period: PeriodSpec?
        var parameters: [String: JSONValue]?
        var timezone: String?
        var subject: String?
    }

    func add(to group: RouterGroup<HeraldRequestContext>) {
        let (schedules, alerts, twoFactor) = (service.schedules, service.alerts, service.twoFactor)
        let limit = service.configuration.maxBodyBytes
        group.route(.post, "reports/:report/send", limit: limit) { _, context, input -> Response in
            let tenant = try await context.tenant(service)
            let body = try input.json(ReportBody.self)
            let run = try await schedules.requestReport(AdHocReport(report: try context.parameters.require("report"), recipients: body.recipients,
                                                                    period: body.period, parameters: body.parameters, timezone: body.timezone,
                                                                    subject: body.subject),
                                                        tenant: tenant, actor: try context.caller().actor)
            var response = JSONResponse.make(RunView(run), status: .accepted)
            response.headers[.location] = "/api/v1/tenants/\(tenant.id)/reports/runs/\(run.scheduleID)"
            return response
        }
        group.route(.get, "reports/runs") { request, context, _ -> Response in
            let tenant = try await context.tenant(service)
            return try await Self.runPage(request, scheduleID: nil, tenant: tenant, schedules: schedules)
        }
        group.route(.get, "reports/runs/:id") { _, context, _ -> Response in
            let tenant = try await context.tenant(service)
            return JSONResponse.make(RunView(try await schedules.run(try context.parameters.require("id"), tenant: tenant)))
        }
        group.route(.post, "alerts", limit: limit) { _, context, input -> Response in
            let tenant = try await context.tenant(service)
            let body = try input.json(AlertRequest.self)
            return JSONResponse.make(try await alerts.post(body, tenant: tenant), status: .accepted)
        }
        group.route(.post, "2fa") { _, context, input -> Response in
            let tenant = try await context.tenant(service)
            let body = try input.json(TwoFactorRequest.self)
            return JSONResponse.make(try await twoFactor.send(body, tenant: tenant), status: .accepted)
        }
        group.route(.post, "2fa/:id/verify") { _, context, input -> Response in
            let tenant = try await context.tenant(service)
            let body = try input.json(Code.self)
            let id = try context.parameters.require("id")
            guard let verdict = try await twoFactor.verify(id: id, code: body.code, tenant: tenant) else {
                throw ServiceError(.notFound, field: "id", "no 2FA code \"\(id)\"")
            }
            return JSONResponse.make(verdict, status: verdict.verified ? .ok : .unprocessableContent)
        }
    }
}
