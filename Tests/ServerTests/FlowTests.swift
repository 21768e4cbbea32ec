import Foundation
import HeraldTestSupport
@testable import Server
@testable import Store
import Testing

/// The service end to end, with a real SMTP server (aiosmtpd) receiving what Herald sends and
/// Python's email package reading it back.
@Suite struct FlowTests {
    static func recipients(_ pairs: [(String, String)]) -> [[String: Any]] {
        pairs.map { ["address": $0.0, "locale": $0.1] }
    }

    /// A week of history for two services, so the availability report has figures.
    static func seedHistory(_ h: Harness, tenant: String) async throws {
        let base = Harness.start.addingTimeInterval(-8 * 86_400)
        let changes: [(String, String, String, TimeInterval)] = [
            ("web-01", "HTTP", "OK", 0), ("web-01", "HTTP", "CRIT", 2 * 86_400), ("web-01", "HTTP", "OK", 2 * 86_400 + 1_800),
            ("db-01", "PostgreSQL", "OK", 0),
        ]
        for (host, service, status, offset) in changes {
            _ = try await h.store.recordAlert(AlertEvent(tenantID: tenant, host: host, service: service, status: AlertStatus(rawValue: status)!, message: "",
                                                   at: base.addingTimeInterval(offset)),
                                        change: .historyOnly, problemMessageID: "", now: h.clock.now) { _ in [] }
        }
    }

