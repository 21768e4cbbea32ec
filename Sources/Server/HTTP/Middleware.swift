import Foundation
import Hummingbird
import Logging
import Mail
import Store

/// Turns every error into a JSON body `{"error": {"code", "field", "message"}}` with a fitting
/// status. Errors of the input are 4xx; only Herald's own faults become 5xx, and those are logged.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServiceError {
            return Self.response(for: error)
        } catch let error as HTTPError {
            let code: ServiceError.Code = switch error.status {
            case .notFound: .notFound
            case .contentTooLarge: .tooLarge
            case .unauthorized: .unauthorized
            default: .badRequest
            }
            var response = Self.response(for: ServiceError(code, error.body ?? error.status.reasonPhrase), status: error.status)
            for field in error.headers { response.headers.append(field) }
            return response
        } catch let error as MailError {
            // What the checks let through but a mail cannot carry is still the input's fault.
            return Self.response(for: ServiceError(.invalid, field: error.field, error.message))
        } catch let error as StoreError {
            if error.code == .invalidInput { return Self.response(for: ServiceError(.invalid, error.message)) }
            if error.code == .notFound { return Self.response(for: ServiceError(.notFound, error.message)) }
            context.logger.error("database error", metadata: ["herald.error": "\(error.message)"])
            return Self.response(for: ServiceError(.unavailable, "the database is busy or failing; try again shortly"))
        } catch {
            context.logger.error("unexpected error", metadata: ["herald.error": "\(error)"])
            return Self.response(for: ServiceError(.unavailable, "Herald could not complete the request; try again shortly"),
                                 status: .internalServerError)
        }
    }

    static func status(for code: ServiceError.Code) -> HTTPResponse.Status {
        switch code {
        case .invalid, .failed: .unprocessableContent
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .gone: .gone
        case .rateLimited: .tooManyRequests
        case .tooLarge: .contentTooLarge
        case .methodNotAllowed: .methodNotAllowed
        default: .serviceUnavailable
        }
    }

    static func response(for error: ServiceError, status: HTTPResponse.Status? = nil) -> Response {
        struct Body: Encodable {
            struct Detail: Encodable {
                var code: String
                var field: String?
                var message: String
                var location: [String: String]?
            }
            var error: Detail
        }
        let body = Body(error: .init(code: error.code.description, field: error.field, message: error.message, location: error.location))
        var response = JSONResponse.make(body, status: status ?? Self.status(for: error.code))
        if error.code == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if error.code == .rateLimited { response.headers[.retryAfter] = "\(error.retryAfter ?? 60)" }
        return response
    }
}

/// A known path asked with a method it does not have: 405 with `Allow` naming those it has (from
/// the OpenAPI document), instead of the 404 of an unknown path.
struct MethodMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let method = request.method.rawValue
        if let allowed = OpenAPIDocument.methods(for: request.uri.path), !allowed.contains(method),
           !(method == "HEAD" && allowed.contains("GET")) {
            var response = ErrorMiddleware.response(for: ServiceError(.methodNotAllowed, field: "method",
                                                                      "\(method) is not allowed here; use \(allowed.joined(separator: ", "))"))
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
        return try await next(request, context)
    }
}

/// Finds the caller from `Authorization: Bearer TOKEN`: the admin token (compared by hash in
/// constant time) or a tenant token (looked up by its SHA-256).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let service: HeraldService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw ServiceError(.unauthorized, field: "Authorization", "send Authorization: Bearer TOKEN (the admin token or a tenant token)")
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let hash = SecretBox.tokenHash(token)
        var context = context
        if let admin = service.configuration.adminTokenHash, SecretBox.equal(Data(hash.utf8), Data(admin.utf8)) {
            context.principal = .admin
        } else if let found = try await service.tenants.token(hash: hash) {
            try Self.require(found.scope, allows: request)
            context.principal = .tenant(found.tenantID)
            context.scope = found.scope
        } else {
            throw ServiceError(.unauthorized, field: "Authorization", "the token is not known; check it, or ask the admin for a new one")
        }
        return try await next(request, context)
    }

    /// Refuses a request its token's scope does not cover: `tenant:read` reads only, `alerts`
    /// posts alerts only, `2fa` asks for and checks 2FA codes only.
    /// - Throws: ``ServiceError`` `.forbidden` naming the scope.
    static func require(_ scope: TokenScope, allows request: Request) throws {
        let parts = request.uri.path.split(separator: "/")
        let isTenantRoute = parts.count >= 4 && parts[0] == "api" && parts[2] == "tenants"
        let rest = isTenantRoute ? Array(parts.dropFirst(4)) : []
        let allowed: Bool
        switch scope {
        case .tenant: allowed = true
        case .tenantRead: allowed = request.method == .get || request.method == .head
        case .alerts: allowed = request.method == .post && rest == ["alerts"]
        case .twoFactor: allowed = request.method == .post && rest.first == "2fa"
        }
        guard allowed else {
            throw ServiceError(.forbidden, field: "Authorization",
                               "this token's scope \(scope.rawValue) does not cover \(request.method.rawValue) \(request.uri.path); use a token with scope tenant")
        }
    }
}

/// JSON responses.
enum JSONResponse {
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONEncoder.api.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
