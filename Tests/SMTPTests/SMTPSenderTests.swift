import Foundation
import HeraldTestSupport
import Mail
import Testing
@testable import SMTP

/// The SMTP transport against real servers on loopback: aiosmtpd (Python) and Postfix's smtp-sink.
@Suite struct SMTPSenderTests {
    static func message(to recipients: [String] = ["a@example.com"], bcc: [String] = [], subject: String = "Test",
                        attachmentSize: Int = 0) throws -> EncodedMessage {
        var m = MailMessage(from: try Mailbox(parsing: "Herald <herald@example.com>"))
        m.to = try recipients.map { try Mailbox(parsing: $0) }
        m.bcc = try bcc.map { try Mailbox(parsing: $0) }
        m.subject = subject
        m.text = "Hallo Jürgen,\nder Bericht ist da.\n"
        if attachmentSize > 0 {
            m.attachments = [Attachment(fileName: "report.pdf", data: [UInt8](repeating: 0x25, count: attachmentSize))]
        }
        return try MessageWriter().encode(m)
    }

    static func settings(_ peer: SMTPPeer, tls: TLSMode = .none, user: String? = nil, password: String? = nil,
                         ca: Bool = true, timeout: Duration = .seconds(10)) throws -> SMTPSettings {
        SMTPSettings(host: tls == .none ? "127.0.0.1" : "localhost", port: peer.port, tls: tls, username: user,
                     password: password.map(Secret.init), ehloName: "client.herald.test",
                     connectTimeout: timeout, commandTimeout: timeout,
                     caFile: tls != .none && ca ? try TestCA.shared().caCert : nil)
    }

    @Test func plainSendDeliversAndKeepsBccOutOfTheMessage() async throws {
        let peer = try SMTPPeer()
        let m = try Self.message(to: ["a@example.com"], bcc: ["hidden@example.com"])
        let report = try await SMTPSession.with(Self.settings(peer)) { try await $0.send(m) }
        #expect(report.allAccepted)
        #expect(report.recipients.map(\.address) == ["a@example.com", "hidden@example.com"])
        #expect(report.finalReply?.code == 250)
        #expect(report.queueID == "Q0001")
        #expect(peer.messages.count == 1)
        #expect(peer.messages.first == Data(m.bytes))
        let envelope = try #require(peer.envelopes.first)
        #expect(envelope.mail_from == "herald@example.com")
        #expect(envelope.rcpt_tos == ["a@example.com", "hidden@example.com"])
        #expect(envelope.ehlo == "client.herald.test")
        #expect(envelope.mail_options.contains("SIZE=\(m.size)"))
        #expect(!String(decoding: peer.messages[0], as: UTF8.self).contains("hidden@example.com"))
    }

    @Test func startTLSWithTestCA() async throws {
        let peer = try SMTPPeer(["--tls", "starttls"])
        let report = try await SMTPSession.with(Self.settings(peer, tls: .starttls)) { try await $0.send(Self.message()) }
        #expect(report.allAccepted)
        #expect(peer.envelopes.first?.tls == true)
    }

    @Test func implicitTLSWithTestCA() async throws {
        let peer = try SMTPPeer(["--tls", "implicit"])
        let report = try await SMTPSession.with(Self.settings(peer, tls: .implicit)) { try await $0.send(Self.message()) }
        #expect(report.allAccepted)
        #expect(peer.envelopes.first?.tls == true)
    }

