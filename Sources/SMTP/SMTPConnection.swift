import CCurl
import Foundation
import Mail

private let debugCallback: herald_curl_debug_callback = { _, type, data, size, userdata in
    guard let data, let userdata else { return 0 }
    let conversation = Unmanaged<Conversation>.fromOpaque(userdata).takeUnretainedValue()
    conversation.record(type, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// One SMTP session on one libcurl connection, used from one thread at a time.
///
/// libcurl opens the connection (`CURLOPT_CONNECT_ONLY`): it connects, says EHLO, upgrades with
/// STARTTLS and authenticates, and Herald reads the capabilities from the conversation before any
/// mail goes out. That is how it refuses to send unauthenticated when credentials are configured
/// but the server offers no AUTH (libcurl 7.88 skips AUTH silently then) and how it checks the
/// message size against SIZE. The mail transactions themselves Herald runs on that connection
/// (``SMTPWire``): MAIL, RCPT and DATA in one write when the server offers PIPELINING, one
/// command at a time otherwise. Later messages reuse the connection; after any failure the next
/// message opens a fresh one.
// @unchecked Sendable: an SMTPConnection is used from one serial queue at a time (SMTPSession
// owns it), so its handle and buffers are never touched concurrently.
final class SMTPConnection: @unchecked Sendable {
    let settings: SMTPSettings
    private let ehloName: String
    private var easy: CurlEasy?
    private var wire: SMTPWire?
    let conversation = Conversation()
    private var lastUse: ContinuousClock.Instant?
    /// How long a connection may sit idle before it is probed again rather than trusted.
    private let idleBeforeProbe: Duration = .seconds(5)
    /// Connections opened over this object's life.
    private(set) var connectionsOpened = 0
    /// True between transactions: a command sent now is read as a command, not as message data.
    private var clean = false
    /// Commands written together before their replies are read (RFC 2920 section 5: bounded, so the
    /// server's replies never fill the buffers while Herald is still writing).
    static let pipelineGroup = 100

    init(settings: SMTPSettings, keepTranscript: Bool = false) throws {
        try settings.validate()
        self.settings = settings
        self.ehloName = settings.ehloName ?? SMTPSettings.machineFQDN()
        conversation.keepEverything = keepTranscript
    }

    /// Ends the session with QUIT (when the connection is open) and frees the handle.
    func close() {
        if let wire, clean {
            // libcurl sends no QUIT on a CONNECT_ONLY connection; say goodbye, but do not wait long.
            // Not in the middle of a transaction: there QUIT would be read as message data.
            wire.timeout = min(settings.commandTimeout, .seconds(2))
            _ = say("QUIT", on: wire)
        }
        wire = nil
        easy = nil
        lastUse = nil
        clean = false
    }

    /// Sends one message and returns the per-recipient outcome.
    /// - Throws: ``SMTPError`` when the failure precedes the recipients (connect, TLS, AUTH, size,
    ///   MAIL FROM); later failures are reported per recipient in the report.
    func send(_ message: EncodedMessage) throws -> DeliveryReport {
        do {
            let report = try sendUnchecked(message)
            if report.finalReply == nil || !(report.finalReply?.isPositive ?? false) { close() }
            return report
        } catch {
            close()
            throw error
        }
    }

    private func sendUnchecked(_ message: EncodedMessage) throws -> DeliveryReport {
        let reused = try ensureSession()
        if let limit = conversation.sizeLimit, message.size > limit {
            throw SMTPError(.messageTooLarge, .permanent,
                            "the message is \(message.size) bytes but the server accepts at most \(limit) (SIZE); send a smaller attachment or a link")
        }
        conversation.beginTransfer()
        if let report = try transaction(message, mayBeStale: reused) { return report }
        // The server had closed the kept connection before it answered MAIL, so nothing of this
        // message was taken: once more on a fresh connection.
        close()
        _ = try ensureSession()
        conversation.beginTransfer()
        return try transaction(message, mayBeStale: false)!
    }

    private var hasCredentials: Bool { settings.username != nil || settings.oauth2Token != nil }

    /// Makes sure a session is open: reuses the current one (after a NOOP when it sat idle), or
    /// has libcurl open one and checks AUTH.
    /// - Returns: true when an existing connection is reused (it may turn out closed by the server).
    private func ensureSession() throws -> Bool {
        if let wire, let last = lastUse {
            if ContinuousClock.now - last < idleBeforeProbe { return true }
            conversation.beginTransfer()
            if say("NOOP", on: wire)?.isPositive == true {
                lastUse = .now
                return false
            }
            clean = false   // no answer to NOOP: do not wait for one to QUIT either
            close()
        }
        conversation.beginConnection()
        conversation.beginTransfer()
        let easy = try makeHandle()
        let code = easy.perform()
        connectionsOpened += 1
        if code != CURLE_OK {
            throw failure(code: code, easy: easy, stage: "connect")
        }
        if hasCredentials && !conversation.authSucceeded {
            if !conversation.advertises("AUTH") {
                throw SMTPError(.authNotOffered, .configuration,
                                "credentials are configured but \(settings.host) offers no AUTH\(settings.tls == .none ? " (many servers offer it only after STARTTLS: try --tls starttls)" : ""); nothing was sent. Check the server's port and AUTH setup, or remove the credentials for a relay that authorises by IP")
            }
            throw SMTPError(.authenticationFailed, .permanent,
                            "the server did not accept any AUTH mechanism libcurl offered (server offers: \(conversation.capabilities.first { $0.uppercased().hasPrefix("AUTH") } ?? "?"))")
        }
        // libcurl 7.88 logs a line for every curl_easy_recv while verbose; the conversation from
        // here on is recorded by Herald itself.
        easy.set(CURLOPT_VERBOSE, 0)
        guard let wire = SMTPWire(easy: easy, timeout: settings.commandTimeout) else {
            throw SMTPError(.transport, .temporary, "libcurl connected to \(settings.host) but gave no socket; retry later")
        }
        self.easy = easy
        self.wire = wire
        lastUse = .now
        clean = true
        return false
    }

    private func makeHandle() throws -> CurlEasy {
        let easy = try CurlEasy()
        let scheme = settings.tls == .implicit ? "smtps" : "smtp"
        let host = settings.host.contains(":") && !settings.host.hasPrefix("[") ? "[\(settings.host)]" : settings.host
        // libcurl takes the EHLO name from the URL's path; an empty path would make it send gethostname().
        let path = ehloName.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-[]:"))) ?? "localhost"
        easy.set(CURLOPT_URL, "\(scheme)://\(host):\(settings.port)/\(path)")
        easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        // Connect, EHLO, STARTTLS and AUTH, then stop: the transactions are Herald's (SMTPWire).
        easy.set(CURLOPT_CONNECT_ONLY, 1)
        easy.set(CURLOPT_USE_SSL, Int(settings.tls == .starttls ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue))
        easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = settings.caFile { easy.set(CURLOPT_CAINFO, ca) }
        if let user = settings.username { easy.set(CURLOPT_USERNAME, user) }
        if let password = settings.password { easy.set(CURLOPT_PASSWORD, password.value) }
        if let token = settings.oauth2Token {
            easy.set(CURLOPT_XOAUTH2_BEARER, token.value)
            if settings.username == nil { easy.set(CURLOPT_USERNAME, "") }
        }
        easy.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.connectTimeout))
        let commandSeconds = max(1, Self.milliseconds(settings.commandTimeout) / 1000)
        easy.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, commandSeconds)
        easy.set(CURLOPT_NOSIGNAL, 1)
        easy.set(CURLOPT_VERBOSE, 1)
        herald_curl_setopt_debug_callback(easy.handle, debugCallback)
        easy.set(CURLOPT_DEBUGDATA, pointer: Unmanaged.passUnretained(conversation).toOpaque())
        return easy
    }

    static func milliseconds(_ d: Duration) -> Int {
        Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
    }

    // MARK: - The transaction

    /// Runs MAIL, RCPT and DATA for `message` and returns one outcome per recipient.
    /// - Returns: nil when `mayBeStale` and the connection turned out closed (or closing, 421)
    ///   before MAIL was answered: nothing was taken, and the caller tries a fresh connection.
    private func transaction(_ message: EncodedMessage, mayBeStale: Bool) throws -> DeliveryReport? {
        guard let wire else { throw SMTPError(.transport, .temporary, "no open connection; retry later") }
        var commands = ["MAIL FROM:<\(message.mailFrom)>" + (conversation.advertises("SIZE") ? " SIZE=\(message.size)" : "")]
        commands += message.recipients.map { "RCPT TO:<\($0)>" }
        commands.append("DATA")
        // The Mail module refuses CR and LF in addresses; checked again here because a CR/LF would
        // end a command early and start another one.
        guard commands.allSatisfy({ !$0.utf8.contains(13) && !$0.utf8.contains(10) }) else {
            throw SMTPError(.invalidSettings, .permanent, "an envelope address contains CR or LF; nothing was sent")
        }
        var replies: [SMTPReply] = []
        func read(_ command: String) throws { replies.append(try awaitReply(to: command, on: wire)) }
        clean = false
        do {
            if conversation.advertises("PIPELINING") {
                // RFC 2920: the envelope and DATA written together, the replies read in order; in
                // groups, so that a long recipient list cannot fill both directions' buffers.
                var next = 0
                while next < commands.count {
                    let group = commands[next..<min(commands.count, next + Self.pipelineGroup)]
                    try wire.write(group.joined(separator: "\r\n") + "\r\n")
                    for command in group { try read(command) }
                    next += group.count
                }
            } else {
                for (i, command) in commands.enumerated() {
                    try wire.write(command + "\r\n")
                    try read(command)
                    if i == 0 && !replies[0].isPositive { break }
                    // Without an accepted recipient there is nothing to send.
                    if i == message.recipients.count && !replies.dropFirst().contains(where: \.isPositive) { break }
                }
            }
        } catch {
            // A refused MAIL is the server's answer even when it then closed the connection.
            if let mail = replies.first, !mail.isPositive {
                if mail.code == 421 && mayBeStale { return nil }
                throw SMTPError.classify(mail, stage: "MAIL", host: settings.host)
            }
            if replies.isEmpty && mayBeStale { return nil }
            throw wireError(error, stage: replies.isEmpty ? "MAIL FROM" : replies.count <= message.recipients.count ? "RCPT" : "DATA")
        }
        let mail = replies[0]
        let rcptReplies = Array(replies.dropFirst().prefix(message.recipients.count))
        let accepted = rcptReplies.contains(where: \.isPositive)
        if replies.count > message.recipients.count + 1, replies.last!.code == 354, !mail.isPositive || !accepted {
            // RFC 2920 3.1: a server may answer DATA with 354 though it refused the envelope; a
            // lone "." ends that empty message, and the connection stays usable.
            if say(".", on: wire) != nil { clean = true }
        } else if !mail.isPositive || !accepted {
            clean = true
        }
        if mail.code == 421 && mayBeStale { return nil }
        guard mail.isPositive else { throw SMTPError.classify(mail, stage: "MAIL", host: settings.host) }
        var final: SMTPReply?
        var messageFailure: SMTPError?
        if accepted, replies.count > message.recipients.count + 1 {
            let data = replies[message.recipients.count + 1]
            if data.code == 354 {
                do {
                    try wire.writeBody(message.bytes)
                    let reply = try awaitReply(to: ".", on: wire)
                    final = reply
                    clean = true
                    if !reply.isPositive { messageFailure = SMTPError.classify(reply, stage: "DATA", host: settings.host) }
                } catch {
                    messageFailure = wireError(error, stage: "DATA")
                }
            } else {
                messageFailure = SMTPError.classify(data, stage: "DATA", host: settings.host)
                clean = true
            }
        }
        let recipients = message.recipients.enumerated().map { i, address -> RecipientOutcome in
            guard i < rcptReplies.count else {
                return RecipientOutcome(address: address, reply: nil, error: messageFailure
                    ?? SMTPError(.transport, .temporary, "no reply to RCPT TO for this recipient"))
            }
            let rcpt = rcptReplies[i]
            if !rcpt.isPositive {
                return RecipientOutcome(address: address, reply: rcpt, error: SMTPError.classify(rcpt, stage: "RCPT", host: settings.host),
                                        refusedAtRecipient: true)
            }
            if let messageFailure { return RecipientOutcome(address: address, reply: messageFailure.reply, error: messageFailure) }
            return RecipientOutcome(address: address, reply: final, error: nil)
        }
        lastUse = .now
        return DeliveryReport(messageID: message.messageID, recipients: recipients, finalReply: final,
                              transcript: conversation.transcript)
    }

    /// Reads the reply to `command` (already written) and records both in the conversation.
    private func awaitReply(to command: String, on wire: SMTPWire) throws -> SMTPReply {
        let lines = try wire.readReply()
        guard let reply = SMTPReply(lines: lines) else { throw SMTPWire.Failure.failed(CURLE_WEIRD_SERVER_REPLY) }
        conversation.exchange(command, reply, lines: lines)
        return reply
    }

    /// Sends `command` alone and returns its reply, or nil when the connection fails on it.
    private func say(_ command: String, on wire: SMTPWire) -> SMTPReply? {
        guard (try? wire.write(command + "\r\n")) != nil else { return nil }
        return try? awaitReply(to: command, on: wire)
    }

    private func wireError(_ error: any Error, stage: String) -> SMTPError {
        let code = (error as? SMTPWire.Failure)?.curlCode ?? CURLE_RECV_ERROR
        return SMTPError.classify(curl: code, curlText: "libcurl \(code.rawValue): \(String(cString: curl_easy_strerror(code)))",
                                  settings: settings, conversation: conversation, stage: stage)
    }

    /// The error for a connection libcurl could not open: from the reply that caused it when
    /// there is one (a 421 greeting, a 535 to AUTH), otherwise from libcurl's result.
    private func failure(code: CURLcode, easy: CurlEasy, stage: String) -> SMTPError {
        let curlText = "libcurl \(code.rawValue): \(easy.errorText.isEmpty ? String(cString: curl_easy_strerror(code)) : easy.errorText)"
        // The reply that caused the failure: the last negative one, not QUIT's 221.
        if let bad = conversation.currentExchanges.last(where: { $0.reply.code >= 400 && !$0.command.uppercased().hasPrefix("QUIT") && !$0.command.uppercased().hasPrefix("RCPT") }) {
            let verb = bad.command.split(separator: " ").first.map { String($0).uppercased() } ?? ""
            let stageName = bad.command.isEmpty ? "greeting"
                : verb == "." ? "DATA" : verb == "[REDACTED]" ? "AUTH" : verb
            var error = SMTPError.classify(bad.reply, stage: stageName, host: settings.host)
            error = SMTPError(error.code, error.severity, error.message, reply: error.reply, underlying: curlText)
            return error
        }
        return SMTPError.classify(curl: code, curlText: curlText, settings: settings, conversation: conversation, stage: stage)
    }
}
