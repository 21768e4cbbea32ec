import CCurl

/// An SMTP conversation: what libcurl's debug callback tells while it opens the connection
/// (greeting, EHLO, STARTTLS, TLS, AUTH), parsed as it arrives, and the transactions Herald runs
/// itself afterwards (``exchange(_:_:lines:)``).
///
/// libcurl reports each command it sends (`CURLINFO_HEADER_OUT`), each reply line it reads
/// (`CURLINFO_HEADER_IN`) and informational text (`CURLINFO_TEXT`). Herald pairs commands with
/// replies, which is how it learns per-recipient outcomes, the EHLO capabilities and the reply that
/// caused a failure: libcurl's own last reply after a failure is QUIT's `221`.
///
/// Secrets: a command starting with `AUTH` keeps only its mechanism, and every client line until
/// the AUTH exchange ends is replaced by `[redacted]`. Message content (`CURLINFO_DATA_OUT`) is
/// never recorded.
final class Conversation {
    struct Exchange {
        /// The command as sent (redacted), or "" for the greeting, or "." for the end of DATA.
        var command: String
        var reply: SMTPReply
    }

    /// When true, every line is kept across transfers (the test mail); otherwise each transfer
    /// starts a fresh record so a long batch keeps memory flat.
    var keepEverything = false
    private(set) var transcript: [TranscriptLine] = []
    private(set) var exchanges: [Exchange] = []
    /// Where the current transfer's exchanges begin (earlier ones are kept only with `keepEverything`).
    private var transferStart = 0
    /// The exchanges of the current transfer: what its outcome and failure are judged on.
    var currentExchanges: ArraySlice<Exchange> { exchanges[min(transferStart, exchanges.count)...] }

    // Connection-level facts, kept until the connection is replaced.
    private(set) var capabilities: [String] = [] {
        didSet { sizeLimit = Self.sizeLimit(in: capabilities) }
    }
    /// The SIZE limit from EHLO, when advertised with a value other than 0.
    private(set) var sizeLimit: Int?
    private(set) var authMechanism: String?
    private(set) var authSucceeded = false
    private(set) var tlsProtocol: String?
    private(set) var certificateSubject: String?
    private(set) var certificateIssuer: String?
    private(set) var certificateVerified: Bool?
    private(set) var connectedTo: String?

    private var pendingCommand: String?
    private var replyLines: [String] = []
    private var inAuth = false

    /// Forgets the per-transfer record; connection facts stay.
    func beginTransfer() {
        pendingCommand = nil
        if !keepEverything {
            transcript.removeAll(keepingCapacity: true)
            exchanges.removeAll(keepingCapacity: true)
        }
        transferStart = exchanges.count
        replyLines.removeAll()
    }

    /// Forgets everything: a new connection is about to be made.
    func beginConnection() {
        transcript.removeAll()
        exchanges.removeAll()
        transferStart = 0
        connectedTo = nil
        pendingCommand = nil
        replyLines = []
    }

    /// Whether the server advertised `keyword` (e.g. `AUTH`, `SIZE`, `STARTTLS`) in its last EHLO reply.
    func advertises(_ keyword: String) -> Bool {
        capabilities.contains { $0.uppercased() == keyword || $0.uppercased().hasPrefix(keyword + " ") || $0.uppercased().hasPrefix(keyword + "=") }
    }

    private static func sizeLimit(in capabilities: [String]) -> Int? {
        for line in capabilities {
            let parts = line.split(separator: " ")
            if parts.first?.uppercased() == "SIZE", parts.count > 1, let n = Int(parts[1]), n > 0 { return n }
        }
        return nil
    }

    func record(_ type: curl_infotype, _ bytes: UnsafeRawBufferPointer) {
        switch type {
        case CURLINFO_HEADER_OUT:
            // One command per call.
            forEachLine(bytes) { commandSent($0); return }
        case CURLINFO_HEADER_IN:
            forEachLine(bytes) { replyLine($0) }
        case CURLINFO_TEXT:
            forEachLine(bytes) { info($0) }
        default:
            break
        }
    }

