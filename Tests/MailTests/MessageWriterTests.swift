import Foundation
import Testing
@testable import Mail
import HeraldTestSupport

/// Every message is parsed back by Python's email package (policy.default), an independent parser.
@Suite struct MessageWriterTests {
    struct Parsed: Decodable {
        struct Box: Decodable { let name: String; let addr: String }
        struct Part: Decodable {
            let filename: String?
            let content_type: String
            let sha256: String
            let size: Int
            let content_id: String?
        }
        let defects: [String]
        let subject: String?
        let from: [Box]?
        let to: [Box]?
        let cc: [Box]?
        let reply_to: [Box]?
        let has_bcc: Bool
        let message_id: String?
        let in_reply_to: String?
        let references: String?
        let extra: [String: String]
        let content_types: [String]
        let texts: [String: String]
        let attachments: [Part]
        let inline: [Part]
        let max_line: Int
        let max_header_line: Int
        let bare_lf: Bool
        let bare_cr: Bool
        let eight_bit: Bool
    }

    /// Writes the messages to files and parses them all with one Python run.
    func parse(_ messages: [EncodedMessage]) throws -> [Parsed] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for (i, m) in messages.enumerated() {
            let url = dir.appendingPathComponent("\(i).eml")
            try Data(m.bytes).write(to: url)
            paths.append(url.path)
        }
        return try JSONDecoder().decode([Parsed].self, from: Python.run("parse_mail.py", paths))
    }

    func sha256(_ bytes: [UInt8]) throws -> String {
        let out = try Python.run("sha256.py", [], stdin: Data(bytes))
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test func textOnlyIsASinglePart() async throws {
        var m = MailMessage(from: try Mailbox(parsing: "Herald <herald@example.com>"))
        m.to = [try Mailbox(parsing: "ops@example.com")]
        m.subject = "Disk full on db-1"
        m.text = "Disk / is 98% full.\nPlease look.\n"
        let encoded = try MessageWriter().encode(m)
        let parsed = try parse([encoded])[0]
        #expect(parsed.defects.isEmpty)
        #expect(parsed.content_types == ["text/plain"])
        #expect(parsed.texts["plain"] == "Disk / is 98% full.\nPlease look.\n")
        #expect(parsed.subject == "Disk full on db-1")
    }

    @Test func fullMessageDecodesBack() async throws {
        var m = MailMessage(from: try Mailbox(parsing: "Jörg Müller – Überwachung <joerg@bücher.example>"))
        m.to = [try Mailbox(parsing: "Ärger Öffentlich <a@example.com>"), try Mailbox(parsing: "\"Doe, John\" <jd@example.com>")]
        m.cc = [try Mailbox(parsing: "cc@example.com")]
        m.bcc = [try Mailbox(parsing: "secret@example.com")]
        m.replyTo = [try Mailbox(parsing: "Support <support@example.com>")]
        m.subject = "Verfügbarkeitsbericht für März: 99,95 % — alle Dienste grün ✅ und noch ein sehr langer Betreff, der gefaltet werden muss"
        m.text = "Grüße aus Köln!\r\nZeile mit Leerzeichen am Ende   \nFrom the start\n.dot\n" + String(repeating: "lang ", count: 60) + "\n"
        m.html = "<html><body><p>Grüße <img src=\"cid:logo@herald\"></p>" + String(repeating: "<b>x</b> ", count: 50) + "</body></html>"
        let pdf = Self.pseudoRandomBytes(150_000, seed: 1)
        let csv = Array("host;status\ndb-1;CRIT\n".utf8)
        let png = Self.pseudoRandomBytes(2_000, seed: 2)
        m.attachments = [
            Attachment(fileName: "Bericht März 2026 – Verfügbarkeit aller Hosts und Dienste im Überblick.pdf", data: pdf),
            Attachment(fileName: "status \"quoted\".csv", data: csv),
        ]
        m.inlineImages = [InlineImage(contentID: "logo@herald", fileName: "logo.png", data: png)]
        m.extraHeaders = [HeaderField(name: "Auto-Submitted", value: "auto-generated"),
                          HeaderField(name: "X-Herald-Test", value: "Tëst wert")]
        m.inReplyTo = ["problem.1@example.com"]
        m.references = ["problem.1@example.com", "<problem.2@example.com>"]
        let encoded = try MessageWriter().encode(m)
        let p = try parse([encoded])[0]

        #expect(p.defects.isEmpty, "\(p.defects)")
        #expect(p.subject == m.subject)
        #expect(p.from?.first?.name == "Jörg Müller – Überwachung")
        #expect(p.from?.first?.addr == "joerg@xn--bcher-kva.example")
        #expect(p.to?.map(\.name) == ["Ärger Öffentlich", "Doe, John"])
        #expect(p.cc?.map(\.addr) == ["cc@example.com"])
        #expect(p.reply_to?.map(\.addr) == ["support@example.com"])
        #expect(!p.has_bcc)
        #expect(!String(decoding: encoded.bytes, as: UTF8.self).contains("secret@example.com"))
        #expect(encoded.recipients == ["a@example.com", "jd@example.com", "cc@example.com", "secret@example.com"])
        #expect(p.message_id == "<\(encoded.messageID)>")
        #expect(p.in_reply_to == "<problem.1@example.com>")
        #expect(p.references == "<problem.1@example.com> <problem.2@example.com>")
        #expect(p.extra["Auto-Submitted"] == "auto-generated")
        #expect(p.extra["X-Herald-Test"] == "Tëst wert")
        #expect(p.content_types == ["multipart/mixed", "multipart/alternative", "text/plain", "multipart/related",
                                    "text/html", "image/png", "application/pdf", "text/csv"])
        #expect(p.texts["plain"] == "Grüße aus Köln!\nZeile mit Leerzeichen am Ende   \nFrom the start\n.dot\n" + String(repeating: "lang ", count: 60) + "\n")
        #expect(p.texts["html"] == m.html)
        #expect(p.attachments.map(\.filename) == m.attachments.map(\.fileName))
        #expect(p.attachments.map(\.sha256) == [try sha256(pdf), try sha256(csv)])
        #expect(p.inline.first?.content_id == "<logo@herald>")
        #expect(p.inline.first?.sha256 == (try sha256(png)))
        #expect(p.max_line <= 998)
        #expect(p.max_header_line <= 78, "header line of \(p.max_header_line)")
        #expect(!p.bare_lf && !p.bare_cr && !p.eight_bit)
        #expect(encoded.size == encoded.bytes.count)
    }

    @Test func structureVariants() async throws {
        let from = try Mailbox(parsing: "a@example.com")
        let to = [try Mailbox(parsing: "b@example.com")]
        var htmlOnly = MailMessage(from: from); htmlOnly.to = to; htmlOnly.html = "<p>Hi</p>"
        var textHtml = MailMessage(from: from); textHtml.to = to; textHtml.text = "Hi"; textHtml.html = "<p>Hi</p>"
        var attachmentOnly = MailMessage(from: from); attachmentOnly.to = to
        attachmentOnly.attachments = [Attachment(fileName: "r.pdf", data: [1, 2, 3])]
        var related = MailMessage(from: from); related.to = to; related.html = "<img src=cid:x@y>"
        related.inlineImages = [InlineImage(contentID: "x@y", fileName: "x.png", data: [9])]
        let parsed = try parse([htmlOnly, textHtml, attachmentOnly, related].map { try MessageWriter().encode($0) })
        #expect(parsed.map(\.content_types) == [
            ["text/html"],
            ["multipart/alternative", "text/plain", "text/html"],
            ["multipart/mixed", "text/plain", "application/pdf"],
            ["multipart/related", "text/html", "image/png"],
        ])
        #expect(parsed.allSatisfy { $0.defects.isEmpty })
    }

    @Test func longAndAwkwardInputStaysWithinLimits() async throws {
        var m = MailMessage(from: try Mailbox(parsing: "a@example.com"))
        m.to = try (0..<40).map { try Mailbox(parsing: "Empfänger Nummer \($0) <user\($0)@example.com>") }
        m.subject = String(repeating: "x", count: 2000)
        m.text = String(repeating: "y", count: 5000) + "\n" + String(repeating: "ü", count: 3000)
        m.attachments = [Attachment(fileName: String(repeating: "ä", count: 200) + ".pdf", data: [0])]
        let encoded = try MessageWriter().encode(m)
        let p = try parse([encoded])[0]
        #expect(p.defects.isEmpty, "\(p.defects)")
        #expect(p.subject == m.subject)
        #expect(p.to?.count == 40)
        #expect(p.to?.last?.name == "Empfänger Nummer 39")
        #expect(p.texts["plain"] == m.text)
        #expect(p.attachments.first?.filename == m.attachments[0].fileName)
        #expect(p.max_line <= 998)
        #expect(p.max_header_line <= 78)
    }

    @Test func headerInjectionIsRejected() async throws {
        var m = MailMessage(from: try Mailbox(parsing: "a@example.com"))
        m.to = [try Mailbox(parsing: "b@example.com")]
        m.subject = "Hello\r\nBcc: victim@example.com"
        var error = #expect(throws: MailError.self) { try MessageWriter().encode(m) }
        #expect(error?.field == "Subject")
        #expect(error?.message.contains("line break") == true)

        m.subject = "ok"
        m.extraHeaders = [HeaderField(name: "X-Test", value: "a\nb")]
        error = #expect(throws: MailError.self) { try MessageWriter().encode(m) }
        #expect(error?.field == "header X-Test")

        m.extraHeaders = [HeaderField(name: "Bcc", value: "x@example.com")]
        error = #expect(throws: MailError.self) { try MessageWriter().encode(m) }
        #expect(error?.message.contains("writes this header itself") == true)

        m.extraHeaders = [HeaderField(name: "Bad Name", value: "x")]
        #expect(throws: MailError.self) { try MessageWriter().encode(m) }

        m.extraHeaders = []
        m.messageID = "has space@example.com"
        #expect(throws: MailError.self) { try MessageWriter().encode(m) }

        #expect(throws: MailError.self) { try HeaderField(parsing: "no colon here") }
    }

    @Test func mediaTypesCannotInjectHeaders() async throws {
        var m = MailMessage(from: try Mailbox(parsing: "a@example.com"))
        m.to = [try Mailbox(parsing: "b@example.com")]
        m.attachments = [Attachment(fileName: "r.pdf", mediaType: "application/pdf\r\nContent-Type: text/html", data: [1])]
        let error = #expect(throws: MailError.self) { try MessageWriter().encode(m) }
        #expect(error?.field == "attachment 1")
        m.attachments = [Attachment(fileName: "r.pdf", mediaType: "application/pdf", data: [1])]
        m.inlineImages = [InlineImage(contentID: "x@y", fileName: "x.png", mediaType: "image/png; x=1", data: [1])]
        #expect(throws: MailError.self) { try MessageWriter().encode(m) }
    }

    @Test func veryLongNamesStayUnder998() async throws {
        var m = MailMessage(from: try Mailbox(parsing: "\"\(String(repeating: "Very long, quoted name ", count: 30))\" <a@example.com>"))
        m.to = [try Mailbox(parsing: "b@example.com")]
        m.attachments = [Attachment(fileName: String(repeating: "報告書", count: 80) + ".pdf", data: [1, 2, 3])]
        let encoded = try MessageWriter().encode(m)
        let p = try parse([encoded])[0]
        #expect(p.defects.isEmpty, "\(p.defects)")
        #expect(p.max_line <= 998)
        #expect(p.attachments.first?.filename == m.attachments[0].fileName)
        #expect(p.from?.first?.name == m.from.displayName)
    }

    @Test func noRecipientIsAnError() async throws {
        let m = MailMessage(from: try Mailbox(parsing: "a@example.com"))
        let error = #expect(throws: MailError.self) { try MessageWriter().encode(m) }
        #expect(error?.code == .invalidMessage)
    }

    @Test func dateHeaderFormat() async throws {
        var m = MailMessage(from: try Mailbox(parsing: "a@example.com"))
        m.to = [try Mailbox(parsing: "b@example.com")]
        m.date = Date(timeIntervalSince1970: 1_774_742_400) // 2026-03-29T00:00:00Z
        let berlin = try MessageWriter(timeZone: #require(TimeZone(identifier: "Europe/Berlin"))).encode(m)
        let text = String(decoding: berlin.bytes, as: UTF8.self)
        #expect(text.hasPrefix("Date: Sun, 29 Mar 2026 01:00:00 +0100\r\n"))
    }

    @Test func duplicateRecipientsAppearOnceInTheEnvelope() async throws {
        var m = MailMessage(from: try Mailbox(parsing: "a@example.com"))
        m.to = [try Mailbox(parsing: "b@example.com")]
        m.cc = [try Mailbox(parsing: "B <b@example.com>")]
        m.bcc = [try Mailbox(parsing: "c@example.com")]
        #expect(try MessageWriter().encode(m).recipients == ["b@example.com", "c@example.com"])
    }
}

/// Base64 bodies against Foundation's encoder, for every length up to a few lines (all three
/// tails) and for a megabyte, in 76-character lines with CRLF.
@Suite struct Base64Tests {
    @Test func matchesFoundationForEveryTailAndLength() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let bytes = (0..<1_048_579).map { _ -> UInt8 in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        for length in Array(0...400) + [57 * 1000, 57 * 1000 + 1, bytes.count] {
            let input = Array(bytes.prefix(length))
            var ours: [UInt8] = []
            Base64.append(input, to: &ours, lineLength: 76)
            let expected = Data(input).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            #expect(String(decoding: ours, as: UTF8.self) == expected, "length \(length)")
            #expect(Base64.encode(input) == Data(input).base64EncodedString(), "length \(length), one line")
        }
    }
}
