import Foundation
import HeraldTestSupport
@testable import Server
@testable import Store
import Testing

/// Restarts, missed slots, the watchdog, custom templates.
@Suite struct ScheduleAndTemplateTests {
    nonisolated(unsafe) static let daily: [String: Any] = [
        "cron": "0 7 * * *", "report": "availability", "period": ["type": "previous-day"],
        "recipients": [["address": "ops@acme.example"]],
    ]

    /// The service stops after the slot is planned and before it is rendered; the next start
    /// renders it once, and a replayed plan adds nothing.
    @Test func aRestartMidRunLosesNoSlotAndDoublesNone() async throws {
        let first = try Harness()
        defer { first.remove() }
        let token = try await first.tenant("acme")
        let created = try await first.client { api in try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: Self.daily) }
        let id = try #require(created.object["id"] as? String, "\(created.object)")
        first.clock.advance(to: Harness.start.addingTimeInterval(3_600 + 5))
        try await first.core.scheduler.plan()
        #expect(try await first.store.pendingRuns(limit: 10, now: first.clock.now).count == 1)

        // "Crash": a new process opens the same database.
        let second = try Harness(reuse: first)
        try await second.core.scheduler.plan()
        #expect(try await second.store.runs(scheduleID: id).count == 1)
        try await second.tick()
        #expect(second.peer!.messages.count == 1)

        // The same slot rendered again (a worker that died after enqueueing, before noticing)
        // finds its mails by their idempotency key.
        let run = try await second.store.runs(scheduleID: id)[0]
        let request = try await second.core.reports.request(for: run)
        let mails = try await second.core.reports.jobs.mails(for: request, composer: second.core.mailSettings.composer, custom: [:],
                                                             now: second.clock.now)
        let again = try await second.store.completeRun(scheduleID: run.scheduleID, slot: run.slot, mails: mails, now: second.clock.now)
        #expect(again.map(\.id) == (run.outboxIDs ?? "").split(separator: ",").map { Int64($0) })

