import Foundation
@testable import Server
@testable import Store
import Testing

/// Every tenant has quotas from its plan, which the admin may override: counts are refused with
/// 422 naming the quota and its value, rates with 429 and a `Retry-After` that holds.
@Suite struct QuotaTests {
    static func schedule(cron: String = "0 7 * * *", recipients: Int = 1) -> [String: Any] {
        ["cron": cron, "report": "availability", "period": ["type": "previous-day"],
         "recipients": (0..<recipients).map { ["address": "ops\($0)@example.com"] }]
    }

    static func alert(_ host: String) -> [String: Any] {
        ["host": ["name": host], "service": ["display_name": "HTTP"], "status": "CRIT",
         "channel": ["recipients": [["address": "ops@example.com"]]]]
    }

    @Test func countsArePlanQuotasRefusedWith422NamingTheQuota() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("small", plan: "free")
        try await h.client { api in
            for i in 0..<Quotas.free.schedules {
                let made = try await api.call(.post, "/api/v1/tenants/small/schedules", token: token, json: Self.schedule(cron: "0 \(i) * * *"))
                #expect(made.status == .created, "\(made.text)")
            }
            let over = try await api.call(.post, "/api/v1/tenants/small/schedules", token: token, json: Self.schedule())
            #expect(over.status == .unprocessableContent)
            #expect(over.errorField == "schedules")
            #expect(over.errorMessage?.contains("schedules = \(Quotas.free.schedules)") == true, "\(over.text)")

            let crowded = try await api.call(.put, "/api/v1/tenants/small/schedules/x", token: token,
                                             json: Self.schedule(recipients: Quotas.free.recipients_per_schedule + 1))
            #expect(crowded.status == .unprocessableContent)
            #expect(crowded.errorField == "recipients", "\(crowded.text)")
            #expect(crowded.errorMessage?.contains("recipients_per_schedule = \(Quotas.free.recipients_per_schedule)") == true)
        }
        #expect(try await h.store.schedules(tenantID: "small").count == Quotas.free.schedules)
    }

    @Test(arguments: [("*/5 * * * *", false), ("0,30 7 * * *", false), ("0 * * * *", true), ("0 7 * * 1", true)])
    func theShortestCronIntervalIsAQuota(cron: String, accepted: Bool) async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("small", plan: "free")
        try await h.client { api in
            let response = try await api.call(.post, "/api/v1/tenants/small/schedules", token: token, json: Self.schedule(cron: cron))
            if accepted {
                #expect(response.status == .created, "\(cron): \(response.text)")
            } else {
                #expect(response.status == .unprocessableContent, "\(cron): \(response.text)")
                #expect(response.errorField == "cron")
                #expect(response.errorMessage?.contains("min_cron_interval_minutes = 60") == true, "\(response.text)")
            }
        }
    }

    @Test func ratesAnswer429WithARetryAfterThatHolds() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("small", plan: "free")
        let other = try await h.tenant("other", plan: "free")
        try await h.client { api in
            let report: [String: Any] = ["recipients": [["address": "ops@example.com"]]]
            for _ in 0..<Quotas.free.adhoc_reports_per_hour {
                #expect(try await api.call(.post, "/api/v1/tenants/small/reports/availability/send", token: token, json: report).status == .accepted)
            }
            let limited = try await api.call(.post, "/api/v1/tenants/small/reports/availability/send", token: token, json: report)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorField == "adhoc_reports_per_hour")
            let wait = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect(wait == 3600 / Quotas.free.adhoc_reports_per_hour, "\(wait)")
            // Another tenant's allowance is its own.
            #expect(try await api.call(.post, "/api/v1/tenants/other/reports/availability/send", token: other, json: report).status == .accepted)
            h.clock.advance(by: TimeInterval(wait - 2))
            #expect(try await api.call(.post, "/api/v1/tenants/small/reports/availability/send", token: token, json: report).status == .tooManyRequests)
            h.clock.advance(by: 2)
            #expect(try await api.call(.post, "/api/v1/tenants/small/reports/availability/send", token: token, json: report).status == .accepted)
        }
        // Nothing was queued for the refused requests.
        #expect(try await h.store.pendingRuns(limit: 100, now: h.clock.now).filter { $0.tenantID == "small" }.count == Quotas.free.adhoc_reports_per_hour + 1)
    }

    @Test func theAdminOverridesATenantsQuotasAndRefusalsAreCounted() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme", plan: "pro")
        try await h.client { api in
            // Only the admin sets quotas; the tenant reads its own.
            let denied = try await api.call(.put, "/api/v1/tenants/acme/quotas", token: token, json: ["alerts_per_minute": 1000])
            #expect(denied.status == .forbidden)
            for (body, field) in [(["alerts_per_mínute": 3], "alerts_per_mínute"), (["alerts_per_minute": -1], "alerts_per_minute"),
                                  (["min_cron_interval_minutes": 0], "min_cron_interval_minutes")] {
                let bad = try await api.call(.put, "/api/v1/tenants/acme/quotas", json: body)
                #expect(bad.status == .unprocessableContent, "\(bad.text)")
                #expect(bad.errorField == field)
            }
            let set = try await api.call(.put, "/api/v1/tenants/acme/quotas", json: [
                "alerts_per_minute": 3, "previews_per_minute": 2, "twofactor_per_minute": 2, "recipients_per_alert": 2,
            ])
            #expect(set.status == .ok, "\(set.text)")
            let read = try await api.call(.get, "/api/v1/tenants/acme/quotas", token: token)
            let quotas = try #require(read.object["quotas"] as? [String: Any])
            #expect(quotas["alerts_per_minute"] as? Int == 3)
            #expect(quotas["schedules"] as? Int == Quotas.pro.schedules)
            #expect(read.object["plan"] as? String == "pro")

            for i in 0..<3 {
                #expect(try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: Self.alert("h\(i)")).status == .accepted)
            }
            let alerts = try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: Self.alert("h3"))
            #expect(alerts.status == .tooManyRequests)
            #expect(alerts.errorField == "alerts_per_minute")
            #expect(alerts.headers[.retryAfter] == "20")

            var wide = Self.alert("h")
            wide["channel"] = ["recipients": [["address": "a@example.com"], ["address": "b@example.com"], ["address": "c@example.com"]]]
            let crowded = try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: wide)
            #expect(crowded.status == .unprocessableContent)
            #expect(crowded.errorField == "channel.recipients", "\(crowded.text)")

            for _ in 0..<2 {
                #expect(try await api.call(.post, "/api/v1/tenants/acme/templates/alert/en/preview", token: token, json: [:] as [String: Any]).status == .ok)
            }
            let preview = try await api.call(.post, "/api/v1/tenants/acme/templates/alert/en/preview", token: token, json: [:] as [String: Any])
            #expect(preview.status == .tooManyRequests)
            #expect(preview.errorField == "previews_per_minute")

            for i in 0..<2 {
                #expect(try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "u\(i)@example.com"]).status == .accepted)
            }
            let code = try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "u9@example.com"])
            #expect(code.status == .tooManyRequests)
            #expect(code.errorField == "twofactor_per_minute")

            let metrics = try await api.call(.get, "/metrics", token: nil)
            for limit in ["alerts_per_minute", "recipients_per_alert", "previews_per_minute", "twofactor_per_minute"] {
                #expect(metrics.text.contains(#"herald_quota_refusals_total{tenant="acme",limit="\#(limit)"} 1"#), "\(limit)")
            }
            // Back to the plan's defaults.
            let reset = try await api.call(.put, "/api/v1/tenants/acme/quotas", json: [:] as [String: Any])
            #expect((reset.object["quotas"] as? [String: Any])?["alerts_per_minute"] as? Int == Quotas.pro.alerts_per_minute)
        }
        let audit = try await h.store.audit(limit: 20)
        #expect(audit.contains { $0.action == "tenant.quotas" && $0.tenantID == "acme" })
    }
}
