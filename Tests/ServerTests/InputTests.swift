import Foundation
@testable import Server
@testable import Store
import Testing

/// Bad input gets a 4xx naming the field and the reason, and nothing is written.
@Suite struct InputTests {
    nonisolated(unsafe) static let good: [String: Any] = [
        "cron": "30 6 * * 1-5", "report": "availability", "period": ["type": "previous-day"],
        "recipients": [["address": "ops@example.com", "locale": "de"]],
    ]

    static func with(_ key: String, _ value: Any) -> [String: Any] {
        var body = good
        body[key] = value
        return body
    }

    /// (body, expected status, expected field)
    nonisolated(unsafe) static let badSchedules: [([String: Any], Int, String)] = [
        (with("cron", "0 24 * * *"), 422, "cron"),
        (with("cron", 5), 400, "cron"),
        (with("timezone", "Mars/Olympus"), 422, "timezone"),
        (with("report", "nonsense"), 422, "report"),
        (with("period", ["type": "fortnight"]), 422, "period.type"),
        (with("period", ["type": "custom", "start": "2026-11-02T00:00:00Z"]), 422, "period.start"),
        (with("period", ["type": "custom", "start": "2026-11-02T00:00:00Z", "end": "2026-11-01T00:00:00Z"]), 422, "period.end"),
        (with("period", ["type": "custom", "start": "yesterday", "end": "2026-11-01T00:00:00Z"]), 400, "period.start"),
        (with("recipients", []), 422, "recipients"),
        (with("recipients", [["address": "not an address"]]), 422, "recipients[0].address"),
        (with("recipients", [["address": "a@example.com"], ["address": "ops@exa mple.com"]]), 422, "recipients[1].address"),
        (with("recipients", [["address": "ops@example.com\r\nRCPT TO:<x@evil.example>"]]), 422, "recipients[0].address"),
        (with("recipients", [["address": "ops@example.com", "locale": "fr"]]), 422, "recipients[0].locale"),
        (with("recipients", "ops@example.com"), 400, "recipients"),
        (with("subject", "two\nlines"), 422, "subject"),
        (with("parameters", ["sla_target": 150]), 422, "parameters.sla_target"),
        (with("parameters", ["source": "nowhere"]), 422, "parameters.source"),
        (with("parameters", ["title": "Weekly\u{1}report"]), 422, "parameters.title"),
        (with("parameters", ["group": 5]), 422, "parameters.group"),
        (with("enabled", "yes"), 400, "enabled"),
        (["report": "availability", "period": ["type": "previous-day"], "recipients": [["address": "a@example.com"]]], 400, "cron"),
    ]