    /// Calls `body` with each non-empty line of `bytes`, without its CR/LF and leading blanks.
    private func forEachLine(_ bytes: UnsafeRawBufferPointer, _ body: (String) -> Void) {
        var start = 0
        let n = bytes.count
        while start < n {
            var end = start
            while end < n, bytes[end] != 10, bytes[end] != 13 { end += 1 }
            var first = start
            while first < end, bytes[first] == 32 || bytes[first] == 9 { first += 1 }
            if first < end {
                body(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[first..<end]), as: UTF8.self))
            }
            start = end + 1
        }
    }

    private func commandSent(_ line: String) {
        var command = line
        if command.utf8.count > 5, command.utf8.prefix(5).map({ $0 | 0x20 }) == Array("auth ".utf8) {
            let parts = command.split(separator: " ")
            let mechanism = parts.count > 1 ? String(parts[1]) : ""
            authMechanism = mechanism.uppercased()
            inAuth = true
            command = "AUTH \(mechanism)" + (parts.count > 2 ? " [redacted]" : "")
        } else if inAuth {
            command = "[redacted]"
        }
        transcript.append(TranscriptLine(direction: .client, text: command))
        pendingCommand = command
        replyLines.removeAll(keepingCapacity: true)
    }

    private func replyLine(_ line: String) {
        transcript.append(TranscriptLine(direction: .server, text: line))
        replyLines.append(line)
        // A reply ends with a line whose code is followed by a space or nothing.
        let utf8 = line.utf8
        guard utf8.count == 3 || (utf8.count > 3 && utf8[utf8.index(utf8.startIndex, offsetBy: 3)] != UInt8(ascii: "-")) else { return }
        guard let reply = SMTPReply(lines: replyLines) else {
            replyLines.removeAll(keepingCapacity: true)
            return
        }
        // libcurl reports only the connection's opening here (greeting, EHLO, STARTTLS, AUTH);
        // the transactions Herald records itself with exchange(_:_:lines:).
        let command = pendingCommand ?? ""
        exchanges.append(Exchange(command: command, reply: reply))
        if Self.verb(of: command, is: "EHLO") && reply.isPositive {
            capabilities = replyLines.dropFirst().map { String($0.dropFirst(4)) }
        }
        if inAuth && reply.code != 334 {
            inAuth = false
            authSucceeded = reply.isPositive
        }
        replyLines.removeAll(keepingCapacity: true)
    }

    /// Records a command Herald sent itself on the connection and the server's reply to it
    /// (``SMTPWire``; the commands carry no secrets). With pipelining the replies arrive after all
    /// the commands; the record pairs each command with its own reply.
    func exchange(_ command: String, _ reply: SMTPReply, lines: [String]) {
        transcript.append(TranscriptLine(direction: .client, text: command))
        for line in lines { transcript.append(TranscriptLine(direction: .server, text: line)) }
        exchanges.append(Exchange(command: command, reply: reply))
    }

    /// Whether `command`'s first word is `verb` (upper-case ASCII), compared without allocating.
    static func verb(of command: String, is verb: StaticString) -> Bool {
        let utf8 = command.utf8
        let count = verb.utf8CodeUnitCount
        guard utf8.count >= count else { return false }
        var i = utf8.startIndex
        for k in 0..<count {
            if utf8[i] & 0xDF != verb.utf8Start[k] { return false }
            i = utf8.index(after: i)
        }
        return i == utf8.endIndex || utf8[i] == UInt8(ascii: " ")
    }

    private func info(_ line: String) {
        if line.hasPrefix("TLSv") || line.hasPrefix("SSLv") || line.hasPrefix("ALPN")
            || line.hasPrefix("Found bundle") || line.hasPrefix("We are completely uploaded") { return }
        let trimmed = line
        if trimmed.hasPrefix("Trying ") {
            // A new TCP connection: what was learnt about the previous one no longer holds.
            capabilities = []
            authMechanism = nil
            authSucceeded = false
            tlsProtocol = nil
            certificateSubject = nil
            certificateIssuer = nil
            certificateVerified = nil
            inAuth = false
        }
        if trimmed.hasPrefix("SSL connection using ") {
            tlsProtocol = String(trimmed.dropFirst("SSL connection using ".count))
        } else if trimmed.hasPrefix("subject: ") {
            certificateSubject = String(trimmed.dropFirst("subject: ".count))
        } else if trimmed.hasPrefix("issuer: ") {
            certificateIssuer = String(trimmed.dropFirst("issuer: ".count))
        } else if trimmed.hasPrefix("SSL certificate verify ok") {
            certificateVerified = true
        } else if trimmed.hasPrefix("SSL certificate problem") || trimmed.hasPrefix("SSL: no alternative certificate subject name")
                    || trimmed.hasPrefix("SSL: certificate subject name") {
            certificateVerified = false
        } else if trimmed.hasPrefix("Connected to ") {
            connectedTo = String(trimmed.dropFirst("Connected to ".count))
        }
        if keepEverything || transcript.count < 64 {
            transcript.append(TranscriptLine(direction: .info, text: trimmed))
        }
    }
}