    @Test func untrustedCertificateIsAConfigurationError() async throws {
        let peer = try SMTPPeer(["--tls", "starttls"])
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPSession.with(Self.settings(peer, tls: .starttls, ca: false)) { try await $0.send(Self.message()) }
        }
        #expect(error?.code == .certificateNotTrusted)
        #expect(error?.severity == .configuration)
        #expect(error?.message.contains("--ca-file") == true)
        #expect(peer.messages.isEmpty)
    }

    @Test func startTLSNotOfferedSendsNothingInClear() async throws {
        let peer = try SMTPPeer()   // plain server: no STARTTLS in EHLO
        let session = try SMTPSession(settings: Self.settings(peer, tls: .starttls), keepTranscript: true)
        let error = await #expect(throws: SMTPError.self) { try await session.send(Self.message()) }
        #expect(error?.code == .startTLSNotOffered)
        #expect(error?.severity == .configuration)
        let commands = await session.withConnection { $0.conversation.transcript.filter { $0.direction == .client }.map(\.text) }
        #expect(commands.allSatisfy { $0.hasPrefix("EHLO") || $0 == "QUIT" }, "\(commands)")
        #expect(peer.messages.isEmpty)
    }

    @Test(arguments: ["PLAIN", "LOGIN"])
    func authMechanisms(mechanism: String) async throws {
        let other = mechanism == "PLAIN" ? "LOGIN" : "PLAIN"
        let password = "s3cret-Pässword"
        let peer = try SMTPPeer(["--tls", "starttls", "--auth", "reporter:\(password)", "--exclude-auth", other])
        let session = try SMTPSession(settings: Self.settings(peer, tls: .starttls, user: "reporter", password: password),
                                      keepTranscript: true)
        let report = try await session.send(Self.message())
        #expect(report.allAccepted)
        #expect(peer.envelopes.first?.auth == "reporter")
        let (mech, transcript) = await session.withConnection { ($0.conversation.authMechanism, $0.conversation.transcript) }
        #expect(mech == mechanism)
        let joined = transcript.map(\.text).joined(separator: "\n")
        let plainPayload = Data("\0reporter\0\(password)".utf8).base64EncodedString()
        let loginPassword = Data(password.utf8).base64EncodedString()
        #expect(!joined.contains(password) && !joined.contains(plainPayload) && !joined.contains(loginPassword))
        #expect(!joined.contains(Data("reporter".utf8).base64EncodedString()))
        #expect(joined.contains("[redacted]") || mechanism == "PLAIN")
        await session.close()
    }

    @Test func oauth2BearerTokenWithXOAUTH2() async throws {
        let token = "ya29.a0-Bearer-Token"
        let peer = try SMTPPeer(["--tls", "starttls", "--oauth2", "reporter@example.com:\(token)",
                                 "--exclude-auth", "PLAIN", "--exclude-auth", "LOGIN"])
        var settings = try Self.settings(peer, tls: .starttls)
        settings.username = "reporter@example.com"
        settings.oauth2Token = Secret(token)
        let session = try SMTPSession(settings: settings, keepTranscript: true)
        let report = try await session.send(Self.message())
        #expect(report.allAccepted)
        #expect(peer.envelopes.first?.auth == "reporter@example.com")
        let (mechanism, transcript) = await session.withConnection { ($0.conversation.authMechanism, $0.conversation.transcript) }
        #expect(mechanism == "XOAUTH2")
        #expect(!transcript.map(\.text).joined().contains(token))
        await session.close()
    }

    @Test func wrongPasswordIsPermanentWithTheServersReply() async throws {
        let peer = try SMTPPeer(["--tls", "starttls", "--auth", "reporter:right"])
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPSession.with(Self.settings(peer, tls: .starttls, user: "reporter", password: "wrong")) {
                try await $0.send(Self.message())
            }
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.severity == .permanent)
        #expect(error?.reply?.code == 535)
        #expect(error?.message.contains("535") == true)
        #expect(error?.message.contains("wrong") == false)
        #expect(peer.messages.isEmpty)
    }

    @Test func gmailAuthFailureNamesTheAppPassword() {
        let reply = SMTPReply(lines: ["535-5.7.8 Username and Password not accepted.", "535 5.7.8 https://support.google.com/mail/?p=BadCredentials"])!
        let error = SMTPError.classify(reply, stage: "AUTH", host: "smtp.gmail.com")
        #expect(error.message.hasPrefix("535 5.7.8 Username and Password not accepted."))
        #expect(error.message.contains("Gmail needs an app password"))
        #expect(error.severity == .permanent)
    }

    @Test func authNotOfferedWhileConfiguredSendsNothing() async throws {
        let peer = try SMTPPeer(["--hide-auth"])
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPSession.with(Self.settings(peer, user: "reporter", password: "pw")) { try await $0.send(Self.message()) }
        }
        #expect(error?.code == .authNotOffered)
        #expect(error?.severity == .configuration)
        #expect(peer.messages.isEmpty)
    }

    @Test func oneRejectedRecipientDoesNotStopTheOthers() async throws {
        let peer = try SMTPPeer(["--scenario", "reject-rcpt"])
        let m = try Self.message(to: ["a@example.com", "unknown@example.com", "c@example.com"])
        let report = try await SMTPSession.with(Self.settings(peer)) { try await $0.send(m) }
        #expect(report.recipients.map(\.accepted) == [true, false, true])
        let rejected = report.recipients[1]
        #expect(rejected.reply?.code == 550)
        #expect(rejected.reply?.enhancedCode == "5.1.1")
        #expect(rejected.reply?.text.contains("User unknown") == true)
        #expect(rejected.error?.severity == .permanent)
        #expect(report.recipients[0].reply?.code == 250)
        #expect(peer.envelopes.first?.rcpt_tos == ["a@example.com", "c@example.com"])
    }

    /// Lines that start with a dot arrive unchanged (dot-stuffing), recipients keep their own
    /// outcomes, and a batch stays on one connection, with the envelope and DATA pipelined
    /// (RFC 2920) and one command at a time.
    @Test(arguments: [false, true])
    func transactionsWithAndWithoutPipelining(pipelining: Bool) async throws {
        let peer = try SMTPPeer(["--scenario", "reject-rcpt"] + (pipelining ? ["--pipelining"] : []))
        var m = MailMessage(from: try Mailbox(parsing: "herald@example.com"))
        m.to = [try Mailbox(parsing: "a@example.com"), try Mailbox(parsing: "unknown@example.com")]
        m.subject = "Dots"
        m.text = ".first line\n.\n..two dots\nmiddle . dot\n.last"
        let dotted = try MessageWriter().encode(m)
        // The body goes as 7bit, so its lines start with dots on the wire and must be stuffed.
        #expect(String(decoding: dotted.bytes, as: UTF8.self).contains("\r\n..two dots\r\n"))
        let plain = try Self.message(to: ["b@example.com"])
        let refused = try Self.message(to: ["unknown1@example.com", "unknown2@example.com"])
        let (reports, opened, transcript) = try await SMTPSession.with(Self.settings(peer)) { session in
            let reports = [try await session.send(dotted), try await session.send(refused), try await session.send(plain)]
            let transcript = await session.withConnection { $0.conversation.transcript }
            return (reports, await session.connectionsOpened, transcript)
        }
        #expect(reports[0].recipients.map(\.accepted) == [true, false])
        #expect(reports[0].recipients[1].reply?.code == 550)
        #expect(reports[1].recipients.allSatisfy { !$0.accepted && $0.reply?.code == 550 })
        #expect(reports[2].allAccepted)
        #expect(peer.messages == [Data(dotted.bytes), Data(plain.bytes)])
        #expect(peer.envelopes.map(\.rcpt_tos) == [["a@example.com"], ["b@example.com"]])
        // A message no recipient took ends its connection (the next one opens a fresh one).
        #expect(opened == 2)
        #expect(transcript.contains { $0.direction == .client && $0.text == "RCPT TO:<b@example.com>" })
    }

    @Test func everyRecipientRejected() async throws {
        let peer = try SMTPPeer(["--scenario", "reject-rcpt"])
        let report = try await SMTPSession.with(Self.settings(peer)) {
            try await $0.send(Self.message(to: ["unknown1@example.com", "unknown2@example.com"]))
        }
        #expect(report.recipients.allSatisfy { !$0.accepted && $0.reply?.code == 550 })
        #expect(peer.messages.isEmpty)
    }

    @Test func tempFailOnDataIsTemporaryAndKeepsTheRealReply() async throws {
        let peer = try SMTPPeer(["--scenario", "tempfail-data"])
        let report = try await SMTPSession.with(Self.settings(peer)) { try await $0.send(Self.message()) }
        let outcome = try #require(report.recipients.first)
        #expect(!outcome.accepted)
        #expect(outcome.error?.severity == .temporary)
        #expect(outcome.error?.reply?.code == 451)
        #expect(outcome.error?.reply?.enhancedCode == "4.3.0")
    }

    @Test func greeting421IsTemporary() async throws {
        let peer = try SMTPPeer(["--scenario", "greet-421"])
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPSession.with(Self.settings(peer)) { try await $0.send(Self.message()) }
        }
        #expect(error?.severity == .temporary)
        #expect(error?.reply?.code == 421)
        #expect(error?.message.contains("421 4.3.2") == true)
    }

    @Test func connectionDroppedDuringDataIsTemporary() async throws {
        let peer = try SMTPPeer(["--scenario", "drop-data"])
        let report = try await SMTPSession.with(Self.settings(peer)) { try await $0.send(Self.message()) }
        let outcome = try #require(report.recipients.first)
        #expect(!outcome.accepted)
        #expect(outcome.error?.severity == .temporary)
        #expect(outcome.error?.code == .connectionLost)
        #expect(outcome.error?.reply == nil)
    }

    @Test func slowServerHitsTheTimeout() async throws {
        let peer = try SMTPPeer(["--scenario", "slow-data", "--delay", "6"])
        let report = try await SMTPSession.with(Self.settings(peer, timeout: .seconds(1))) { try await $0.send(Self.message()) }
        let outcome = try #require(report.recipients.first)
        #expect(outcome.error?.code == .timeout)
        #expect(outcome.error?.severity == .temporary)
        #expect(outcome.error?.message.contains("did not answer within 1 s") == true, "\(outcome.error?.message ?? "")")
    }

    @Test func connectionRefusedIsTemporary() async throws {
        let port = try freePort()
        let settings = SMTPSettings(host: "127.0.0.1", port: port, tls: .none, ehloName: "client.herald.test")
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPSession.with(settings) { try await $0.send(Self.message()) }
        }
        #expect(error?.code == .connectFailed)
        #expect(error?.severity == .temporary)
    }

    @Test func messageLargerThanSIZEIsRefusedBeforeSending() async throws {
        let peer = try SMTPPeer(["--size", "10000"])
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPSession.with(Self.settings(peer)) { try await $0.send(Self.message(attachmentSize: 20_000)) }
        }
        #expect(error?.code == .messageTooLarge)
        #expect(error?.message.contains("10000") == true)
        #expect(peer.messages.isEmpty)
    }

    @Test func aBatchGoesOverOneConnection() async throws {
        let peer = try SMTPPeer(["--tls", "starttls", "--auth", "u:p"])
        let count = 40
        let opened = try await SMTPSession.with(Self.settings(peer, tls: .starttls, user: "u", password: "p")) { session in
            for i in 0..<count {
                let report = try await session.send(Self.message(subject: "Message \(i)"))
                #expect(report.allAccepted)
            }
            return await session.connectionsOpened
        }
        #expect(peer.messages.count == count)
        #expect(peer.connections == 1)
        #expect(opened == 1)
        #expect(Set(peer.envelopes.map(\.connection)) == [1])
    }

    /// A kept connection the server has closed in the meantime is replaced before the next message
    /// (nothing of it was taken), and the message goes out once.
    @Test(arguments: [false, true])
    func aConnectionTheServerClosedIsReplaced(pipelining: Bool) async throws {
        let peer = try SMTPPeer(["--scenario", "close-after-message"] + (pipelining ? ["--pipelining"] : []))
        let first = try Self.message(subject: "First"), second = try Self.message(subject: "Second")
        let (reports, opened) = try await SMTPSession.with(Self.settings(peer)) { session in
            let a = try await session.send(first)
            try await Task.sleep(for: .milliseconds(600))   // the server closes after 200 ms
            let b = try await session.send(second)
            return ([a, b], await session.connectionsOpened)
        }
        #expect(reports.allSatisfy { $0.allAccepted })
        #expect(peer.messages == [Data(first.bytes), Data(second.bytes)])
        #expect(opened == 2)
        #expect(peer.connections == 2)
    }

    /// With pipelining, a refused MAIL is the server's answer even when it hangs up before the
    /// other replies: permanent, with its own reply, not a lost connection.
    @Test func aRefusedSenderThenAHangUpKeepsTheRefusal() async throws {
        let peer = try SMTPPeer(["--scenario", "reject-sender-close", "--pipelining"])
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPSession.with(Self.settings(peer)) { try await $0.send(Self.message()) }
        }
        #expect(error?.severity == .permanent)
        #expect(error?.reply?.code == 554)
        #expect(error?.reply?.enhancedCode == "5.7.1")
        #expect(peer.messages.isEmpty)
    }

    /// A server that answers DATA with 354 though it refused every recipient gets a lone "."
    /// (RFC 2920 3.1), not the next command as message data; nothing is delivered, and the next
    /// message goes out.
    @Test func dataAnsweredDespiteRefusalsGetsALoneDot() async throws {
        let peer = try SMTPPeer(["--scenario", "data-despite-refusals", "--pipelining"])
        let good = try Self.message(to: ["b@example.com"])
        let (refused, delivered, transcript) = try await SMTPSession.with(Self.settings(peer)) { session in
            let refused = try await session.send(Self.message(to: ["unknown1@example.com", "unknown2@example.com"]))
            let transcript = await session.withConnection { $0.conversation.transcript }
            return (refused, try await session.send(good), transcript)
        }
        #expect(refused.recipients.allSatisfy { !$0.accepted && $0.reply?.code == 550 })
        #expect(transcript.contains { $0.direction == .server && $0.text.hasPrefix("554 5.5.1") })
        // The connection closes after a message nobody took; QUIT is answered, so it was read as a command.
        #expect(transcript.contains { $0.direction == .server && $0.text.hasPrefix("221") })
        #expect(delivered.allAccepted)
        #expect(peer.messages == [Data(good.bytes)])
    }

    @Test func afterAFailureTheNextMessageOpensAFreshConnection() async throws {
        let peer = try SMTPPeer(["--scenario", "tempfail-data"])
        try await SMTPSession.with(Self.settings(peer)) { session in
            _ = try await session.send(Self.message())
            _ = try await session.send(Self.message())
        }
        #expect(peer.connections == 2)
    }

    @Test func postfixSmtpSinkAcceptsABatchOverOneSession() async throws {
        let sink = try SMTPSink()
        let settings = SMTPSettings(host: "127.0.0.1", port: sink.port, tls: .none, ehloName: "client.herald.test")
        let reports = try await SMTPSession.with(settings) { session in
            var reports: [DeliveryReport] = []
            for i in 0..<20 { reports.append(try await session.send(Self.message(to: ["a@example.com", "b@example.com"], subject: "\(i)"))) }
            #expect(await session.connectionsOpened == 1)
            return reports
        }
        #expect(reports.allSatisfy { $0.allAccepted })
        #expect(reports.allSatisfy { $0.finalReply?.code == 250 })
    }

    @Test func diagnosticsReportEveryStep() async throws {
        let peer = try SMTPPeer(["--tls", "starttls", "--auth", "reporter:pw-123"])
        let settings = try Self.settings(peer, tls: .starttls, user: "reporter", password: "pw-123")
        let report = await SMTPDiagnostics.run(settings: settings, message: try Self.message())
        #expect(report.succeeded)
        #expect(report.steps.map(\.name) == ["resolve", "connect", "TLS", "EHLO", "AUTH", "MAIL FROM", "RCPT", "DATA"])
        #expect(report.steps.allSatisfy { $0.status == .ok }, "\(report.steps)")
        let tls = report.steps[2].detail
        #expect(tls.contains("TLSv1.") && tls.contains("CN=localhost") && tls.contains("trusted"))
        #expect(report.steps[3].detail.contains("STARTTLS") == false)   // capabilities after the upgrade
        #expect(report.steps[4].detail.contains("PLAIN") || report.steps[4].detail.contains("LOGIN"))
        #expect(report.verdict.hasPrefix("OK"))
        #expect(!report.transcript.map(\.text).joined().contains("pw-123"))
    }

    @Test func diagnosticsExplainAFailure() async throws {
        let peer = try SMTPPeer(["--tls", "starttls", "--auth", "reporter:right"])
        let settings = try Self.settings(peer, tls: .starttls, user: "reporter", password: "wrong")
        let report = await SMTPDiagnostics.run(settings: settings, message: try Self.message())
        #expect(!report.succeeded)
        #expect(report.steps.first { $0.name == "AUTH" }?.status == .failed)
        #expect(report.steps.first { $0.name == "MAIL FROM" }?.status == .notReached)
        #expect(report.verdict.contains("535"))
        #expect(report.verdict.contains("check the user name and password"))
    }

    @Test func settingsAreValidated() async throws {
        #expect(throws: SMTPError.self) { try SMTPSettings(url: "http://example.com") }
        #expect(throws: SMTPError.self) { try SMTPSettings(url: "smtps://example.com", tls: .starttls) }
        #expect(try SMTPSettings(url: "smtps://example.com").port == 465)
        #expect(try SMTPSettings(url: "smtp://example.com").tls == .starttls)
        var s = SMTPSettings(host: "mail.example.com", username: "u")
        #expect(throws: SMTPError.self) { try s.validate() }
        s.password = Secret("line\nbreak")
        #expect(throws: SMTPError.self) { try s.validate() }
        s.password = Secret("ok")
        s.ehloName = "bad/name"
        #expect(throws: SMTPError.self) { try s.validate() }
        #expect("\(Secret("hunter2"))" == "[redacted]")
        let withSecret = #expect(throws: SMTPError.self) { try SMTPSettings(url: "smtp://user:hunter2@mail.example.com:587") }
        #expect(withSecret?.message.contains("hunter2") == false)
        let badScheme = #expect(throws: SMTPError.self) { try SMTPSettings(url: "smtpx://user:hunter2@mail.example.com") }
        #expect(badScheme?.message.contains("hunter2") == false)
    }

    @Test(arguments: [
        (["250 2.0.0 Ok: queued as 4F2A1"], 250, "2.0.0", "Ok: queued as 4F2A1"),
        (["550 5.1.1 <x@y>: Recipient address rejected"], 550, "5.1.1", "<x@y>: Recipient address rejected"),
        (["250-mail.example.com", "250-SIZE 100", "250 HELP"], 250, nil, "mail.example.com SIZE 100 HELP"),
        (["421 Service not available"], 421, nil, "Service not available"),
        (["354 End data with <CR><LF>.<CR><LF>"], 354, nil, "End data with <CR><LF>.<CR><LF>"),
    ] as [([String], Int, String?, String)])
    func replyParsing(lines: [String], code: Int, enhanced: String?, text: String) throws {
        let reply = try #require(SMTPReply(lines: lines))
        #expect(reply.code == code)
        #expect(reply.enhancedCode == enhanced)
        #expect(reply.text == text)
    }
}
