import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Server
@testable import Store
import Testing

/// Running Herald for real through the API: tenants changed and listed by the operator,
/// schedules changed in part, paused, resumed and run now, and their run history.
@Suite struct OperationsTests {
    nonisolated(unsafe) static let daily: [String: Any] = [
        "cron": "0 7 * * *", "report": "availability", "period": ["type": "previous-day"], "timezone": "UTC",
        "recipients": [["address": "ops@acme.example"]], "parameters": ["sla_target": 99.5],
    ]

    @Test func theOperatorListsAndChangesTenants() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        for id in ["acme", "globex", "initech"] { _ = try await h.tenant(id, plan: "free") }
        try await h.client { api in
            let first = try await api.call(.get, "/api/v1/tenants?limit=2", token: Harness.adminToken)
            #expect(first.status == .ok)
            let ids = (first.object["tenants"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["acme", "globex"])
            let after = try #require(first.object["next_after"] as? String)
            let second = try await api.call(.get, "/api/v1/tenants?limit=2&after=\(after)", token: Harness.adminToken)
            #expect((second.object["tenants"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["initech"])
            #expect(second.object["next_after"] == nil)
            let found = try await api.call(.get, "/api/v1/tenants?q=TENANT%20glob", token: Harness.adminToken)
            #expect((found.object["tenants"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["globex"])

            // A free tenant upgraded to Pro may use custom templates; the change is audited.
            let token = try await api.call(.post, "/api/v1/tenants", token: Harness.adminToken, json: ["name": "Umbrella", "plan": "free"])
            let umbrella = try #require(token.object["token"] as? String)
            let templates: [String: Any] = ["subject": "[{{ alert.status }}] {{ alert.host.name }}", "text": "{{ alert.message }}"]
            #expect(try await api.call(.put, "/api/v1/tenants/umbrella/templates/alert/en", token: umbrella, json: templates).status == .forbidden)
            let upgraded = try await api.call(.patch, "/api/v1/tenants/umbrella", token: Harness.adminToken, json: [
                "plan": "pro", "locale": "de", "branding": ["footer": "Umbrella · Betrieb"],
            ])
            #expect(upgraded.status == .ok, "\(upgraded.text)")
            #expect(upgraded.object["plan"] as? String == "pro")
            #expect(upgraded.object["locale"] as? String == "de")
            #expect(upgraded.object["name"] as? String == "Umbrella")
            #expect((upgraded.object["branding"] as? [String: Any])?["footer"] as? String == "Umbrella · Betrieb")
            #expect(try await api.call(.put, "/api/v1/tenants/umbrella/templates/alert/en", token: umbrella, json: templates).status == .ok)
            // An empty string clears an optional field; a wrong value names its field and changes nothing.
            let cleared = try await api.call(.patch, "/api/v1/tenants/umbrella", token: Harness.adminToken, json: ["branding": ["footer": ""]])
            #expect((cleared.object["branding"] as? [String: Any])?["footer"] == nil)
            let wrong = try await api.call(.patch, "/api/v1/tenants/umbrella", token: Harness.adminToken, json: ["timezone": "Mars/Olympus", "plan": "free"])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.errorField == "timezone")
            #expect(try await api.call(.get, "/api/v1/tenants/umbrella", token: umbrella).object["plan"] as? String == "pro")
            #expect(try await api.call(.patch, "/api/v1/tenants/nobody", token: Harness.adminToken, json: ["plan": "pro"]).status == .notFound)
        }
        let audit = try await h.store.audit(limit: 50, tenantID: "umbrella")
        #expect(audit.contains { $0.action == "tenant.changed" && $0.detail.contains("plan free → pro") })
    }

    @Test func schedulesChangeInPartPauseResumeAndRunNow() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme")
        let id = try await h.client { api in
            let created = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: Self.daily)
            return try #require(created.object["id"] as? String, "\(created.text)")
        }
        try await h.client { api in
            // A partial change keeps every other field.
            let patched = try await api.call(.patch, "/api/v1/tenants/acme/schedules/\(id)", token: token, json: ["cron": "30 6 * * *"])
            #expect(patched.status == .ok, "\(patched.text)")
            let definition = patched.object["definition"] as? [String: Any]
            #expect(definition?["cron"] as? String == "30 6 * * *")
            #expect(definition?["report"] as? String == "availability")
            #expect((definition?["parameters"] as? [String: Any])?["sla_target"] as? Double == 99.5)
            #expect((definition?["recipients"] as? [[String: Any]])?.count == 1)
            let bad = try await api.call(.patch, "/api/v1/tenants/acme/schedules/\(id)", token: token, json: ["cron": "61 * * * *"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.errorField == "cron")
            let notObject = try await api.call(.patch, "/api/v1/tenants/acme/schedules/\(id)", token: token, json: ["not", "an", "object"])
            #expect(notObject.status == .badRequest)
            // Paused: no next runs, and its slot passes without a run.
            let paused = try await api.call(.post, "/api/v1/tenants/acme/schedules/\(id)/pause", token: token)
            #expect(paused.status == .ok)
            #expect((paused.object["definition"] as? [String: Any])?["enabled"] as? Bool == false)
            #expect((paused.object["next_runs"] as? [Any])?.isEmpty == true)
        }
        h.clock.advance(to: Harness.start.addingTimeInterval(3_600 + 60))   // past 06:30 UTC
        try await h.tick()
        #expect(try await h.store.runs(scheduleID: id).isEmpty)
        try await h.client { api in
            let resumed = try await api.call(.post, "/api/v1/tenants/acme/schedules/\(id)/resume", token: token)
            #expect((resumed.object["definition"] as? [String: Any])?["enabled"] as? Bool == true)
            #expect((resumed.object["next_runs"] as? [Any])?.count == 5)
            // Run now: a run of the schedule, in its history.
            let run = try await api.call(.post, "/api/v1/tenants/acme/schedules/\(id)/run", token: token)
            #expect(run.status == .accepted, "\(run.text)")
            #expect(run.object["id"] as? String == id)
            #expect(run.object["status"] as? String == "pending")
        }
        try await h.tick()
        let mails = try h.received()
        #expect(mails.count == 1)
        #expect(mails.first?.attachments.first?.content_type == "application/pdf")
        try await h.client { api in
            let runs = try await api.call(.get, "/api/v1/tenants/acme/schedules/\(id)/runs", token: token)
            #expect(runs.status == .ok, "\(runs.text)")
            let list = runs.object["runs"] as? [[String: Any]] ?? []
            #expect(list.count == 1)
            #expect(list.first?["status"] as? String == "enqueued")
            #expect((list.first?["mails"] as? [[String: Any]])?.first?["status"] as? String == "sent")
            let all = try await api.call(.get, "/api/v1/tenants/acme/reports/runs?status=enqueued", token: token)
            #expect((all.object["runs"] as? [[String: Any]])?.count == 1)
            let none = try await api.call(.get, "/api/v1/tenants/acme/reports/runs?status=failed", token: token)
            #expect((none.object["runs"] as? [[String: Any]])?.isEmpty == true)
            let badStatus = try await api.call(.get, "/api/v1/tenants/acme/reports/runs?status=lost", token: token)
            #expect(badStatus.status == .badRequest)
            #expect(badStatus.errorField == "status")
            #expect(try await api.call(.get, "/api/v1/tenants/acme/schedules/unknown/runs", token: token).status == .notFound)
        }
    }

    /// Several tokens per tenant, each with a scope and an optional expiry; listed without
    /// secrets; revoked or expired ones refused at once; a rotation replaces one; the platform
    /// admin can give a tenant that lost its token a new one.
    @Test func tokensHaveScopesExpireAndAreRevokedAndRotated() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let owner = try await h.tenant("acme")
        let expiring = try await h.client { api -> String in
            func make(_ body: [String: Any], token: String = owner) async throws -> (id: String, secret: String) {
                let made = try await api.call(.post, "/api/v1/tenants/acme/tokens", token: token, json: body)
                #expect(made.status == .created, "\(made.text)")
                return (try #require(made.object["id"] as? String), try #require(made.object["token"] as? String))
            }
            let reader = try await make(["name": "dashboard", "scope": "tenant:read"])
            let alerts = try await make(["name": "monitoring", "scope": "alerts"])
            let codes = try await make(["name": "sign-in", "scope": "2fa"])
            let short = try await make(["name": "short", "expires_at": "2026-11-23T05:30:00Z"])
            // The platform admin makes one for a tenant that lost its own.
            let rescue = try await make(["name": "rescue"], token: Harness.adminToken)
            let alert: [String: Any] = ["host": ["name": "web-01"], "service": ["display_name": "HTTP"], "status": "CRIT",
                                        "channel": ["recipients": [["address": "ops@acme.example"]]]]

            #expect(try await api.call(.get, "/api/v1/tenants/acme/schedules", token: reader.secret).status == .ok)
            let readerWrites = try await api.call(.post, "/api/v1/tenants/acme/alerts", token: reader.secret, json: alert)
            #expect(readerWrites.status == .forbidden)
            #expect(readerWrites.errorMessage?.contains("tenant:read") == true)
            #expect(try await api.call(.post, "/api/v1/tenants/acme/alerts", token: alerts.secret, json: alert).status == .accepted)
            #expect(try await api.call(.get, "/api/v1/tenants/acme/schedules", token: alerts.secret).status == .forbidden)
            #expect(try await api.call(.post, "/api/v1/tenants/acme/2fa", token: codes.secret, json: ["address": "u@acme.example"]).status == .accepted)
            #expect(try await api.call(.post, "/api/v1/tenants/acme/tokens", token: codes.secret, json: ["name": "x"]).status == .forbidden)
            #expect(try await api.call(.get, "/api/v1/tenants/acme", token: short.secret).status == .ok)
            #expect(try await api.call(.get, "/api/v1/tenants/acme", token: rescue.secret).status == .ok)

            // Listed without secrets, each with its scope.
            let list = try await api.call(.get, "/api/v1/tenants/acme/tokens", token: owner)
            let tokens = list.object["tokens"] as? [[String: Any]] ?? []
            #expect(tokens.count == 6)
            #expect(Set(tokens.compactMap { $0["scope"] as? String }) == ["tenant", "tenant:read", "alerts", "2fa"])
            for secret in [owner, reader.secret, alerts.secret, codes.secret, short.secret, rescue.secret] { #expect(!list.text.contains(secret)) }

            // Revoked: refused at once; rotated: the old one refused, the new one works.
            #expect(try await api.call(.delete, "/api/v1/tenants/acme/tokens/\(reader.id)", token: owner).status == .noContent)
            #expect(try await api.call(.get, "/api/v1/tenants/acme/schedules", token: reader.secret).status == .unauthorized)
            #expect(try await api.call(.delete, "/api/v1/tenants/acme/tokens/\(reader.id)", token: owner).status == .notFound)
            let rotated = try await api.call(.post, "/api/v1/tenants/acme/tokens/\(alerts.id)/rotate", token: owner)
            #expect(rotated.status == .created)
            let fresh = try #require(rotated.object["token"] as? String)
            #expect(rotated.object["scope"] as? String == "alerts")
            #expect(try await api.call(.post, "/api/v1/tenants/acme/alerts", token: alerts.secret, json: alert).status == .unauthorized)
            #expect(try await api.call(.post, "/api/v1/tenants/acme/alerts", token: fresh, json: alert).status == .accepted)

            // Bad requests name the field.
            let badScope = try await api.call(.post, "/api/v1/tenants/acme/tokens", token: owner, json: ["name": "x", "scope": "root"])
            #expect(badScope.status == .unprocessableContent)
            #expect(badScope.errorField == "scope")
            let past = try await api.call(.post, "/api/v1/tenants/acme/tokens", token: owner, json: ["name": "x", "expires_at": "2020-01-01T00:00:00Z"])
            #expect(past.errorField == "expires_at")
            return short.secret
        }
        // Past its expiry the token is refused, saying so.
        h.clock.advance(by: 3_600)
        try await h.client { api in
            let expired = try await api.call(.get, "/api/v1/tenants/acme", token: expiring)
            #expect(expired.status == .unauthorized)
            #expect(expired.errorMessage?.contains("expired") == true)
            #expect(try await api.call(.get, "/api/v1/tenants/acme", token: owner).status == .ok)
        }
        let audit = try await h.store.audit(limit: 50, tenantID: "acme").map(\.action)
        #expect(audit.contains("token.created") && audit.contains("token.revoked") && audit.contains("token.rotated"))
    }
}