        let third = try Harness(reuse: second)
        third.clock.advance(by: 600)
        try await third.tick()
        #expect(third.peer!.messages.count == 1)
        #expect(try await third.store.runs(scheduleID: id).map(\.status) == [.enqueued])
    }

    /// Down for two days: the slots beyond the grace period are recorded as missed, not silently
    /// skipped and not sent late; the watchdog tells the tenant's admin about a failed run.
    @Test func missedAndFailedSlotsLeaveATrace() async throws {
        let h = try Harness { c in
            c.dataSources = ["down": HTTPDataSource(url: "http://127.0.0.1:9/{tenant}", timeoutSeconds: 2)]
            c.watchdogDelay = 1_800
        }
        defer { h.remove() }
        let token = try await h.tenant("acme", locale: "en", admin: "admin@acme.example")
        let (daily, metrics) = try await h.client { api in
            let daily = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: Self.daily)
            let metrics = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: [
                "cron": "0 * * * *", "report": "metrics", "parameters": ["source": "down"], "period": ["type": "previous-day"],
                "recipients": [["address": "ops@acme.example"]],
            ])
            #expect(metrics.status == .created, "\(metrics.text)")
            return (try #require(daily.object["id"] as? String, "\(daily.object)"), try #require(metrics.object["id"] as? String, "\(metrics.object)"))
        }
        // Two days and a bit later.
        h.clock.advance(to: Harness.start.addingTimeInterval(2 * 86_400 + 3_600 + 60))
        try await h.tick()
        let dailyRuns = try await h.store.runs(scheduleID: daily)
        #expect(dailyRuns.first?.status == .enqueued)
        #expect(dailyRuns.dropFirst().allSatisfy { $0.status == .missed && ($0.detail ?? "").isEmpty == false })
        #expect(dailyRuns.count == 3)
        #expect(try await h.store.runs(scheduleID: metrics).first?.status == .pending)

        // The source stays down: after its retries the run has failed, and half an hour after
        // the slot the watchdog writes to the admin, once.
        for _ in 0..<35 {
            h.clock.advance(by: 60)
            try await h.tick()
        }
        let metricRuns = try await h.store.runs(scheduleID: metrics)
        #expect(metricRuns.first?.status == .failed)
        #expect(metricRuns.first?.detail?.contains("report data") == true, "\(metricRuns.first?.detail ?? "")")
        let mails = try h.received()
        let watchdog = mails.filter { $0.recipient == "admin@acme.example" }
        #expect(watchdog.count >= 1)
        #expect(watchdog.first?.subject?.contains("Report not sent") == true)
        #expect(Set(watchdog.map(\.subject)).count == watchdog.count)
        #expect(try await h.store.audit(limit: 50).contains { $0.action == "report.overdue" })
        #expect(try await h.store.audit(limit: 50).contains { $0.action == "report.failed" })
    }

    /// A report rendered and enqueued whose mail the server keeps refusing for now is still "not
    /// sent": the watchdog tells the admin once.
    @Test func theWatchdogReportsAnEnqueuedReportTheServerDidNotTake() async throws {
        let h = try Harness(peerOptions: ["--scenario", "tempfail-rcpt"]) { $0.watchdogDelay = 1_800 }
        defer { h.remove() }
        let token = try await h.tenant("acme", locale: "de", admin: "admin@acme.example")
        let id = try await h.client { api in
            let created = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: [
                "cron": "0 7 * * *", "report": "availability", "period": ["type": "previous-day"],
                "recipients": [["address": "busy@acme.example"]],
            ])
            return try #require(created.object["id"] as? String, "\(created.text)")
        }
        h.clock.advance(to: Harness.start.addingTimeInterval(3_600 + 10))
        try await h.tick()
        #expect(try await h.store.runs(scheduleID: id).first?.status == .enqueued)
        #expect(try await h.store.log(.init(tenantID: "acme")).first?.entry.status == .retrying)
        for _ in 0..<40 {
            h.clock.advance(by: 60)
            try await h.tick()
        }
        let watchdog = try h.received().filter { $0.recipient == "admin@acme.example" }
        #expect(watchdog.count == 1)
        #expect(watchdog.first?.subject?.hasPrefix("Bericht nicht versandt") == true)
        #expect(watchdog.first?.texts["plain"]?.contains("nicht angenommen") == true)
    }

    /// A report too large for the server fails with a clear entry instead of a vague server error.
    @Test func aReportTooLargeToAttachFailsClearly() async throws {
        let h = try Harness { $0.maxMessageBytes = 20_000 }
        defer { h.remove() }
        let token = try await h.tenant("acme")
        let id = try await h.client { api in
            let accepted = try await api.call(.post, "/api/v1/tenants/acme/reports/availability/send", token: token,
                                              json: ["recipients": [["address": "ops@acme.example"]]])
            return try #require(accepted.object["id"] as? String, "\(accepted.text)")
        }
        try await h.tick()
        let run = try await h.store.run(scheduleID: id, tenantID: "acme")
        #expect(run?.status == .failed)
        #expect(run?.detail?.contains("base64 adds a third") == true, "\(run?.detail ?? "")")
        #expect(run?.detail?.contains("19 KiB") == true)
        #expect(h.peer!.messages.isEmpty)
        #expect(try await h.store.log(.init(tenantID: "acme")).isEmpty)
    }

    /// Past the retention period the outbox, the log, 2FA challenges and old runs go; each
    /// schedule keeps its latest run.
    @Test func retentionPrunesWhatIsNoLongerNeeded() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme")
        let id = try await h.client { api in
            _ = try await api.call(.post, "/api/v1/tenants/acme/2fa", token: token, json: ["address": "user@acme.example"])
            let created = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: Self.daily)
            return try #require(created.object["id"] as? String, "\(created.text)")
        }
        for day in 0..<2 {
            h.clock.advance(to: Harness.start.addingTimeInterval(Double(day) * 86_400 + 3_600 + 10))
            try await h.tick()
        }
        #expect(try await h.store.runs(scheduleID: id).count == 2)
        #expect(try await h.store.log(.init(tenantID: "acme")).count == 3)
        try await h.core.scheduler.retention.prune()
        #expect(try await h.store.log(.init(tenantID: "acme")).count == 3)
        h.clock.advance(by: 31 * 86_400)
        try await h.core.scheduler.retention.prune()
        #expect(try await h.store.log(.init(tenantID: "acme")).isEmpty)
        #expect(try await h.store.runs(scheduleID: id).count == 1)
        #expect(try await h.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM twoFactor") } == 0)
        #expect(try await h.store.schedules(tenantID: "acme").count == 1)
    }

    /// A change to a schedule deleted in the meantime is a 404 and does not bring it back.
    @Test func aDeletedScheduleStaysDeleted() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            let created = try await api.call(.post, "/api/v1/tenants/acme/schedules", token: token, json: Self.daily)
            let id = try #require(created.object["id"] as? String, "\(created.text)")
            let record = try #require(try await h.store.schedule(id, tenantID: "acme"))
            let deleted = try await api.call(.delete, "/api/v1/tenants/acme/schedules/\(id)", token: token)
            #expect(deleted.status == .noContent)
            // What a PUT that read the schedule just before the DELETE would write.
            await #expect(throws: StoreError.self) { try await h.store.saveSchedule(record, actor: "tenant:acme", now: h.clock.now, created: false) }
            let put = try await api.call(.put, "/api/v1/tenants/acme/schedules/\(id)", token: token, json: Self.daily)
            #expect(put.status == .notFound)
        }
        #expect(try await h.store.schedules(tenantID: "acme").isEmpty)
    }

    /// The metrics report from an HTTP JSON source (the monitoring product's API): URL filled in,
    /// Authorization header from the environment, the PDF in the mail; a failing source fails the
    /// run with the source's answer.
    @Test func aReportFromAnHTTPDataSource() async throws {
        let sample = try Data(contentsOf: packageRoot.appendingPathComponent("ReportTemplates/metrics/sample-data.json"))
        let source = try JSONSourcePeer(body: sample)
        let broken = try JSONSourcePeer(body: Data("{}".utf8), status: 503)
        let h = try Harness(environment: ["MONITORING_AUTH": "Bearer source-secret"]) { c in
            c.dataSources = [
                "monitoring": HTTPDataSource(url: "http://127.0.0.1:\(source.port)/data/{tenant}/{report}?start={start}&end={end}",
                                             authorizationEnv: "MONITORING_AUTH", timeoutSeconds: 10),
                "broken": HTTPDataSource(url: "http://127.0.0.1:\(broken.port)/x", timeoutSeconds: 10),
            ]
        }
        defer { h.remove() }
        let token = try await h.tenant("acme", locale: "de")
        let (good, bad) = try await h.client { api in
            let good = try await api.call(.post, "/api/v1/tenants/acme/reports/metrics/send", token: token, json: [
                "recipients": [["address": "ops@acme.example"]], "parameters": ["source": "monitoring"],
                "period": ["type": "previous-day"],
            ])
            let bad = try await api.call(.post, "/api/v1/tenants/acme/reports/metrics/send", token: token, json: [
                "recipients": [["address": "ops@acme.example"]], "parameters": ["source": "broken"],
            ])
            let none = try await api.call(.post, "/api/v1/tenants/acme/reports/metrics/send", token: token, json: [
                "recipients": [["address": "ops@acme.example"]], "parameters": ["source": "prometheus"],
            ])
            #expect(none.status == .unprocessableContent)
            #expect(none.errorField == "parameters.source")
            #expect(none.text.contains("service.dataSources") && none.text.contains("configured: monitoring, broken") || none.text.contains("configured: broken, monitoring"), "\(none.text)")
            return (try #require(good.object["id"] as? String, "\(good.text)"), try #require(bad.object["id"] as? String, "\(bad.text)"))
        }
        try await h.tick()
        #expect(source.requests.count == 1)
        #expect(source.requests.first?.path == "/data/acme/metrics?start=2026-11-21T23:00:00Z&end=2026-11-22T23:00:00Z")
        #expect(source.requests.first?.authorization == "Bearer source-secret")
        let mails = try h.received()
        #expect(mails.count == 1)
        #expect(mails.first?.attachments.first?.content_type == "application/pdf")
        #expect(try await h.store.run(scheduleID: good, tenantID: "acme")?.status == .enqueued)
        // A source that fails is tried again after 1, 5 and 15 minutes, then the run has failed.
        let retrying = try await h.store.run(scheduleID: bad, tenantID: "acme")
        #expect(retrying?.status == .pending)
        #expect(retrying?.detail?.hasPrefix("attempt 1 failed") == true, "\(retrying?.detail ?? "")")
        for _ in 0..<25 {
            h.clock.advance(by: 60)
            try await h.tick()
        }
        #expect(broken.requests.count == 4)
        let failed = try await h.store.run(scheduleID: bad, tenantID: "acme")
        #expect(failed?.status == .failed)
        #expect(failed?.detail?.contains("HTTP 503") == true, "\(failed?.detail ?? "")")
        let detail = failed?.detail ?? ""
        #expect(detail.contains("source-secret") == false)
    }

    @Test func customTemplatesNeedProAndAreCheckedAtUpload() async throws {
        let h = try Harness()
        defer { h.remove() }
        let free = try await h.tenant("small", plan: "free")
        let pro = try await h.tenant("big", plan: "pro")
        let set: [String: Any] = [
            "subject": "[{{ alert.status }}] {{ alert.host.name }}",
            "text": "{{ alert.service.display_name }} on {{ alert.host.name }}: {{ alert.message }}\n",
            "html": "<p>{{ alert.message }}</p>",
        ]
        try await h.client { api in
            let refused = try await api.call(.put, "/api/v1/tenants/small/templates/alert/en", token: free, json: set)
            #expect(refused.status == .forbidden)
            #expect(refused.errorMessage?.contains("Pro") == true)
            // The plan is checked before the request's shape: a free tenant's preview of its own
            // templates is refused for its plan, also when the templates are incomplete.
            let incomplete = try await api.call(.post, "/api/v1/tenants/small/templates/alert/en/preview", token: free,
                                                json: ["subject": "{{ alert.status }}"])
            #expect(incomplete.status == .forbidden)
            #expect(incomplete.errorField == "plan")
            // Defaults are readable on every plan.
            let defaults = try await api.call(.get, "/api/v1/tenants/small/templates/alert/en", token: free)
            #expect(defaults.object["source"] as? String == "default")

            var broken = set
            broken["text"] = "line one\n{% for x in alert.host %}{{ x }\n"
            let syntax = try await api.call(.put, "/api/v1/tenants/big/templates/alert/en", token: pro, json: broken)
            #expect(syntax.status == .unprocessableContent)
            #expect(syntax.errorField == "text")
            let location = (syntax.object["error"] as? [String: Any])?["location"] as? [String: String]
            #expect(location?["line"] == "2", "\(syntax.text)")
            var undefined = set
            undefined["subject"] = "{{ alert.hots.name }}"
            let strict = try await api.call(.put, "/api/v1/tenants/big/templates/alert/en", token: pro, json: undefined)
            #expect(strict.status == .unprocessableContent)
            #expect(strict.errorField == "subject")
            #expect(strict.errorMessage?.contains("hots") == true)
            #expect(try await api.call(.get, "/api/v1/tenants/big/templates/alert/en", token: pro).object["source"] as? String == "default")

            let saved = try await api.call(.put, "/api/v1/tenants/big/templates/alert/en", token: pro, json: set)
            #expect(saved.status == .ok, "\(saved.text)")
            let preview = try await api.call(.post, "/api/v1/tenants/big/templates/alert/en/preview", token: pro, json: [:] as [String: Any])
            #expect(preview.status == .ok)
            #expect((preview.object["subject"] as? String)?.hasPrefix("[") == true)

            let alert = try await api.call(.post, "/api/v1/tenants/big/alerts", token: pro, json: [
                "host": ["name": "web-01"], "service": ["display_name": "HTTP"], "status": "CRIT", "message": "<refused>",
                "channel": ["recipients": [["address": "ops@big.example"]]],
            ])
            #expect(alert.status == .accepted)
        }
        try await h.deliver()
        let mail = try h.received().first
        #expect(mail?.subject == "[CRIT] web-01")
        // Jinja2 drops the template's single trailing newline (keep_trailing_newline is off).
        #expect(mail?.texts["plain"] == "HTTP on web-01: <refused>")
        #expect(mail?.texts["html"]?.contains("&lt;refused&gt;") == true)
        #expect(try await h.store.audit(limit: 20).contains { $0.action.hasPrefix("template") && $0.tenantID == "big" })

        try await h.client { api in
            let deleted = try await api.call(.delete, "/api/v1/tenants/big/templates/alert/en", token: pro)
            #expect(deleted.status == .noContent)
            let again = try await api.call(.delete, "/api/v1/tenants/big/templates/alert/en", token: pro)
            #expect(again.status == .notFound)
        }
    }

    @Test func theDemoTenantGetsAReportMailAtOnceThroughTheFileTransport() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let demo = try #require(try await h.core.createDemoTenant())
        #expect(try await h.core.createDemoTenant() == nil)
        #expect(demo.tenant.id == "demo")
        try await h.tick()
        let directory = h.dir.appendingPathComponent("mail")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }
        // Both built-in report kinds of the demo, each to both recipients.
        #expect(files.count == 4)
        let parsed = try ParsedMail.parse(files.map { try Data(contentsOf: directory.appendingPathComponent($0)) })
        #expect(parsed.allSatisfy { $0.attachments.first?.content_type == "application/pdf" && $0.defects.isEmpty })
        #expect(Set(parsed.map(\.recipient)) == ["ops@demo.herald.example", "cto@demo.herald.example"])
        #expect(parsed.compactMap { $0.attachments.first?.filename?.split(separator: " ").first.map(String.init) }.sorted()
                == ["Availability", "Metrics", "Metriken", "Verfügbarkeitsbericht"], "\(parsed.map { $0.attachments.first?.filename ?? "" })")
        let log = try await h.store.log(.init(tenantID: "demo"))
        #expect(log.allSatisfy { $0.entry.status == .sent })
        #expect(log.first?.recipients.first?.replyText?.contains("written to") == true)
        #expect(try await h.store.schedules(tenantID: "demo").count == 2)
    }
}

