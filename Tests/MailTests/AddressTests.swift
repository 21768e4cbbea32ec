import Foundation
import Testing
@testable import Mail
import HeraldTestSupport

@Suite struct AddressTests {
    @Test(arguments: [
        ("ops@example.com", "ops", "example.com"),
        ("first.last+tag@sub.example.org", "first.last+tag", "sub.example.org"),
        ("\"john doe\"@example.com", "\"john doe\"", "example.com"),
        ("\"a@b\"@example.com", "\"a@b\"", "example.com"),
        ("user@[192.0.2.1]", "user", "[192.0.2.1]"),
        ("o'brien@example.ie", "o'brien", "example.ie"),
    ])
    func validAddresses(input: String, local: String, domain: String) throws {
        let address = try EmailAddress(input)
        #expect(address.localPart == local)
        #expect(address.domain == domain)
    }

    @Test(arguments: [
        ("", "empty"),
        ("plainaddress", "no \"@\""),
        ("@example.com", "before \"@\" is empty"),
        ("user@", "domain after \"@\" is missing"),
        ("user..name@example.com", "empty dot-separated piece"),
        (".user@example.com", "empty dot-separated piece"),
        ("user name@example.com", "a space"),
        ("user@exa mple.com", "may hold only letters, digits and inner hyphens"),
        ("user@example..com", "stray dot"),
        ("user@-example.com", "inner hyphens"),
        ("müller@example.com", "SMTPUTF8"),
        ("user@[300.1.1.1]", "neither [IPv4]"),
        ("\"unclosed@example.com", "no \"@\""),
        (String(repeating: "a", count: 65) + "@example.com", "longer than 64"),
        ("\"a\\\u{0}b\"@example.com", "escapes a control character"),
        ("\"a\\\u{7F}\"@example.com", "escapes a control character"),
    ])
    func invalidAddresses(input: String, reason: String) {
        let error = #expect(throws: MailError.self) { try EmailAddress(input, field: "To") }
        #expect(error?.code == .invalidAddress)
        #expect(error?.field == "To")
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: ["a@example.com\r\nRCPT TO:<evil@example.com>", "a@example.com\nx", "a\r@example.com"])
    func lineBreaksAreRejected(input: String) {
        let error = #expect(throws: MailError.self) { try Mailbox(parsing: input, field: "To") }
        #expect(error?.message.contains("line break") == true)
    }

    @Test(arguments: [
        ("victim@example.com", "victim@example.com"),
        ("\"victim\"@example.com", "victim@example.com"),
        ("\"\\victim\"@example.com", "victim@example.com"),
        ("\"v\\ictim\"@Example.COM", "victim@example.com"),
        ("\"john doe\"@example.com", "john doe@example.com"),
        ("\"a\\\"b\"@example.com", "a\"b@example.com"),
        ("Ops@Bücher.example", "ops@xn--bcher-kva.example"),
    ])
    func spellingsOfOneMailboxShareAKey(input: String, key: String) throws {
        #expect(try EmailAddress(input).mailboxKey == key)
    }

    @Test func mailboxForms() async throws {
        let plain = try Mailbox(parsing: "ops@example.com")
        #expect(plain.displayName == nil)
        let named = try Mailbox(parsing: "Jörg Müller <joerg@example.com>")
        #expect(named.displayName == "Jörg Müller")
        #expect(named.address.envelope == "joerg@example.com")
        let quoted = try Mailbox(parsing: "\"Doe, John \\\"JD\\\"\" <jd@example.com>")
        #expect(quoted.displayName == "Doe, John \"JD\"")
        let bracketOnly = try Mailbox(parsing: "<ops@example.com>")
        #expect(bracketOnly.displayName == nil)
        #expect(throws: MailError.self) { try Mailbox(parsing: "Name <ops@example.com") }
        #expect(throws: MailError.self) { try Mailbox(parsing: "Name\u{7} <ops@example.com>") }
    }

    /// IDN domains become their xn-- form for the envelope; Python's idna package is the oracle.
    @Test func idnaMatchesPython() async throws {
        let domains = ["bücher.example", "münchen.de", "例え.jp", "straße.de", "ÄÖÜ.example", "пример.испытание",
                       "mañana.com", "xn--bcher-kva.example", "plain.example.com", "δοκιμή.gr", "sub.größe.at"]
        let script = """
        import sys, json
        try:
            import idna
            enc = lambda d: idna.encode(d, uts46=True, transitional=False).decode()
        except ImportError:
            enc = lambda d: d.encode('idna').decode()
        print(json.dumps([enc(d) for d in json.load(sys.stdin)]))
        """
        let scriptURL = FileManager.default.temporaryDirectory.appendingPathComponent("idna-\(UUID().uuidString).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", scriptURL.path], stdin: try JSONEncoder().encode(domains))
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        let expected = try JSONDecoder().decode([String].self, from: result.stdout)
        for (domain, ascii) in zip(domains, expected) {
            #expect(try EmailAddress("x@\(domain)").asciiDomain == ascii, "\(domain)")
        }
    }
}
