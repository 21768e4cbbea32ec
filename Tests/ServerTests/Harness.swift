import Clocks
import Foundation
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import SMTP
@testable import Server
@testable import Store

/// One service for a test: a temporary SQLite file, a manual clock, and either a real SMTP peer
/// (aiosmtpd on loopback) or the file transport.
final class Harness: @unchecked Sendable {
    // @unchecked: every property is set in init and only read afterwards.
    static let adminToken = "herald-test-admin-token-0123456789"
    /// Monday 2026-11-23 05:00 UTC (06:00 in Berlin).
    static let start = Date(timeIntervalSince1970: 1_795_410_000)

    let dir: URL
    let store: Store
    let clock: ManualWallClock
    let core: HeraldService
    let peer: SMTPPeer?
    let app: Application<RouterResponder<HeraldRequestContext>>

    /// - Parameters:
    ///   - smtp: start an aiosmtpd peer and deliver to it; otherwise mails go to the file transport.
    ///   - reuse: open this harness's database and clock again (a restart).
    init(smtp: Bool = true, peerOptions: [String] = [], reuse: Harness? = nil, environment: [String: String] = [:],
         configure: (inout ServiceConfiguration) -> Void = { _ in }) throws {
        dir = reuse?.dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("herald-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try Store(path: dir.appendingPathComponent("herald.sqlite").path)
        clock = reuse?.clock ?? ManualWallClock(now: Self.start)
        peer = try reuse?.peer ?? (smtp ? SMTPPeer(peerOptions) : nil)
        var configuration = ServiceConfiguration(root: packageRoot, dataDirectory: dir)
        configuration.adminTokenHash = SecretBox.tokenHash(Self.adminToken)
        configuration.from = "Herald Reports <reports@herald.test>"
        configuration.delivery.workers = 1
        configuration.delivery.retryDelays = [5, 30, 300]
        if let peer {
            configuration.smtp = SMTPSettings(host: "127.0.0.1", port: peer.port, tls: .none, ehloName: "client.herald.test",
                                              connectTimeout: .seconds(5), commandTimeout: .seconds(10))
        }
        configure(&configuration)
        core = try HeraldService(configuration: configuration, store: store, clock: clock,
                              secrets: try SecretBox(keyData: Data(repeating: 7, count: 32)), environment: environment)
        app = Application(router: buildRouter(service: core))
    }

    /// Removes the database (the peer stops with its last reference).
    func remove() {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Delivers everything due now.
    func deliver() async throws {
        try await core.makeDeliverer().run(once: true)
    }

    /// Runs the scheduler, renders what is pending, delivers.
    func tick() async throws {
        try await core.scheduler.plan()
        try await core.reports.renderPending()
        try await core.digests.flush()
        try await deliver()
    }

    /// The peer's messages, parsed by Python's email package.
    func received() throws -> [ParsedMail] {
        guard let peer else { return [] }
        return try ParsedMail.parse(peer.messages)
    }

    /// Runs `body` with a test client of the router.
    func client<T>(_ body: (API) async throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let box = Unchecked(body)
            return try await app.test(.router) { client in Unchecked(try await box.value(API(client: client))) }.value
        }
    }

    /// Creates a tenant through the API and returns its token.
    @discardableResult
    func tenant(_ id: String, plan: String = "pro", locale: String = "en", timezone: String = "Europe/Berlin",
                admin: String? = nil) async throws -> String {
        try await client { api in
            var body: [String: Any] = ["id": id, "name": "Tenant \(id)", "plan": plan, "locale": locale, "timezone": timezone]
            if let admin { body["admin_email"] = admin }
            let response = try await api.call(.post, "/api/v1/tenants", token: Self.adminToken, json: body)
            guard response.status == .created, let token = response.object["token"] as? String else {
                throw HarnessError("creating tenant \(id): \(response.status) \(response.text)")
            }
            return token
        }
    }
}

/// Carries test-local values (JSON dictionaries, closures) into the test client's `@Sendable`
/// closure. Safe: the closure runs once, awaited by the caller, with nothing else touching them.
struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A response with its JSON body decoded.
struct APIResponse: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    /// The body as a JSON object ([:] when it is none).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// `error.field` of an error body.
    var errorField: String? { (object["error"] as? [String: Any])?["field"] as? String }
    var errorMessage: String? { (object["error"] as? [String: Any])?["message"] as? String }
}

/// The router's test client with JSON and bearer tokens.
struct API: Sendable {
    let client: any TestClientProtocol

    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = Harness.adminToken, json: Any? = nil,
              raw: String? = nil) async throws -> APIResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = "application/json"
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers[.contentType] = "application/json"
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            APIResponse(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }
}

/// What Python's email package (Tests/Peers/parse_mail.py) finds in a received message.
struct ParsedMail: Decodable, Sendable {
    struct Mailbox: Decodable, Sendable { let name: String?; let addr: String }
    struct Attachment: Decodable, Sendable { let filename: String?; let content_type: String; let size: Int; let sha256: String }
    let defects: [String]
    let subject: String?
    let from: [Mailbox]?
    let to: [Mailbox]?
    let reply_to: [Mailbox]?
    let message_id: String?
    let in_reply_to: String?
    let references: String?
    let extra: [String: String]
    let texts: [String: String]
    let attachments: [Attachment]
    let inline: [Attachment]

    static func parse(_ messages: [Data]) throws -> [ParsedMail] {
        guard !messages.isEmpty else { return [] }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-parse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let paths = try messages.enumerated().map { index, data in
            let url = dir.appendingPathComponent("\(index).eml")
            try data.write(to: url)
            return url.path
        }
        return try JSONDecoder().decode([ParsedMail].self, from: try Python.run("parse_mail.py", paths))
    }

    /// The first recipient's address.
    var recipient: String { to?.first?.addr ?? "" }
}