    @Test(arguments: [0xFFFE, 0xFFFF, 0xFDD0, 0xFDEF, 0x1FFFE, 0x10FFFF] as [UInt32])
    func noncharactersAreRefusedNamingTheFieldAndNothingIsWritten(code: UInt32) async throws {
        let character = String(Unicode.Scalar(code)!)
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            let channel: [String: Any] = ["recipients": [["address": "ops@example.com"]]]
            let alert = try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: [
                "host": ["name": "db\(character)-1"], "service": ["display_name": "s"], "status": "CRIT", "channel": channel,
            ])
            #expect(alert.status == .unprocessableContent, "\(alert.text)")
            #expect(alert.errorField == "host.name", "\(alert.text)")
            #expect(alert.errorMessage?.contains("noncharacter") == true)
            let schedule = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token,
                                              json: Self.with("parameters", ["title": "Weekly \(character)"]))
            #expect(schedule.status == .unprocessableContent)
            #expect(schedule.errorField == "parameters.title", "\(schedule.text)")
            let key = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token,
                                         json: Self.with("parameters", ["ti\(character)tle": "x"]))
            #expect(key.errorField == "parameters.ti\(character)tle", "\(key.text)")
        }
        #expect(try await h.store.log(.init(tenantID: "acme", limit: 5)).isEmpty)
        #expect(try await h.store.schedules(tenantID: "acme").isEmpty)
    }

    @Test func loneSurrogateEscapesAreRefusedNamingTheField() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            for escape in [#"\ud800"#, #"\uDFFF"#, #"x\ud83dy"#] {
                let raw = #"{"host": {"name": "h"}, "service": {"display_name": "s"# + escape + #""}, "status": "CRIT", "channel": {"recipients": [{"address": "ops@example.com"}]}}"#
                let response = try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, raw: raw)
                #expect(response.status == .unprocessableContent, "\(escape): \(response.text)")
                #expect(response.errorField == "service.display_name", "\(escape): \(response.text)")
            }
            // A surrogate pair is one character and passes; an escaped backslash before "u" is no escape.
            let pair = #"{"host": {"name": "h\ud83d\ude00"}, "service": {"display_name": "\\ud800"}, "status": "CRIT", "channel": {"recipients": [{"address": "ops@example.com"}]}}"#
            let accepted = try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, raw: pair)
            #expect(accepted.status == .accepted, "\(accepted.text)")
        }
    }

    @Test func badSchedulesAreRefusedNamingTheField() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            for (body, status, field) in Self.badSchedules {
                let response = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: body)
                #expect(Int(response.status.code) == status, "\(field): \(response.text)")
                #expect(response.errorField == field, "\(response.text)")
                #expect((response.errorMessage ?? "").count > 8)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            let good = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: Self.good)
            #expect(good.status == .created)
            let id = try #require(good.object["id"] as? String, "\(good.object)")
            // A bad update leaves the schedule as it was.
            let bad = try await api.call(.put, "/api/v1/tenants/acme/schedules/\(id)", token: token, json: Self.with("cron", "61 * * * *"))
            #expect(bad.status == .unprocessableContent)
            let after = try await api.call(.get, "/api/v1/tenants/acme/schedules/\(id)", token: token)
            #expect((after.object["definition"] as? [String: Any])?["cron"] as? String == "30 6 * * 1-5")
        }
        #expect(try await h.store.schedules(tenantID: "acme").count == 1)
    }

    @Test func malformedBodiesAre400AndOversizedOnes413() async throws {
        let h = try Harness(smtp: false) { $0.maxBodyBytes = 4096 }
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            let cases: [(String, String)] = [
                ("{", "body"), ("", "body"), ("[1,2]", "body"), ("null", "body"), ("\"text\"", "body"),
                ("{\"cron\": \"@daily\"}", "report"),
            ]
            for (raw, field) in cases {
                let response = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, raw: raw)
                #expect(response.status == .badRequest, "\(raw): \(response.text)")
                #expect(response.errorField == field, "\(raw): \(response.text)")
            }
            let huge = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token,
                                          raw: "{\"cron\": \"" + String(repeating: "*", count: 10_000) + "\"}")
            #expect(huge.status == .contentTooLarge)
            #expect(huge.errorField == "body")
            let query = try await api.call(.get, "/api/v1/tenants/acme/notification-log?limit=0", token: token)
            #expect(query.status == .badRequest)
            #expect(query.errorField == "limit")
            let status = try await api.call(.get, "/api/v1/tenants/acme/notification-log?status=lost", token: token)
            #expect(status.errorField == "status")
            let from = try await api.call(.get, "/api/v1/tenants/acme/notification-log?from=yesterday", token: token)
            #expect(from.errorField == "from")
        }
        #expect(try await h.store.schedules(tenantID: "acme").isEmpty)
    }

    /// A tenant created by name alone gets an id a person can read back: German letters spelt
    /// out, accents dropped, one dash between words.
    @Test(arguments: [
        ("Müller & Söhne KG", "mueller-soehne-kg"), ("Straßenbau Ørsted GmbH", "strassenbau-oersted-gmbh"),
        ("Café Crème (Zürich)", "cafe-creme-zuerich"), ("  ACME  Corp.  ", "acme-corp"),
        ("Die außerordentlich lange Firmenbezeichnung der Überwachung AG", "die-ausserordentlich-lange"),
    ])
    func tenantIdsFromNamesAreSpeltOut(name: String, id: String) async throws {
        #expect(Tenants.slug(name) == id)
        let h = try Harness(smtp: false)
        defer { h.remove() }
        try await h.client { api in
            let created = try await api.call(.post, "/api/v1/tenants", token: Harness.adminToken, json: ["name": name])
            #expect(created.status == .created, "\(created.text)")
            #expect((created.object["tenant"] as? [String: Any])?["id"] as? String == id)
        }
    }

    @Test func badTenantsAlertsAndSMTPSettingsNameTheField() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            let tenants: [([String: Any], String)] = [
                (["name": ""], "name"), (["name": "X", "id": "Has Spaces"], "id"), (["name": "Acme", "locale": "fr"], "locale"),
                (["name": "Acme", "timezone": "Europe/Atlantis"], "timezone"), (["name": "Acme", "plan": "gold"], "plan"),
                (["name": "Acme", "admin_email": "nobody"], "admin_email"),
                (["name": "Acme", "branding": ["color": "red"]], "branding.color"),
                (["name": "Acme", "branding": ["logo_png": "aGVsbG8="]], "branding.logo_png"),
            ]
            for (body, field) in tenants {
                let response = try await api.call(.post, "/api/v1/tenants", json: body)
                #expect(response.status == .unprocessableContent, "\(field): \(response.text)")
                #expect(response.errorField == field)
            }
            let taken = try await api.call(.post, "/api/v1/tenants", json: ["id": "acme", "name": "Acme again"])
            #expect(taken.status == .conflict)
            #expect(taken.errorField == "id")

            let channel: [String: Any] = ["recipients": [["address": "ops@example.com"]]]
            let alerts: [([String: Any], String)] = [
                (["host": ["name": "h"], "service": ["display_name": "s"], "status": "DOWN", "channel": channel], "status"),
                (["host": ["name": ""], "service": ["display_name": "s"], "status": "CRIT", "channel": channel], "host.name"),
                (["host": ["name": "h"], "service": ["display_name": "s"], "status": "CRIT", "host_url": "javascript:alert(1)", "channel": channel], "host_url"),
                (["host": ["name": "h"], "service": ["display_name": "s"], "status": "WARN", "is_recovery": true, "channel": channel], "status"),
                (["host": ["name": "h"], "service": ["display_name": "s"], "status": "CRIT",
                  "channel": ["recipients": [["address": "ops@example.com"]], "mode": "weekly"]], "channel.mode"),
                (["host": ["name": "h"], "service": ["display_name": "s"], "status": "CRIT",
                  "channel": ["recipients": [["address": "ops@example.com"]], "mode": "digest", "window_minutes": 0]], "channel.window_minutes"),
                (["host": ["name": "h"], "service": ["display_name": "s"], "status": "CRIT", "channel": ["recipients": [["address": "x"]]]],
                 "channel.recipients[0].address"),
            ]
            for (body, field) in alerts {
                let response = try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: body)
                #expect(response.status == .unprocessableContent, "\(field): \(response.text)")
                #expect(response.errorField == field, "\(response.text)")
            }
            let missing = try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: ["status": "CRIT"])
            #expect(missing.status == .badRequest)
            #expect(missing.errorField == "host")

            let smtp: [([String: Any], String)] = [
                (["host": "smtp example", "from": "H <h@example.com>"], "host"),
                (["host": "smtp.example.com", "tls": "ssl", "from": "H <h@example.com>"], "tls"),
                (["host": "smtp.example.com", "port": 0, "from": "H <h@example.com>"], "port"),
                (["host": "smtp.example.com", "from": "nobody"], "from"),
                (["host": "smtp.example.com", "password": "p", "from": "H <h@example.com>"], "username"),
            ]
            for (body, field) in smtp {
                let response = try await api.call(.put, "/api/v1/smtp", json: body)
                #expect(response.status == .unprocessableContent, "\(field): \(response.text)")
                #expect(response.errorField == field)
            }
            #expect(try await api.call(.get, "/api/v1/smtp").object["source"] as? String == "file-transport")
            let twoFactor = try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "x@", "locale": "de"])
            #expect(twoFactor.errorField == "address")
            let locale = try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "x@example.com", "locale": "it"])
            #expect(locale.errorField == "locale")
            let report = try await api.call(.post, "/api/v1/tenants/acme/reports/sales/send", token: token,
                                            json: ["recipients": [["address": "x@example.com"]]])
            #expect(report.status == .notFound)
            #expect(report.errorField == "report")
        }
        #expect(try await h.store.tenants().map(\.id) == ["acme"])
        #expect(try await h.store.log(.init(tenantID: "acme")).isEmpty)
    }
}
