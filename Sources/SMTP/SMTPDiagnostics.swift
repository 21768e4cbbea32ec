import Foundation
import Mail

/// One step of a test mail: resolve, connect, TLS, EHLO, AUTH, MAIL FROM, RCPT, DATA.
public struct DiagnosticStep: Sendable, Codable, Equatable {
    /// How a step ended.
    public enum Status: String, Sendable, Codable {
        case ok, failed, skipped, notReached = "not-reached"
    }
    /// The step's name, e.g. `TLS`.
    public let name: String
    /// How it ended.
    public let status: Status
    /// What happened, e.g. the TLS protocol and certificate subject.
    public let detail: String
    /// The server's reply at this step, when there was one.
    public let reply: String?
}

/// The result of a test mail: each step, a one-line verdict with the likely fix, and the
/// redacted conversation.
public struct DiagnosticReport: Sendable {
    /// The steps in order.
    public let steps: [DiagnosticStep]
    /// True when the server accepted the test mail for every recipient.
    public let succeeded: Bool
    /// One line: what happened and, on failure, the likely fix.
    public let verdict: String
    /// The failure, when there was one.
    public let error: SMTPError?
    /// The conversation, with passwords and AUTH payloads replaced by `[redacted]`.
    public let transcript: [TranscriptLine]
}

/// Runs a test mail step by step and explains the result.
public enum SMTPDiagnostics {
    /// Sends `message` with `settings` and reports every step.
    public static func run(settings: SMTPSettings, message: EncodedMessage) async -> DiagnosticReport {
        let session: SMTPSession
        do {
            session = try SMTPSession(settings: settings, keepTranscript: true)
        } catch {
            let e = error as? SMTPError ?? SMTPError(.invalidSettings, .configuration, "\(error)")
            return DiagnosticReport(steps: [DiagnosticStep(name: "settings", status: .failed, detail: e.message, reply: nil)],
                                    succeeded: false, verdict: "FAILED: \(e.message)", error: e, transcript: [])
        }
        // The look-up blocks: on the session's own queue, like the transfer.
        let resolve = await session.withConnection { _ in resolveStep(settings.host) }
        var report: DeliveryReport?
        var failure: SMTPError?
        do {
            report = try await session.send(message)
            failure = report?.recipients.first { !$0.accepted }?.error
        } catch {
            failure = error as? SMTPError ?? SMTPError(.transport, .temporary, "\(error)")
        }
        let facts = await session.withConnection { ConversationFacts($0.conversation) }
        await session.close()
        let steps = [resolve] + facts.steps(settings: settings, recipients: message.recipients, failure: failure)
        let verdict: String
        if let report, report.allAccepted {
            verdict = "OK: \(settings.host) accepted the test mail\(report.queueID.map { " (queued as \($0))" } ?? "")"
        } else if let failure {
            verdict = "FAILED: \(failure.message)"
        } else {
            verdict = "FAILED: the server did not accept the test mail"
        }
        return DiagnosticReport(steps: steps, succeeded: report?.allAccepted ?? false, verdict: verdict,
                                error: failure, transcript: facts.transcript)
    }

    static func resolveStep(_ host: String) -> DiagnosticStep {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &result)
        defer { if let r = result { freeaddrinfo(r) } }
        guard rc == 0 else {
            return DiagnosticStep(name: "resolve", status: .failed,
                                  detail: "\(host) does not resolve (\(String(cString: gai_strerror(rc)))); check the host name", reply: nil)
        }
        var addresses: [String] = []
        var cursor = result
        while let ai = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(ai.pointee.ai_addr, ai.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let a = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(a) { addresses.append(a) }
            }
            cursor = ai.pointee.ai_next
        }
        return DiagnosticStep(name: "resolve", status: .ok, detail: "\(host) → \(addresses.joined(separator: ", "))", reply: nil)
    }
}

/// A snapshot of what the conversation showed, taken on the session's queue.
private struct ConversationFacts: Sendable {
    let connectedTo: String?
    let tlsProtocol: String?
    let certificateSubject: String?
    let certificateIssuer: String?
    let certificateVerified: Bool?
    let capabilities: [String]
    let authMechanism: String?
    let exchanges: [(command: String, reply: SMTPReply)]
    let transcript: [TranscriptLine]

