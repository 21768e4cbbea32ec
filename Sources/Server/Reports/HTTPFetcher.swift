import Foundation
import SMTP

/// Fetches report data from a configured HTTP JSON source.
enum HTTPFetcher {
    /// The source's answer for a tenant, report and period; the transfer runs on the report lane.
    /// - Throws: ``ServiceError`` `.failed` naming the source and the cause.
    static func fetch(_ source: HTTPDataSource, tenant: String, report: String, period: ReportPeriod,
                      environment: [String: String], workers: Workers) async throws -> Data {
        let encode = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#/"))) ?? s }
        let url = source.url.replacingOccurrences(of: "{tenant}", with: encode(tenant))
            .replacingOccurrences(of: "{report}", with: encode(report))
            .replacingOccurrences(of: "{start}", with: encode(Formats.iso(period.start)))
            .replacingOccurrences(of: "{end}", with: encode(Formats.iso(period.end)))
        var headers: [String] = []
        if let variable = source.authorizationEnv {
            guard let value = environment[variable], !value.isEmpty else {
                throw ServiceError(.failed, field: "dataSources.authorizationEnv", "the environment variable \(variable) is not set; set it to the Authorization header's value")
            }
            headers.append("Authorization: \(value)")
        }
        let (headerLines, timeout) = (headers, source.timeoutSeconds ?? 30)
        do {
            return try await workers.run(.report) { try HTTPGet.fetch(url, headers: headerLines, timeout: timeout) }
        } catch let error as HTTPGet.Failure {
            throw ServiceError(.failed, field: "parameters.source", "report data: \(error.message)", transient: true)
        }
    }

    /// The answer as a JSON object.
    /// - Throws: ``ServiceError`` `.failed` when it is none.
    static func object(_ body: Data) throws -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw ServiceError(.failed, field: "parameters.source", "report data: the source did not answer with a JSON object", transient: true)
        }
        return object
    }
}
