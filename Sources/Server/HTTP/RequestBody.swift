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

    /// The body as a JSON merge patch (RFC 7396) applied to `base`: a member given replaces
    /// the base's, `null` removes it, objects merge member by member.
    /// - Throws: ``ServiceError`` `.badRequest` (400) when the body is not a JSON object.
    func mergePatch(over base: Data) throws -> Data {
        guard !data.isEmpty else { throw ServiceError(.badRequest, field: "body", "is empty; send a JSON object") }
        try Validate.printableText(json: data)
        guard let patch = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ServiceError(.badRequest, field: "body", "is not a JSON object")
        }
        let original = (try JSONSerialization.jsonObject(with: base)) as? [String: Any] ?? [:]
        return try JSONSerialization.data(withJSONObject: Self.merge(patch, into: original))
    }

    private static func merge(_ patch: [String: Any], into target: [String: Any]) -> [String: Any] {
        var result = target
        for (key, value) in patch {
            if value is NSNull {
                result[key] = nil
            } else if let object = value as? [String: Any] {
                result[key] = merge(object, into: result[key] as? [String: Any] ?? [:])
            } else {
                result[key] = value
            }
        }
        return result
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
    typealias Handler = @Sendable (Request, HeraldRequestContext, RequestBody) async throws -> Response

    /// Adds a route whose request body (at most `limit` bytes) is read in full before `handler`
    /// runs. Handlers call features, which keep blocking and CPU-bound work off Swift's
    /// cooperative pool.
    @discardableResult
    func route(_ method: HTTPRequest.Method, _ path: RouterPath = "", limit: Int = 64 * 1024, _ handler: @escaping Handler) -> Self {
        on(path, method: method) { request, context -> Response in
            var reading = request
            let body = try await RequestBody.read(&reading, limit: limit)
            return try await handler(reading, context, body)
        }
    }
}