    @Test func aScheduleFallsDueAndItsReportArrivesInEachLocale() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme", locale: "de")
        try await Self.seedHistory(h, tenant: "acme")
        let created = try await h.client { api in
            try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: [
                "name": "Wochenbericht", "cron": "0 7 * * *", "report": "availability",
                "parameters": ["group": "Produktion", "sla_target": 99.5], "period": ["type": "previous-week"],
                "recipients": Self.recipients([("ops@acme.example", "de"), ("cto@acme.example", "en")]),
            ])
        }
        #expect(created.status == .created, "\(created.text)")
        let view = created.object
        // Tenant zone Europe/Berlin, 07:00 local = 06:00 UTC in November.
        let next = view["next_runs"] as? [[String: Any]] ?? []
        #expect(next.count == 5)
        #expect(next.first?["at"] as? String == "2026-11-23T06:00:00Z")
        #expect(next.first?["offset"] as? String == "+01:00")
        #expect(next.first?["local"] as? String == "2026-11-23T07:00:00+01:00")
        #expect((view["description"] as? String)?.contains("07:00") == true)
        #expect((view["definition"] as? [String: Any])?["timezone"] as? String == "Europe/Berlin")

        // Not due yet: nothing is sent.
        try await h.tick()
        #expect(h.peer!.messages.isEmpty)

        h.clock.advance(to: Harness.start.addingTimeInterval(3_600 + 20))
        try await h.tick()
        let mails = try h.received().sorted { $0.recipient < $1.recipient }
        #expect(mails.count == 2)
        #expect(mails.map(\.recipient) == ["cto@acme.example", "ops@acme.example"])
        for mail in mails {
            #expect(mail.defects.isEmpty)
            #expect(mail.attachments.count == 1)
            #expect(mail.attachments.first?.content_type == "application/pdf")
            #expect((mail.attachments.first?.size ?? 0) > 5_000)
            #expect(mail.extra["Auto-Submitted"] == "auto-generated")
        }
        #expect(mails[1].attachments[0].filename?.hasPrefix("Verfügbarkeitsbericht KW 47 2026") == true)
        #expect(mails[0].attachments[0].filename?.hasPrefix("Availability report Week 47 2026") == true)
        #expect(mails[1].texts["plain"]?.contains("KW 47") == true)

        // The log has both mails as sent with the server's queue id; the run is done.
        let log = try await h.store.log(.init(tenantID: "acme"))
        #expect(log.count == 2)
        #expect(log.allSatisfy { $0.entry.status == .sent && $0.entry.queueID != nil && $0.entry.kind == .report })
        let id = try #require(view["id"] as? String, "\(view)")
        #expect(try await h.store.runs(scheduleID: id).map(\.status) == [.enqueued])

        // Later ticks of the same slot send nothing more.
        h.clock.advance(by: 120)
        try await h.tick()
        #expect(h.peer!.messages.count == 2)
    }

    @Test func anAdHocReportIsAcceptedAtOnceAndDeliveredInTheBackground() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await Self.seedHistory(h, tenant: "acme")
        let accepted = try await h.client { api in
            try await api.call(.post, "/api/v1/tenants/acme/reports/alert-summary/send", token: token, json: [
                "recipients": [["address": "boss@acme.example"]],
                "period": ["type": "custom", "start": "2026-11-01T00:00:00Z", "end": "2026-11-23T00:00:00Z"],
                "subject": "Alerts in November",
            ])
        }
        #expect(accepted.status == .accepted, "\(accepted.text)")
        let id = try #require(accepted.object["id"] as? String, "\(accepted.object)")
        #expect(accepted.object["status"] as? String == "pending")
        #expect(accepted.headers[.location] == "/api/v1/tenants/acme/reports/runs/\(id)")
        #expect(h.peer!.messages.isEmpty)

        try await h.tick()
        let mails = try h.received()
        #expect(mails.count == 1)
        #expect(mails.first?.subject == "Alerts in November")
        #expect(mails.first?.attachments.first?.content_type == "application/pdf")
        let run = try await h.client { api in try await api.call(.get, "/api/v1/tenants/acme/reports/runs/\(id)", token: token) }
        #expect(run.object["status"] as? String == "enqueued")
        #expect((run.object["outbox_ids"] as? [Int])?.count == 1)
        let audit = try await h.store.audit(limit: 10)
        #expect(audit.contains { $0.action == "report.requested" && $0.actor == "tenant:acme" })
    }

    @Test func aRecoveryThreadsUnderItsProblemMail() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme")
        let channel: [String: Any] = ["recipients": [["address": "oncall@acme.example"]]]
        let problem = try await h.client { api in
            try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: [
                "host": ["name": "web-01"], "service": ["display_name": "HTTP"], "status": "CRIT",
                "message": "connection refused", "host_url": "https://monitor.example/hosts/web-01", "channel": channel,
            ])
        }
        #expect(problem.status == .accepted, "\(problem.text)")
        #expect((problem.object["outbox_ids"] as? [Int])?.count == 1)
        try await h.deliver()
        h.clock.advance(by: 900)
        let recovery = try await h.client { api in
            try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: [
                "host": ["name": "web-01"], "service": ["display_name": "HTTP"], "status": "OK", "is_recovery": true,
                "message": "HTTP OK", "channel": channel,
            ])
        }
        #expect(recovery.status == .accepted)
        try await h.deliver()
        let mails = try h.received()
        #expect(mails.count == 2)
        guard mails.count == 2 else { return }
        let (first, second) = (mails[0], mails[1])
        #expect(first.message_id == problem.object["thread"] as? String)
        #expect(second.in_reply_to == first.message_id)
        #expect(second.references == first.message_id)
        #expect(second.message_id != first.message_id)
        #expect(first.extra["Auto-Submitted"] == "auto-generated")
        #expect(second.extra["Auto-Submitted"] == "auto-generated")
        #expect(first.subject?.contains("web-01") == true)
        #expect(second.texts["plain"]?.contains("15\u{A0}min") == true)
        // Alerts take the alert lane.
        #expect(try await h.store.log(.init(tenantID: "acme")).allSatisfy { $0.entry.kind == .alert })

        // A new problem later opens a new thread.
        h.clock.advance(by: 3_600)
        let again = try await h.client { api in
            try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: [
                "host": ["name": "web-01"], "service": ["display_name": "HTTP"], "status": "WARN", "channel": channel,
            ])
        }
        #expect(again.object["thread"] as? String != problem.object["thread"] as? String)
    }

    /// The alert's answer names the threads of the mails that went out: for a German tenant's
    /// English recipient the English one, and one per locale when both are mailed.
    @Test func theAnswerNamesTheThreadOfEachLocaleSent() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme", locale: "de")
        let (english, both) = try await h.client { api in
            (try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: [
                "host": ["name": "web-01"], "service": ["display_name": "HTTP"], "status": "CRIT",
                "channel": ["recipients": [["address": "cto@acme.example", "locale": "en"]]],
            ]),
             try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: [
                "host": ["name": "db-01"], "service": ["display_name": "PostgreSQL"], "status": "CRIT",
                "channel": ["recipients": [["address": "ops@acme.example"], ["address": "cto@acme.example", "locale": "en"]]],
             ]))
        }
        #expect(english.status == .accepted && both.status == .accepted)
        try await h.deliver()
        let mails = try h.received()
        #expect(mails.count == 3)
        let web = mails.filter { $0.subject?.contains("web-01") == true }
        #expect(web.count == 1)
        #expect(english.object["thread"] as? String == web.first?.message_id)
        #expect((english.object["threads"] as? [String: String])?.keys.sorted() == ["en"])
        let threads = both.object["threads"] as? [String: String] ?? [:]
        #expect(threads.keys.sorted() == ["de", "en"])
        let db = mails.filter { $0.subject?.contains("db-01") == true }
        #expect(Set(db.compactMap(\.message_id)) == Set(threads.values))
        #expect(both.object["thread"] as? String == threads["de"])
    }

    /// A client that posts the same event again (its first answer lost) gets the same mail back,
    /// not a second one, and the history counts the change once.
    @Test func aRepeatedAlertIsOneMailAndOneStateChange() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme")
        let event: [String: Any] = [
            "host": ["name": "db-01"], "service": ["display_name": "PostgreSQL"], "status": "CRIT", "at": "2026-11-23T04:59:00Z",
            "message": "too many connections", "channel": ["recipients": [["address": "oncall@acme.example"]]],
        ]
        let (first, second) = try await h.client { api in
            (try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: event),
             try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: event))
        }
        #expect(first.status == .accepted && second.status == .accepted)
        #expect((first.object["outbox_ids"] as? [Int]) == (second.object["outbox_ids"] as? [Int]))
        #expect(first.object["thread"] as? String == second.object["thread"] as? String)
        try await h.deliver()
        #expect(h.peer!.messages.count == 1)
        let history = try await h.store.alertHistory(tenantID: "acme", start: Harness.start.addingTimeInterval(-3_600), end: Harness.start)
        #expect(history.count == 1)
    }

    /// Alert mails are made outside the write transaction; when another change to the same host
    /// and service commits meanwhile, the mail is made again for the state that holds.
    @Test func anAlertMailIsMadeAgainWhenItsProblemChangedMeanwhile() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let seen = Seen()
        let result = try await h.store.recordAlert(AlertEvent(tenantID: "acme", host: "web-01", service: "HTTP", status: .crit, message: "",
                                                        at: Harness.start),
                                             change: .problem, problemMessageID: "<mine@herald.test>", now: Harness.start) { problem in
            if seen.append(problem) == 1 {
                // Another request opens the same problem first.
                _ = try await h.store.recordAlert(AlertEvent(tenantID: "acme", host: "web-01", service: "HTTP", status: .warn, message: "",
                                                       at: Harness.start.addingTimeInterval(-60)),
                                            change: .problem, problemMessageID: "<theirs@herald.test>",
                                            now: Harness.start) { _ in [] }
            }
            return []
        }
        #expect(seen.problems.count == 2)
        #expect(seen.problems.first??.messageID == "<mine@herald.test>")
        #expect(result.problem?.messageID == "<theirs@herald.test>")
        #expect(result.problem?.status == .crit)
        #expect(try await h.store.alertHistory(tenantID: "acme", start: Harness.start.addingTimeInterval(-3_600), end: Harness.start.addingTimeInterval(1)).count == 2)
    }

    /// A problem that began in a digest has no mail of its own yet: the first immediate mail about
    /// it opens the thread, and the next one replies to that mail.
    @Test func aProblemFromADigestGetsItsThreadFromItsFirstImmediateMail() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme")
        let immediate: [String: Any] = ["recipients": [["address": "oncall@acme.example"]]]
        let digest: [String: Any] = ["recipients": [["address": "team@acme.example"]], "mode": "digest", "window_minutes": 15]
        func post(_ status: String, _ channel: [String: Any], recovery: Bool = false) async throws -> APIResponse {
            try await h.client { api in
                try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: [
                    "host": ["name": "web-01"], "service": ["display_name": "HTTP"], "status": status, "is_recovery": recovery, "channel": channel,
                ])
            }
        }
        #expect(try await post("CRIT", digest).status == .accepted)
        h.clock.advance(by: 60)
        #expect(try await post("WARN", immediate).status == .accepted)
        h.clock.advance(by: 60)
        #expect(try await post("OK", immediate, recovery: true).status == .accepted)
        try await h.deliver()
        let mails = try h.received().filter { $0.recipient == "oncall@acme.example" }
        #expect(mails.count == 2)
        guard mails.count == 2 else { return }
        #expect(mails[0].in_reply_to == nil)
        #expect(mails[0].message_id?.contains("problem.") == true)
        #expect(mails[1].in_reply_to == mails[0].message_id)
    }

    @Test func aDigestGathersAWindowsEventsIntoOneMailGroupedByHost() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme")
        let channel: [String: Any] = ["recipients": [["address": "team@acme.example"]], "mode": "digest", "window_minutes": 15]
        var closes: String?
        for (host, service, status) in [("web-01", "HTTP", "CRIT"), ("db-01", "PostgreSQL", "WARN"), ("web-01", "Disk", "WARN")] {
            let response = try await h.client { api in
                try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: [
                    "host": ["name": host], "service": ["display_name": service], "status": status, "message": "\(service) is \(status)",
                    "channel": channel,
                ])
            }
            #expect(response.status == .accepted)
            #expect(response.object["mode"] as? String == "digest")
            closes = response.object["digest_at"] as? String
            h.clock.advance(by: 30)
        }
        // 05:00:00 + 15 minutes.
        #expect(closes == "2026-11-23T05:15:00Z")
        try await h.tick()
        #expect(h.peer!.messages.isEmpty)
        h.clock.advance(to: Harness.start.addingTimeInterval(15 * 60 + Digests.grace))
        try await h.tick()
        let mails = try h.received()
        #expect(mails.count == 1)
        let text = mails.first?.texts["plain"] ?? ""
        #expect(text.contains("web-01") && text.contains("db-01"))
        #expect(text.contains("Disk is WARN") && text.contains("HTTP is CRIT") && text.contains("PostgreSQL is WARN"))
        // Grouped by host: web-01's two events stand together.
        let web = text.range(of: "web-01")!.lowerBound
        let db = text.range(of: "db-01")!.lowerBound
        let disk = text.range(of: "Disk is WARN")!.lowerBound
        #expect(web < db ? disk < db : disk > db)
        #expect(mails.first?.extra["Auto-Submitted"] == "auto-generated")
        #expect(try await h.store.log(.init(tenantID: "acme")).first?.entry.kind == .digest)
        // The window is flushed once.
        h.clock.advance(by: 3_600)
        try await h.tick()
        #expect(h.peer!.messages.count == 1)
    }

    @Test func a2FACodeFromTheMailVerifiesOnce() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme", locale: "de")
        let sent = try await h.client { api in
            try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "user@acme.example", "ip": "203.0.113.7"])
        }
        #expect(sent.status == .accepted, "\(sent.text)")
        let id = try #require(sent.object["id"] as? String, "\(sent.object)")
        #expect(sent.object["expires_at"] as? String == "2026-11-23T05:10:00Z")
        try await h.deliver()
        let mails = try h.received()
        #expect(mails.count == 1)
        let text = mails.first?.texts["plain"] ?? ""
        let code = text.split(whereSeparator: { !$0.isNumber }).map(String.init).first { $0.count == 6 }
        #expect(code != nil, "no code in: \(text)")
        guard let code else { return }
        let entry = try #require(try await h.store.log(.init(tenantID: "acme")).first)
        #expect(entry.entry.kind == .twoFactor)
        // Neither the log nor the outbox keeps the code once the mail is sent.
        #expect(mails.first?.subject?.contains(code) == true)
        #expect(!entry.entry.subject.contains(code))
        let kept = try await h.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outboxMessage WHERE outboxID = ?", arguments: [entry.entry.id]) }
        #expect(kept == 0)
        // Only an HMAC of the code is kept with the challenge.
        let stored = try await h.store.read { db in try TwoFactorChallenge.fetchOne(db, key: id) }
        #expect(stored?.codeHash != Data(code.utf8))
        #expect(stored?.codeHash.count == 32)

        let wrong = String(code.reversed()) == code ? (code == "000000" ? "111111" : "000000") : String(code.reversed())
        try await h.client { api in
            let bad = try await api.call(.post, "/api/v1/tenants/acme/2fa/\(id)/verify", token: token, json: ["code": wrong])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.object["verified"] as? Bool == false)
            #expect(bad.object["attempts_left"] as? Int == 4)
            let good = try await api.call(.post, "/api/v1/tenants/acme/2fa/\(id)/verify", token: token, json: ["code": code])
            #expect(good.status == .ok)
            #expect(good.object["verified"] as? Bool == true)
            // The right code does not use up an attempt; only the wrong one did.
            #expect(good.object["attempts_left"] as? Int == 4)
            let reused = try await api.call(.post, "/api/v1/tenants/acme/2fa/\(id)/verify", token: token, json: ["code": code])
            #expect(reused.status == .conflict)
            let malformed = try await api.call(.post, "/api/v1/tenants/acme/2fa/\(id)/verify", token: token, json: ["code": "12ab"])
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.errorField == "code")
        }
    }

    @Test func twoFactorCodesExpireAndAreLimited() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            var ids: [String] = []
            for _ in 0..<5 {
                let sent = try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "User@Acme.example"])
                #expect(sent.status == .accepted)
                ids.append(sent.object["id"] as? String ?? "")
            }
            let limited = try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "user@acme.example"])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(limited.errorField == "address")
            // Other spellings of the same mailbox (RFC 5321: quotes and escapes change nothing) are limited too.
            for spelling in [#""user"@acme.example"#, #""\u\ser"@acme.example"#, #""u\ser"@ACME.example"#, "USER@acme.EXAMPLE"] {
                let again = try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": spelling])
                #expect(again.status == .tooManyRequests, "\(spelling): \(again.status) \(again.text)")
            }
            // Another address is not limited by this one.
            #expect(try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "other@acme.example"]).status == .accepted)
            // Wrong guesses use up a code.
            for left in (0..<5).reversed() {
                let response = try await api.call(.post, "/api/v1/tenants/acme/2fa/\(ids[0])/verify", token: token, json: ["code": "000000"])
                // A lucky 000000 is one in a million; the count of attempts is what is checked.
                #expect(response.object["attempts_left"] as? Int == left)
            }
            let exhausted = try await api.call(.post, "/api/v1/tenants/acme/2fa/\(ids[0])/verify", token: token, json: ["code": "000000"])
            #expect(exhausted.status == .tooManyRequests)
            h.clock.advance(by: 601)
            let expired = try await api.call(.post, "/api/v1/tenants/acme/2fa/\(ids[1])/verify", token: token, json: ["code": "000000"])
            #expect(expired.status == .gone)
            // After the window the address may ask again.
            #expect(try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "user@acme.example"]).status == .accepted)
        }
        // The mails not sent within their ten minutes are never sent late.
        try await h.deliver()
        let log = try await h.store.log(.init(tenantID: "acme", limit: 20))
        #expect(log.filter { $0.entry.status == .expired }.count == 6)
        #expect(log.filter { $0.entry.status == .sent }.count == 1)
    }

    /// Parallel requests for one address cannot pass the limit together.
    @Test func theTwoFactorLimitHoldsUnderParallelRequests() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        let statuses = try await h.client { api in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        Int(try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "user@acme.example"]).status.code)
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses.filter { $0 == 202 }.count == 5)
        #expect(statuses.filter { $0 == 429 }.count == 7)
        #expect(try await h.store.log(.init(tenantID: "acme", limit: 50)).count == 5)
    }

    @Test func theSMTPTestReportsEveryStepAndIsAudited() async throws {
        let h = try Harness()
        defer { h.remove() }
        try await h.client { api in
            let result = try await api.call(.post, "/api/v1/smtp/test", json: ["to": "admin@herald.test", "locale": "de"])
            #expect(result.status == .ok, "\(result.text)")
            #expect(result.object["succeeded"] as? Bool == true)
            let steps = (result.object["steps"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(steps.contains("connect") || steps.contains("Connect"), "\(steps)")
            #expect(steps.count >= 5)
            let audit = try await api.call(.get, "/api/v1/audit")
            let entries = audit.object["entries"] as? [[String: Any]] ?? []
            #expect(entries.contains { $0["action"] as? String == "smtp.test" && ($0["detail"] as? String)?.isEmpty == false })

            // A server that refuses the password gives the verdict, not an error status.
            let refusing = try SMTPPeer(["--auth", "reports:right"])
            defer { refusing.stop() }
            let failed = try await api.call(.post, "/api/v1/smtp/test", json: [
                "to": "admin@herald.test",
                "settings": ["host": "127.0.0.1", "port": refusing.port, "tls": "none", "username": "reports", "password": "wrong",
                             "from": "Herald <reports@herald.test>"],
            ])
            #expect(failed.status == .ok)
            #expect(failed.object["succeeded"] as? Bool == false)
            #expect((failed.object["verdict"] as? String)?.contains("535") == true, "\(failed.text)")
            #expect(!failed.text.contains("wrong"))
        }
        #expect(h.peer!.messages.count == 1)
    }

    /// The Reply-To saved with the SMTP settings is on every mail Herald makes, and every mail it
    /// makes by itself (2FA codes too) says so with Auto-Submitted.
    @Test func theStoredReplyToAndAutoSubmittedAreOnEveryMail() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            let saved = try await api.call(.put, "/api/v1/smtp", json: [
                "host": "127.0.0.1", "port": h.peer!.port, "tls": "none", "from": "Herald Reports <reports@herald.test>",
                "reply_to": "Ops Desk <ops-desk@herald.test>",
            ])
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "user@acme.example"]).status == .accepted)
            let alert = try await api.call(.post, "/api/v1/tenants/acme/alerts", token: token, json: [
                "host": ["name": "web-01"], "service": ["display_name": "HTTP"], "status": "CRIT",
                "channel": ["recipients": [["address": "ops@acme.example"]]],
            ])
            #expect(alert.status == .accepted, "\(alert.text)")
        }
        try await h.deliver()
        let mails = try h.received()
        #expect(mails.count == 2)
        for mail in mails {
            #expect(mail.reply_to?.map(\.addr) == ["ops-desk@herald.test"], "\(mail.subject ?? "")")
            #expect(mail.extra["Auto-Submitted"] == "auto-generated", "\(mail.subject ?? "")")
            #expect(mail.from?.first?.addr == "reports@herald.test")
        }
    }

    @Test func storedSMTPPasswordsAreWriteOnlyAndEncrypted() async throws {
        let h = try Harness()
        defer { h.remove() }
        let password = "s3cret-app-password-xyz"
        try await h.client { api in
            let saved = try await api.call(.put, "/api/v1/smtp", json: [
                "host": "127.0.0.1", "port": h.peer!.port, "tls": "none", "username": "reports", "password": password,
                "from": "Herald Reports <reports@herald.test>",
            ])
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.object["password_set"] as? Bool == true)
            #expect(saved.object["source"] as? String == "api")
            #expect(!saved.text.contains(password))
            let read = try await api.call(.get, "/api/v1/smtp")
            #expect(!read.text.contains(password))
            // Saving without a password keeps the stored one.
            let again = try await api.call(.put, "/api/v1/smtp", json: [
                "host": "127.0.0.1", "port": h.peer!.port, "tls": "none", "username": "reports", "from": "Herald <reports@herald.test>",
            ])
            #expect(again.object["password_set"] as? Bool == true)
            let audit = try await api.call(.get, "/api/v1/audit")
            #expect(!audit.text.contains(password))
            // The stored password never goes to another server, user or TLS mode, neither in a test nor a save.
            let probe = try await api.call(.post, "/api/v1/smtp/test", json: [
                "to": "admin@herald.test",
                "settings": ["host": "127.0.0.1", "port": h.peer!.port, "tls": "none", "username": "someone-else", "from": "Herald <reports@herald.test>"],
            ])
            #expect(probe.status == .ok, "\(probe.text)")
            #expect(h.peer!.envelopes.allSatisfy { $0.auth == nil }, "the test sent credentials")
            let downgraded = try await api.call(.put, "/api/v1/smtp", json: [
                "host": "127.0.0.1", "port": h.peer!.port, "tls": "starttls", "username": "reports", "from": "Herald <reports@herald.test>",
            ])
            #expect(downgraded.status == .ok, "\(downgraded.text)")
            #expect(downgraded.object["password_set"] as? Bool == false)
            #expect((downgraded.object["warnings"] as? [String])?.first?.contains("password was forgotten") == true, "\(downgraded.text)")
        }
        #expect(try await h.core.mailSettings.current()?.password == nil)
        try await h.client { api in
            _ = try await api.call(.put, "/api/v1/smtp", json: [
                "host": "127.0.0.1", "port": h.peer!.port, "tls": "none", "username": "reports", "password": password,
                "from": "Herald Reports <reports@herald.test>",
            ])
        }
        let raw = try Data(contentsOf: h.dir.appendingPathComponent("herald.sqlite"))
        let wal = (try? Data(contentsOf: h.dir.appendingPathComponent("herald.sqlite-wal"))) ?? Data()
        #expect(raw.range(of: Data(password.utf8)) == nil && wal.range(of: Data(password.utf8)) == nil)
        #expect(try await h.core.mailSettings.current()?.password?.value == password)
    }
}

/// The problems a compose closure was given, in order.
private final class Seen: @unchecked Sendable {
    // @unchecked: `problems` is only touched with `lock` held.
    private let lock = NSLock()
    private var list: [AlertProblem?] = []
    var problems: [AlertProblem?] { lock.withLock { list } }

    /// Adds one; returns how many there are now.
    func append(_ problem: AlertProblem?) -> Int {
        lock.withLock {
            list.append(problem)
            return list.count
        }
    }
}