/// Previews render the defaults or a tenant's templates with the kind's sample data in the
/// preview's locale, with any data given merged over it.
@Suite struct PreviewTests {
    @Test func givenDataIsMergedOverTheSampleOfThePreviewsLocale() async throws {
        let h = try Harness(smtp: false)
        defer { h.remove() }
        let token = try await h.tenant("acme")
        try await h.client { api in
            let changed = try await api.call(.post, "/api/v1/tenants/acme/templates/alert/en/preview", token: token,
                                             json: ["data": ["alert": ["status": "WARN"]]])
            #expect(changed.status == .ok, "\(changed.text)")
            let subject = try #require(changed.object["subject"] as? String)
            #expect(subject.contains("WARN"), "\(subject)")
            // The rest of the sample is still there: host and service.
            #expect(subject.contains("db-1.acme.example"), "\(subject)")
            let english = try await api.call(.post, "/api/v1/tenants/acme/templates/report/en/preview", token: token, json: [:] as [String: Any])
            let text = try #require(english.object["text"] as? String)
            #expect(text.contains("Week 47 2026") && !text.contains("KW 47"), "\(text)")
            #expect(text.contains("At 08:00 on Monday"), "\(text)")
            let german = try await api.call(.post, "/api/v1/tenants/acme/templates/report/de/preview", token: token, json: [:] as [String: Any])
            #expect((german.object["text"] as? String)?.contains("KW 47 2026") == true)
            // Each locale's sample has its own dates and durations.
            for (locale, since, duration) in [("de", "25.11.2026 08:14 MEZ", "42\u{A0}Min."), ("en", "2026-11-25 08:14 +01:00", "42\u{A0}min")] {
                let recovery = try await api.call(.post, "/api/v1/tenants/acme/templates/recovery/\(locale)/preview", token: token, json: [:] as [String: Any])
                let text = try #require(recovery.object["text"] as? String, "\(recovery.text)")
                #expect(text.contains(duration), "\(locale): \(text)")
                let alert = try await api.call(.post, "/api/v1/tenants/acme/templates/alert/\(locale)/preview", token: token, json: [:] as [String: Any])
                #expect((alert.object["text"] as? String)?.contains(since) == true, "\(locale): \(alert.text)")
            }
        }
    }
}
