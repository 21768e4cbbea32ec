import Foundation
import HeraldTestSupport
@testable import Server
@testable import Store
import Testing

/// The availability report's figures from a history with known answers, read back as the
/// recipient sees them: the mail's text part (Python's email) and the PDF's text (pdftotext).
@Suite struct ReportFiguresTests {
    struct ReadMail: Decodable {
        struct PDF: Decodable { let filename: String?; let text: String }
        let text: String?
        let pdfs: [PDF]
    }

    @Test func mailAndPDFShowTheSameFiguresAsAHandComputation() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme", timezone: "Europe/Berlin")
        // The previous day in Berlin: Sunday 2026-11-22 00:00 to 24:00 CET, 1,440 minutes.
        let start = Date(timeIntervalSince1970: 1_795_302_000)   // 2026-11-21T23:00:00Z
        let end = start.addingTimeInterval(86_400)
        func event(_ host: String, _ service: String, _ status: String, _ at: Date) async throws {
            _ = try await h.store.recordAlert(AlertEvent(tenantID: "acme", host: host, service: service, status: AlertStatus(rawValue: status)!, message: "", at: at),
                                        change: .historyOnly, problemMessageID: "", now: h.clock.now) { _ in [] }
        }
        // web-1 HTTP: OK before the day; down from 30 min before the day to 30 min into it, and
        // again for the last 15 minutes, into the next day: 45 of 1,440 minutes down, two outages.
        try await event("web-1", "HTTP", "OK", start.addingTimeInterval(-7_200))
        try await event("web-1", "HTTP", "CRIT", start.addingTimeInterval(-1_800))
        try await event("web-1", "HTTP", "OK", start.addingTimeInterval(1_800))
        try await event("web-1", "HTTP", "WARN", start.addingTimeInterval(36_000))   // WARN counts as available
        try await event("web-1", "HTTP", "OK", start.addingTimeInterval(37_000))
        try await event("web-1", "HTTP", "CRIT", end.addingTimeInterval(-900))
        try await event("web-1", "HTTP", "OK", end.addingTimeInterval(600))
        // db-1 PostgreSQL: first heard of at noon, OK since: known for 12 h, 100 %.
        try await event("db-1", "PostgreSQL", "OK", start.addingTimeInterval(43_200))
        // mail-1 SMTP: no data the whole day: neither a breach nor compliant.
        try await event("mail-1", "SMTP", "NO_DATA", start.addingTimeInterval(-3_600))

