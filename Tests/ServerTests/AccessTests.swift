import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Server
import Testing

/// Tokens and tenant isolation: who may call which route.
@Suite struct AccessTests {
    nonisolated(unsafe) static let schedule: [String: Any] = [
        "cron": "0 7 * * 1", "report": "availability", "period": ["type": "previous-week"],
        "recipients": [["address": "ops@example.com"]],
    ]

    /// Every tenant route, with a body that would be valid, so only the tenant decides the answer.
    static func tenantRoutes(_ t: String, schedule: String, challenge: String) -> [(HTTPRequest.Method, String, Any?)] {
        let templates: [String: Any] = ["subject": "Alert {{ alert.host.name }}", "text": "{{ alert.message }}"]
        return [
            (.get, "/api/v1/tenants/\(t)", nil),
            (.get, "/api/v1/tenants/\(t)/tokens", nil),
            (.post, "/api/v1/tenants/\(t)/tokens", ["name": "probe"]),
            (.delete, "/api/v1/tenants/\(t)/tokens/tok_0123456789abcdef", nil),
            (.post, "/api/v1/tenants/\(t)/tokens/tok_0123456789abcdef/rotate", nil),
            (.get, "/api/v1/tenants/\(t)/schedules", nil),
            (.post, "/api/v1/tenants/\(t)/schedules", Self.schedule),
            (.get, "/api/v1/tenants/\(t)/schedules/\(schedule)", nil),
            (.put, "/api/v1/tenants/\(t)/schedules/\(schedule)", Self.schedule),
            (.patch, "/api/v1/tenants/\(t)/schedules/\(schedule)", ["cron": "0 8 * * 1"]),
            (.post, "/api/v1/tenants/\(t)/schedules/\(schedule)/pause", nil),
            (.post, "/api/v1/tenants/\(t)/schedules/\(schedule)/resume", nil),
            (.post, "/api/v1/tenants/\(t)/schedules/\(schedule)/run", nil),
            (.get, "/api/v1/tenants/\(t)/schedules/\(schedule)/runs", nil),
            (.get, "/api/v1/tenants/\(t)/reports/runs", nil),
            (.delete, "/api/v1/tenants/\(t)/schedules/\(schedule)", nil),
            (.post, "/api/v1/tenants/\(t)/reports/availability/send", ["recipients": [["address": "ops@example.com"]]]),
            (.get, "/api/v1/tenants/\(t)/reports/runs/whatever", nil),
            (.post, "/api/v1/tenants/\(t)/alerts", [
                "host": ["name": "web-01"], "service": ["display_name": "HTTP"], "status": "CRIT",
                "channel": ["recipients": [["address": "ops@example.com"]]],
            ]),
            (.post, "/api/v1/tenants/\(t)/2fa", ["address": "user@example.com"]),
            (.post, "/api/v1/tenants/\(t)/2fa/\(challenge)/verify", ["code": "123456"]),
            (.get, "/api/v1/tenants/\(t)/templates/alert/en", nil),
            (.put, "/api/v1/tenants/\(t)/templates/alert/en", templates),
            (.delete, "/api/v1/tenants/\(t)/templates/alert/en", nil),
            (.post, "/api/v1/tenants/\(t)/templates/alert/en/preview", [:] as [String: Any]),
            (.get, "/api/v1/tenants/\(t)/notification-log", nil),
            (.get, "/api/v1/tenants/\(t)/suppressions", nil),
            (.delete, "/api/v1/tenants/\(t)/suppressions?address=user@example.com", nil),
        ]
    }

