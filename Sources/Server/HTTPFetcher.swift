import Dispatch
import Foundation
import SMTP

/// Fetches report data from a configured HTTP JSON source.
enum HTTPFetcher {
    static let queue = DispatchQueue(label: "herald.datasource", attributes: .concurrent)

    /// The source's JSON object for a tenant, report and period.
    /// - Throws: ``ServiceError`` `.failed` naming the source and the cause.
    static func fetchJSON(_ source: HTTPDataSource, tenant: String, report: String, period: ReportPeriod,
                          environment: [String: String]) async throws -> [String: Any] {
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
        let body: Data
        do {
            body = try await HTTPGet.fetch(url, headers: headers, timeout: source.timeoutSeconds ?? 30, on: queue)
        } catch let error as HTTPGet.Failure {
            throw ServiceError(.failed, field: "parameters.source", "report data: \(error.message)", transient: true)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw ServiceError(.failed, field: "parameters.source", "report data: the source did not answer with a JSON object", transient: true)
        }
        return object
    }
}