        try await h.client { api in
            let sent = try await api.call(.post, "/api/v1/tenants/acme/reports/availability/send", token: token, json: [
                "recipients": [["address": "ops@acme.example", "locale": "de"], ["address": "cto@acme.example", "locale": "en"]],
                "period": ["type": "previous-day"], "parameters": ["sla_target": 99.5, "title": "Tagesbericht"],
            ])
            #expect(sent.status == .accepted, "\(sent.text)")
        }
        try await h.tick()
        #expect(h.peer!.messages.count == 2)
        // Hand computation: web-1 (1440 - 45) / 1440 = 96.875 %, MTTR 22.5 min; db-1 100 %; the mean
        // of the two with data 98.4375 %, shown rounded down to 98.437 %; one breach of 99.5 %.
        let expected: [String: [String]] = [
            "de": ["98,437\u{A0}%", "96,875\u{A0}%", "100,000\u{A0}%", "keine Daten", "99,50\u{A0}%", "23\u{A0}Min."],
            "en": ["98.437\u{A0}%", "96.875\u{A0}%", "100.000\u{A0}%", "no data", "99.50\u{A0}%", "23\u{A0}min"],
        ]
        for raw in h.peer!.messages {
            let file = h.dir.appendingPathComponent("mail-\(UUID().uuidString).eml")
            try raw.write(to: file)
            let mail = try JSONDecoder().decode(ReadMail.self, from: Python.run("report_mail.py", [file.path]))
            let text = try #require(mail.text)
            let pdf = try #require(mail.pdfs.first?.text)
            let locale = text.contains("Verfügbarkeit") ? "de" : "en"
            let figures = expected[locale]!
            // The mail's summary: the mean, the target, one breach, the outages.
            #expect(text.contains(figures[0]), "\(locale) mail: \(text)")
            #expect(text.contains(figures[4]), "\(locale) mail: \(text)")
            #expect(text.contains(locale == "de" ? "SLA-Verletzungen: 1" : "SLA breaches: 1"), "\(text)")
            #expect(text.contains(locale == "de" ? "Ausfälle: 2" : "Outages: 2"), "\(text)")
            #expect(text.contains("Der angeforderte Bericht") || text.contains("The report you asked for"), "ad-hoc wording: \(text)")
            // The PDF: the same mean and target, each service's figure, no data as such, the title.
            let flat = pdf.replacingOccurrences(of: "\u{A0}", with: " ")
            for figure in figures {
                #expect(flat.contains(figure.replacingOccurrences(of: "\u{A0}", with: " ")), "\(locale) PDF lacks \(figure): \(pdf)")
            }
            #expect(pdf.contains("Tagesbericht"))
            #expect(!flat.contains(locale == "de" ? "Hostgruppe" : "Host group"), "no group was given")
            #expect(!flat.contains(" 0,000 %") && !flat.contains(" 0.000 %"), "no data is never 0 %")
            // The Status column agrees with the breach: CRIT for web-1, OK for db-1, NO_DATA for mail-1.
            let rows = pdf.split(separator: "\n").filter { $0.contains("HTTP") || $0.contains("PostgreSQL") || $0.contains("SMTP") }
            #expect(rows.contains { $0.contains("web-1") && $0.contains("CRIT") }, "\(rows)")
            #expect(rows.contains { $0.contains("db-1") && $0.contains("OK") }, "\(rows)")
            #expect(rows.contains { $0.contains("mail-1") && $0.contains("NO_DATA") }, "\(rows)")
        }
    }

    @Test func aTenantWithoutHistoryGetsNoDataNotAFigure() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("empty", locale: "de")
        try await h.client { api in
            let sent = try await api.call(.post, "/api/v1/tenants/empty/reports/availability/send", token: token, json: [
                "recipients": [["address": "ops@empty.example"]], "period": ["type": "previous-day"],
            ])
            #expect(sent.status == .accepted)
        }
        try await h.tick()
        let raw = try #require(h.peer!.messages.first)
        let file = h.dir.appendingPathComponent("empty.eml")
        try raw.write(to: file)
        let mail = try JSONDecoder().decode(ReadMail.self, from: Python.run("report_mail.py", [file.path]))
        let text = try #require(mail.text)
        let pdf = try #require(mail.pdfs.first?.text)
        #expect(text.contains("Verfügbarkeit (Mittel): keine Daten"), "\(text)")
        #expect(pdf.contains("keine Daten"), "\(pdf)")
        #expect(!pdf.contains("0,000") && !pdf.contains("100,000") && !pdf.contains("0.000"), "\(pdf)")
    }

    /// A day with the change back from summer time has 25 hours: an outage across the change is
    /// 75 of 1,500 minutes, 95 % available, in the mail, the availability PDF and the metrics
    /// PDF made from the same history (hourly means: 25 %, 50 % in the two hours of the outage).
    @Test func aDayWithADSTChangeHas25Hours() async throws {
        let h = try Harness()
        defer { h.remove() }
        let token = try await h.tenant("acme", locale: "de", timezone: "Europe/Berlin")
        let start = Date(timeIntervalSince1970: 1_792_879_200)   // 2026-10-24T22:00:00Z, 25.10. 00:00 MESZ
        let end = start.addingTimeInterval(25 * 3_600)            // 2026-10-25T23:00:00Z, 26.10. 00:00 MEZ
        func event(_ status: String, _ at: Date) async throws {
            _ = try await h.store.recordAlert(AlertEvent(tenantID: "acme", host: "web-1", service: "HTTP", status: AlertStatus(rawValue: status)!, message: "", at: at),
                                        change: .historyOnly, problemMessageID: "", now: h.clock.now) { _ in [] }
        }
        try await event("OK", start.addingTimeInterval(-3_600))
        try await event("CRIT", start.addingTimeInterval(2 * 3_600 + 900))   // 02:15 MESZ
        try await event("OK", start.addingTimeInterval(3 * 3_600 + 1_800))    // 02:30 MEZ, 75 minutes later
        let period: [String: Any] = ["type": "custom", "start": "2026-10-24T22:00:00Z", "end": "2026-10-25T23:00:00Z"]
        try await h.client { api in
            for report in ["availability", "metrics"] {
                let sent = try await api.call(.post, "/api/v1/tenants/acme/reports/\(report)/send", token: token, json: [
                    "recipients": [["address": "ops@acme.example"]], "period": period, "parameters": ["sla_target": 99.0],
                ])
                #expect(sent.status == .accepted, "\(sent.text)")
            }
        }
        try await h.tick()
        try #require(h.peer!.messages.count == 2)
        var pdfs: [String: String] = [:]
        for raw in h.peer!.messages {
            let file = h.dir.appendingPathComponent("mail-\(UUID().uuidString).eml")
            try raw.write(to: file)
            let mail = try JSONDecoder().decode(ReadMail.self, from: Python.run("report_mail.py", [file.path]))
            let text = try #require(mail.text)
            let pdf = try #require(mail.pdfs.first?.text).replacingOccurrences(of: "\u{A0}", with: " ")
            if text.contains("Verfügbarkeit (Mittel)") {
                #expect(text.contains("Verfügbarkeit (Mittel): 95,000\u{A0}%"), "\(text)")
                pdfs["availability"] = pdf
            } else {
                pdfs["metrics"] = pdf
            }
            #expect(text.contains("25.10.2026"), "the period is the day in Berlin: \(text)")
        }
        let availability = try #require(pdfs["availability"])
        #expect(availability.contains("95,000 %"), "\(availability)")
        #expect(availability.contains("1 Std. 15 Min."), "MTTR: \(availability)")
        #expect(availability.contains("Zeitraum: 25.10.2026"), "\(availability)")
        let metrics = try #require(pdfs["metrics"])
        #expect(metrics.contains("Verfügbarkeit aller Dienste (Mittel je Stunde)"), "\(metrics)")
        #expect(metrics.contains("Zustandswechsel je Stunde"), "\(metrics)")
        #expect(metrics.contains("Min. 25 Mittel 95 Max. 100 zuletzt 100"), "hourly availability: \(metrics)")
    }
}