    /// A known path with a method it lacks is 405 naming those it has (for any caller, before
    /// the token is looked at); an unknown path stays 404.
    @Test func aWrongMethodIs405WithAllow() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        _ = try await h.tenant("acme")
        try await h.client { api in
            for (method, path, allow) in [
                (HTTPRequest.Method.put, "/api/v1/tenants/acme/alerts", "POST"),
                (.delete, "/api/v1/tenants", "GET, POST"),
                (.post, "/api/v1/tenants/acme/schedules/some-id", "DELETE, GET, PATCH, PUT"),
                (.patch, "/healthz", "GET"),
            ] {
                let answer = try await api.call(method, path, token: Harness.adminToken, json: [:] as [String: Any])
                #expect(answer.status == .methodNotAllowed, "\(method) \(path): \(answer.text)")
                #expect(answer.headers[.allow] == allow, "\(method) \(path)")
                #expect(answer.errorField == "method")
            }
            #expect(try await api.call(.put, "/api/v1/tenants/acme/alerts", token: nil).status == .methodNotAllowed)
            #expect(try await api.call(.get, "/api/v1/nothing-here", token: Harness.adminToken).status == .notFound)
            #expect(try await api.call(.get, "/api/v1/tenants/acme/alerts/extra", token: Harness.adminToken).status == .notFound)
        }
    }

    @Test func publicRoutesNeedNoTokenAndTheAPIDoes() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        try await h.client { api in
            let health = try await api.call(.get, "/healthz", token: nil)
            #expect(health.status == .ok)
            #expect(health.object["status"] as? String == "ok")
            let metrics = try await api.call(.get, "/metrics", token: nil)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("herald_queue_depth"))
            let openapi = try await api.call(.get, "/openapi.json", token: nil)
            #expect(openapi.status == .ok)
            #expect(openapi.object["openapi"] as? String == "3.1.0")

            let none = try await api.call(.get, "/api/v1/smtp", token: nil)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate] == "Bearer")
            #expect(none.errorField == "Authorization")
            let wrong = try await api.call(.get, "/api/v1/smtp", token: "not-a-token")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorMessage?.contains("not known") == true)
        }
    }

    @Test func tenantTokensCannotUseAdminRoutes() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            let routes: [(HTTPRequest.Method, String, Any?)] = [
                (.get, "/api/v1/smtp", nil),
                (.put, "/api/v1/smtp", ["host": "smtp.example.com", "from": "Herald <h@example.com>"]),
                (.get, "/api/v1/smtp/presets", nil),
                (.post, "/api/v1/smtp/test", ["to": "ops@example.com"]),
                (.post, "/api/v1/tenants", ["name": "Evil"]),
                (.get, "/api/v1/tenants", nil),
                (.patch, "/api/v1/tenants/acme", ["plan": "enterprise"]),
                (.get, "/api/v1/audit", nil),
            ]
            for (method, uri, body) in routes {
                let response = try await api.call(method, uri, token: token, json: body)
                #expect(response.status == .forbidden, "\(method) \(uri)")
            }
            // The admin may.
            #expect(try await api.call(.get, "/api/v1/audit").status == .ok)
            #expect(try await api.call(.get, "/api/v1/smtp/presets").status == .ok)
        }
    }

    /// A tenant's token on another tenant's routes gets exactly what an unknown tenant gets, and
    /// changes nothing there.
    @Test func aTenantSeesOnlyItself() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let alice = try await h.tenant("alice")
        let bob = try await h.tenant("bob")
        let (bobSchedule, bobChallenge) = try await h.client { api in
            let created = try await api.call(.post, "/api/v1/tenants/bob/schedules", token: bob, json: Self.schedule)
            #expect(created.status == .created)
            let challenge = try await api.call(.post, "/api/v1/tenants/bob/2fa", token: bob, json: ["address": "bob@example.com"])
            #expect(challenge.status == .accepted, "\(challenge.text)")
            return (try #require(created.object["id"] as? String, "\(created.object)"), try #require(challenge.object["id"] as? String, "\(challenge.object)"))
        }
        let outboxBefore = try await h.store.log(.init(tenantID: "bob")).count
        try await h.client { api in
            let foreign = Self.tenantRoutes("bob", schedule: bobSchedule, challenge: bobChallenge)
            let unknown = Self.tenantRoutes("nobody", schedule: bobSchedule, challenge: bobChallenge)
            for (route, ghost) in zip(foreign, unknown) {
                let response = try await api.call(route.0, route.1, token: alice, json: route.2)
                let reference = try await api.call(ghost.0, ghost.1, token: alice, json: ghost.2)
                #expect(response.status == .notFound, "\(route.0) \(route.1)")
                #expect(response.text == reference.text.replacingOccurrences(of: "nobody", with: "bob"), "\(route.0) \(route.1)")
            }
            // Bob's things are untouched.
            let schedule = try await api.call(.get, "/api/v1/tenants/bob/schedules/\(bobSchedule)", token: bob)
            #expect(schedule.status == .ok)
            #expect(try await api.call(.get, "/api/v1/tenants/bob/schedules", token: alice).status == .notFound)
            // Alice reaches her own tenant on the same routes.
            for (method, uri, body) in Self.tenantRoutes("alice", schedule: "none", challenge: "none")
            where method == .get && !uri.contains("none") && !uri.contains("whatever") {
                let response = try await api.call(method, uri, token: alice, json: body)
                #expect(response.status == .ok, "\(uri)")
            }
        }
        #expect(try await h.store.log(.init(tenantID: "bob")).count == outboxBefore)
        #expect(try await h.store.schedules(tenantID: "bob").count == 1)
        #expect(try await h.store.schedules(tenantID: "alice").isEmpty)
    }

    @Test func tokensAreStoredOnlyAsHashes() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        #expect(token.hasPrefix("hrd_"))
        #expect(try await h.store.token(hash: SecretBox.tokenHash(token))?.tenantID == "acme")
        let raw = try Data(contentsOf: h.dir.appendingPathComponent("herald.sqlite"))
        #expect(raw.range(of: Data(token.utf8)) == nil)
        // The token's own tenant is readable with it; the tenant list shows no token.
        try await h.client { api in
            let own = try await api.call(.get, "/api/v1/tenants/acme", token: token)
            #expect(own.status == .ok)
            #expect(own.object["id"] as? String == "acme")
            #expect(!own.text.contains(token))
        }
    }
}
