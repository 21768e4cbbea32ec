import Foundation
import Hummingbird

/// A request body read in full before its handler runs, decoded as JSON on demand.
struct RequestBody: Sendable {
    let data: Data

    /// Reads the body, at most `limit` bytes.
    /// - Throws: ``ServiceError`` `.tooLarge` (413) past the limit.
    static func read(_ request: inout Request, limit: Int) async throws -> RequestBody {
        do {
            return RequestBody(data: Data(buffer: try await request.body.collect(upTo: limit)))
        } catch {
            throw ServiceError(.tooLarge, field: "body", "is larger than \(limit / 1024) KiB")
        }
    }

    /// Decodes the body; errors name the field and the expected type.
    /// - Throws: ``ServiceError`` `.badRequest` (400).
    func json<T: Decodable>(_ type: T.Type) throws -> T {
        guard !data.isEmpty else { throw ServiceError(.badRequest, field: "body", "is empty; send a JSON object") }
        try Validate.printableText(json: data)
        do {
            return try JSONDecoder.api.decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ServiceError(.badRequest, field: Self.path(context.codingPath + [key]), "is required")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw ServiceError(.badRequest, field: Self.path(context.codingPath), "must be \(Self.describe(expected))")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw ServiceError(.badRequest, field: Self.path(context.codingPath), "must be \(Self.describe(expected)), not null")
        } catch let DecodingError.dataCorrupted(context) {
            if context.codingPath.isEmpty {
                throw ServiceError(.badRequest, field: "body", "is not valid JSON")
            }
            throw ServiceError(.badRequest, field: Self.path(context.codingPath), context.debugDescription)
        } catch {
            throw ServiceError(.badRequest, field: "body", "cannot be read as JSON")
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text.isEmpty ? "body" : text
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

extension RouterMethods where Context == HeraldRequestContext {
    /// A handler that runs off Swift's cooperative pool, with the request body read in full.
    typealias BlockingHandler = @Sendable (Request, HeraldRequestContext, RequestBody) throws -> Response

    /// Adds a route whose handler runs off Swift's cooperative pool: the body (at most `limit`
    /// bytes) is read first, then `handler` runs on the service's database threads, where it may
    /// wait for the database without holding one of the few threads every request and loop of
    /// the service shares.
    @discardableResult
    func blocking(_ method: HTTPRequest.Method, _ path: RouterPath = "", core: HeraldCore, limit: Int = 64 * 1024,
                  _ handler: @escaping BlockingHandler) -> Self {
        reading(method, path, limit: limit, handler) { _, work in try await core.offload(work) }
    }

    /// Adds a route whose handler renders templates the caller's tenant controls: like
    /// ``blocking(_:_:core:limit:_:)``, but on the template threads, at most `tenantRenders` of
    /// the tenant at once (429 past its queue), so one tenant's renders never hold up the others
    /// or the rest of the API.
    @discardableResult
    func rendering(_ method: HTTPRequest.Method, _ path: RouterPath = "", core: HeraldCore, limit: Int = 64 * 1024,
                   _ handler: @escaping BlockingHandler) -> Self {
        reading(method, path, limit: limit, handler) { context, work in
            // The caller's own tenant holds the slot: a token cannot use up another tenant's slots
            // by naming it in the path (it gets its 404 in its own turn).
            let tenant: String
            switch context.principal {
            case .tenant(let id)?: tenant = id
            default: tenant = context.parameters.get("tenant") ?? "admin"
            }
            return try await core.renderForTenant(tenant, work)
        }
    }

    /// Reads the body, then hands `handler` to `run` to be run where it belongs.
    private func reading(_ method: HTTPRequest.Method, _ path: RouterPath, limit: Int, _ handler: @escaping BlockingHandler,
                         run: @escaping @Sendable (HeraldRequestContext, @escaping @Sendable () throws -> Response) async throws -> Response) -> Self {
        on(path, method: method) { request, context -> Response in
            var reading = request
            let body = try await RequestBody.read(&reading, limit: limit)
            let request = reading
            return try await run(context) { try handler(request, context, body) }
        }
    }
}
