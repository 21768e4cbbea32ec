import Foundation

/// The OpenAPI 3.1 document of every route, served at `/openapi.json`.
enum OpenAPIDocument {
    static let json: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return Array("{}".utf8) }
        return [UInt8](data)
    }()
}
