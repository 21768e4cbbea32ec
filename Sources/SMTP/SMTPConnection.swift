import CCurl
import Foundation
import Mail

/// The bytes libcurl reads as the message body.
private final class Upload {
    var bytes: [UInt8] = []
    var offset = 0
}

private let readCallback: herald_curl_io_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let upload = Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue()
    let n = min(size * count, upload.bytes.count - upload.offset)
    if n > 0 {
        upload.bytes.withUnsafeBytes { source in
            _ = memcpy(buffer, source.baseAddress! + upload.offset, n)
        }
        upload.offset += n
    }
    return n
}

// Replies to custom commands (the NOOP probe) arrive as body data; nothing of it is needed.
private let discardCallback: herald_curl_io_callback = { _, size, count, _ in size * count }

private let debugCallback: herald_curl_debug_callback = { _, type, data, size, userdata in
    guard let data, let userdata else { return 0 }
    let conversation = Unmanaged<Conversation>.fromOpaque(userdata).takeUnretainedValue()
    conversation.record(type, UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// One SMTP session on one libcurl easy handle, used from one thread at a time.
///
/// The first message on a connection is preceded by a `NOOP` probe: libcurl connects, says EHLO,
/// upgrades with STARTTLS and authenticates, and Herald reads the capabilities before any mail
/// goes out. That is how it refuses to send unauthenticated when credentials are configured but
/// the server offers no AUTH (libcurl 7.88 skips AUTH silently then) and how it checks the
/// message size against SIZE. Later messages reuse the connection; after any failure the next
/// message opens a fresh one.
// @unchecked Sendable: an SMTPConnection is used from one serial queue at a time (SMTPSession
// owns it), so its handle and buffers are never touched concurrently.
final class SMTPConnection: @unchecked Sendable {
    let settings: SMTPSettings
    private let ehloName: String
    private var easy: CurlEasy?
    let conversation = Conversation()
    private let upload = Upload()
    private var lastUse: ContinuousClock.Instant?
    /// How long a connection may sit idle before it is probed again rather than trusted.
    private let idleBeforeProbe: Duration = .seconds(5)
    /// Connections opened over this object's life (one per fresh easy handle or reconnect).
    private(set) var connectionsOpened = 0

    init(settings: SMTPSettings, keepTranscript: Bool = false) throws {
        try settings.validate()
        self.settings = settings
        self.ehloName = settings.ehloName ?? SMTPSettings.machineFQDN()
        conversation.keepEverything = keepTranscript
    }

    /// Ends the session with QUIT (when the connection is open) and frees the handle.
    func close() {
        easy = nil
        lastUse = nil
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
        let easy = try ensureSession()
        if let limit = conversation.sizeLimit, message.size > limit {
            throw SMTPError(.messageTooLarge, .permanent,
                            "the message is \(message.size) bytes but the server accepts at most \(limit) (SIZE); send a smaller attachment or a link")
        }
        conversation.beginTransfer()
        upload.bytes = message.bytes
        upload.offset = 0
        defer { upload.bytes = [] }
        easy.set(CURLOPT_CUSTOMREQUEST, nil as String?)
        easy.set(CURLOPT_UPLOAD, 1)
        easy.set(CURLOPT_MAIL_FROM, "<\(message.mailFrom)>")
        easy.setRecipients(message.recipients)
        easy.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(message.size))
        let code = easy.perform()
        lastUse = .now
        let reconnected = easy.info(CURLINFO_NUM_CONNECTS) > 0
        if reconnected { connectionsOpened += 1 }
        let report = try outcome(of: message, code: code, easy: easy)
        if reconnected && hasCredentials && !conversation.authSucceeded {
            // libcurl reconnected inside the transfer and the new session offered no AUTH, so it
            // sent without authenticating. What the server accepted stays accepted (throwing here
            // would send it again); the connection goes, and the next message is probed first.
            close()
        }
        return report
    }

    private var hasCredentials: Bool { settings.username != nil || settings.oauth2Token != nil }

    /// Opens (or re-validates) the session with a NOOP probe and checks AUTH.
    private func ensureSession() throws -> CurlEasy {
        if let easy, let last = lastUse, ContinuousClock.now - last < idleBeforeProbe {
            return easy
        }
        let easy = try self.easy ?? makeHandle()
        self.easy = easy
        if lastUse == nil { conversation.beginConnection() }
        conversation.beginTransfer()
        easy.set(CURLOPT_UPLOAD, 0)
        easy.setRecipients(nil)
        easy.set(CURLOPT_CUSTOMREQUEST, "NOOP")
        let code = easy.perform()
        if easy.info(CURLINFO_NUM_CONNECTS) > 0 { connectionsOpened += 1 }
        if code != CURLE_OK {
            throw failure(code: code, easy: easy, stage: "connect")
        }
        lastUse = .now
        if hasCredentials && !conversation.authSucceeded {
            if !conversation.advertises("AUTH") {
                throw SMTPError(.authNotOffered, .configuration,
                                "credentials are configured but \(settings.host) offers no AUTH\(settings.tls == .none ? " (many servers offer it only after STARTTLS: try --tls starttls)" : ""); nothing was sent. Check the server's port and AUTH setup, or remove the credentials for a relay that authorises by IP")
            }
            throw SMTPError(.authenticationFailed, .permanent,
                            "the server did not accept any AUTH mechanism libcurl offered (server offers: \(conversation.capabilities.first { $0.uppercased().hasPrefix("AUTH") } ?? "?"))")
        }
        return easy
    }

    private func makeHandle() throws -> CurlEasy {
        let easy = try CurlEasy()
        let scheme = settings.tls == .implicit ? "smtps" : "smtp"
        let host = settings.host.contains(":") && !settings.host.hasPrefix("[") ? "[\(settings.host)]" : settings.host
        // libcurl takes the EHLO name from the URL's path; an empty path would make it send gethostname().
        let path = ehloName.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-[]:"))) ?? "localhost"
        easy.set(CURLOPT_URL, "\(scheme)://\(host):\(settings.port)/\(path)")
        easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
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
        // Stalled uploads (the server stops reading) are caught by the low-speed limit.
        easy.set(CURLOPT_LOW_SPEED_LIMIT, 1)
        easy.set(CURLOPT_LOW_SPEED_TIME, commandSeconds)
        easy.set(CURLOPT_NOSIGNAL, 1)
        // Reports carry megabytes of attachments: fewer, larger reads (libcurl's default is 64 KB).
        easy.set(CURLOPT_UPLOAD_BUFFERSIZE, 512 * 1024)
        easy.set(CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1)
        easy.set(CURLOPT_VERBOSE, 1)
        herald_curl_setopt_debug_callback(easy.handle, debugCallback)
        easy.set(CURLOPT_DEBUGDATA, pointer: Unmanaged.passUnretained(conversation).toOpaque())
        herald_curl_setopt_io_callback(easy.handle, CURLOPT_READFUNCTION, readCallback)
        easy.set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(upload).toOpaque())
        herald_curl_setopt_io_callback(easy.handle, CURLOPT_WRITEFUNCTION, discardCallback)
        return easy
    }

    static func milliseconds(_ d: Duration) -> Int {
        Int(d.components.seconds) * 1000 + Int(d.components.attoseconds / 1_000_000_000_000_000)
    }

    // MARK: - Outcome

    private func outcome(of message: EncodedMessage, code: CURLcode, easy: CurlEasy) throws -> DeliveryReport {
        let exchanges = conversation.currentExchanges
        // Runs for every message: compare verbs without allocating.
        let mail = exchanges.last { Conversation.verb(of: $0.command, is: "MAIL") }
        guard let mail, mail.reply.isPositive else {
            throw failure(code: code, easy: easy, stage: "MAIL FROM")
        }
        var rcptReplies: [String: SMTPReply] = [:]
        for exchange in exchanges where Conversation.verb(of: exchange.command, is: "RCPT") {
            let cmd = exchange.command
            if let open = cmd.firstIndex(of: "<"), let close = cmd.lastIndex(of: ">"), open < close {
                rcptReplies[String(cmd[cmd.index(after: open)..<close]).lowercased()] = exchange.reply
            }
        }
        let final = exchanges.last { $0.command == "." }?.reply
        let messageFailure: SMTPError? = (code == CURLE_OK && final?.isPositive == true)
            ? nil : failure(code: code, easy: easy, stage: "DATA")
        let recipients = message.recipients.map { address -> RecipientOutcome in
            guard let rcpt = rcptReplies[address.lowercased()] else {
                return RecipientOutcome(address: address, reply: nil, error: messageFailure
                    ?? SMTPError(.transport, .temporary, "libcurl did not send RCPT TO for this recipient"))
            }
            if !rcpt.isPositive {
                return RecipientOutcome(address: address, reply: rcpt, error: SMTPError.classify(rcpt, stage: "RCPT", host: settings.host),
                                        refusedAtRecipient: true)
            }
            if let messageFailure { return RecipientOutcome(address: address, reply: messageFailure.reply, error: messageFailure) }
            return RecipientOutcome(address: address, reply: final, error: nil)
        }
        return DeliveryReport(messageID: message.messageID, recipients: recipients, finalReply: final,
                              transcript: conversation.transcript)
    }

    /// The error for a failed transfer: from the reply that caused it when there is one,
    /// otherwise from libcurl's result.
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
        if code == CURLE_OK || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR,
           let rcpt = conversation.currentExchanges.last(where: { $0.command.uppercased().hasPrefix("RCPT") && $0.reply.code >= 400 }),
           !conversation.currentExchanges.contains(where: { $0.command.uppercased().hasPrefix("RCPT") && $0.reply.isPositive }) {
            // Every recipient was refused: libcurl stops before DATA.
            return SMTPError.classify(rcpt.reply, stage: "RCPT", host: settings.host)
        }
        return SMTPError.classify(curl: code, curlText: curlText, settings: settings, conversation: conversation, stage: stage)
    }
}