    init(_ c: Conversation) {
        connectedTo = c.connectedTo
        tlsProtocol = c.tlsProtocol
        certificateSubject = c.certificateSubject
        certificateIssuer = c.certificateIssuer
        certificateVerified = c.certificateVerified
        capabilities = c.capabilities
        authMechanism = c.authMechanism
        exchanges = c.exchanges.map { ($0.command, $0.reply) }
        transcript = c.transcript
    }

    private func reply(_ verb: String) -> SMTPReply? {
        exchanges.last { $0.command.uppercased().hasPrefix(verb) }?.reply
    }

    func steps(settings: SMTPSettings, recipients: [String], failure: SMTPError?) -> [DiagnosticStep] {
        var steps: [DiagnosticStep] = []
        var reached = true
        func add(_ name: String, _ ok: Bool?, _ detail: String, _ reply: SMTPReply? = nil) {
            let status: DiagnosticStep.Status = !reached ? .notReached : ok == nil ? .skipped : ok! ? .ok : .failed
            steps.append(DiagnosticStep(name: name, status: status, detail: reached ? detail : "", reply: reached ? reply?.description : nil))
            if ok == false { reached = false }
        }
        let greeting = exchanges.first { $0.command.isEmpty }?.reply
        let connected = connectedTo != nil
        add("connect", connected && (greeting?.isPositive ?? false),
            connected ? "connected to \(connectedTo!)" : (failure?.message ?? "no connection"), greeting)
        if settings.tls == .none {
            add("TLS", nil, settings.isLoopback ? "plain connection (loopback)" : "plain connection: credentials and mail travel unencrypted")
        } else {
            var detail = tlsProtocol.map { "\($0)" } ?? "no TLS session"
            if let subject = certificateSubject { detail += "; certificate \(subject)" }
            if let issuer = certificateIssuer { detail += ", issued by \(issuer)" }
            let trusted = certificateVerified == true
            detail += trusted ? "; trusted" : "; not trusted" + (failure?.code == .certificateNotTrusted ? ": \(failure!.message)" : "")
            if failure?.code == .startTLSNotOffered { detail = failure!.message }
            add("TLS", tlsProtocol != nil && trusted, detail, reply("STARTTLS"))
        }
        let ehlo = reply("EHLO")
        add("EHLO", ehlo?.isPositive ?? false, capabilities.isEmpty ? "no capabilities" : "capabilities: \(capabilities.joined(separator: ", "))", ehlo)
        if settings.username == nil && settings.oauth2Token == nil {
            let offered = capabilities.first { $0.uppercased().hasPrefix("AUTH") }
            add("AUTH", nil, "no credentials configured" + (offered.map { " (server offers \($0))" } ?? ""))
        } else {
            let authReply = exchanges.last { $0.command.uppercased().hasPrefix("AUTH") || $0.command == "[redacted]" }?.reply
            let detail = authMechanism.map { "mechanism \($0)" } ?? (failure?.code == .authNotOffered ? failure!.message : "not attempted")
            add("AUTH", authReply?.isPositive ?? false, authReply.map { $0.isPositive ? detail : "\(detail): \(failure?.message ?? $0.description)" } ?? detail, authReply)
        }
        let mail = reply("MAIL FROM")
        add("MAIL FROM", mail?.isPositive ?? false, mail.map { $0.isPositive ? "sender accepted" : (failure?.message ?? "sender refused") } ?? "no reply", mail)
        let rcpts = exchanges.filter { $0.command.uppercased().hasPrefix("RCPT") }
        let accepted = rcpts.filter { $0.reply.isPositive }.count
        let rcptDetail = rcpts.map { "\($0.command.dropFirst(8)) → \($0.reply)" }.joined(separator: "; ")
        add("RCPT", !rcpts.isEmpty && accepted == rcpts.count, rcpts.isEmpty ? "no reply" : rcptDetail, rcpts.last?.reply)
        let final = exchanges.last { $0.command == "." }?.reply ?? exchanges.last { $0.command.uppercased() == "DATA" }?.reply
        add("DATA", final?.isPositive ?? false, final.map { $0.isPositive ? "message accepted" : (failure?.message ?? $0.description) } ?? (failure?.message ?? "no reply"), final)
        return steps
    }
}
