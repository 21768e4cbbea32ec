import Foundation

/// The OpenAPI 3.1 document of every route, served at `/openapi.json`.
enum OpenAPIDocument {
    static let json: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return Array("{}".utf8) }
        return [UInt8](data)
    }()
}

extension OpenAPIDocument {
    /// One documented path: its segments (`nil` for a `{parameter}`) and its methods.
    struct Route: Sendable {
        let segments: [String?]
        let methods: [String]

        func matches(_ path: [Substring]) -> Bool {
            path.count == segments.count && zip(segments, path).allSatisfy { segment, part in segment.map { $0 == part } ?? !part.isEmpty }
        }
    }

    /// Every documented path with its methods, from the document itself.
    static let routes: [Route] = {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let paths = object["paths"] as? [String: Any] else { return [] }
        return paths.map { path, item in
            let segments = path.split(separator: "/").map { $0.hasPrefix("{") ? nil : String($0) }
            let methods = ((item as? [String: Any])?.keys.map { $0.uppercased() } ?? [])
                .filter { ["GET", "PUT", "POST", "DELETE", "PATCH"].contains($0) }.sorted()
            return Route(segments: segments, methods: methods)
        }
    }()

    /// The methods the document allows on `path`, or nil when it documents no such path.
    static func methods(for path: String) -> [String]? {
        let parts = path.split(separator: "/")
        // A literal segment wins over a parameter (`/reports/runs/x` is not `/reports/{report}/send`).
        let found = routes.filter { $0.matches(parts) }
        guard !found.isEmpty else { return nil }
        return Array(Set(found.flatMap(\.methods))).sorted()
    }
}
