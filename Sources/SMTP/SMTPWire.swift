import CCurl
import Foundation

/// Reads replies and writes commands and message bodies on a connection that libcurl opened
/// with `CURLOPT_CONNECT_ONLY` — through TLS when libcurl negotiated it (STARTTLS or implicit).
///
/// libcurl connects, says EHLO, upgrades with STARTTLS and authenticates; Herald then runs the
/// mail transactions itself with `curl_easy_send` and `curl_easy_recv`. That lets it pipeline
/// MAIL, RCPT and DATA (RFC 2920) when the server offers PIPELINING, and spares every message
/// libcurl's transfer setup and its byte-by-byte end-of-line scan of the body.
///
/// Not thread-safe: one ``SMTPConnection`` uses it from one thread at a time.
final class SMTPWire {
    /// What went wrong on the wire.
    enum Failure: Error {
        /// No reply, or no progress writing, within the timeout.
        case timedOut
        /// The server closed the connection.
        case closed
        /// libcurl or the socket reported an error.
        case failed(CURLcode)

        /// The libcurl code this failure corresponds to, for ``SMTPError/classify(curl:curlText:settings:conversation:stage:)``.
        var curlCode: CURLcode {
            switch self {
            case .timedOut: CURLE_OPERATION_TIMEDOUT
            case .closed: CURLE_GOT_NOTHING
            case .failed(let code): code
            }
        }
    }

    private let easy: CurlEasy
    private let socket: curl_socket_t
    /// How long a reply, or a write's next progress, may take.
    var timeout: Duration
    /// Bytes received and not yet consumed; `start` is where the unconsumed part begins.
    private var buffer: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 16 * 1024)

    /// Takes over `easy`'s connection (after a successful `curl_easy_perform` with CONNECT_ONLY).
    init?(easy: CurlEasy, timeout: Duration) {
        var socket = curl_socket_t(-1)
        guard herald_curl_getinfo_socket(easy.handle, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket != -1 else { return nil }
        self.easy = easy
        self.socket = socket
        self.timeout = timeout
    }

    // MARK: - Writing

    /// Writes `text` (commands, each ending in CRLF).
    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { bytes throws in try write(UnsafeRawBufferPointer(bytes)) }
    }

    /// Writes `bytes` whole; waits while the socket is full, at most `timeout` without progress.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        var deadline = ContinuousClock.now + timeout
        while offset < bytes.count {
            var sent = 0
            let code = curl_easy_send(easy.handle, bytes.baseAddress! + offset, bytes.count - offset, &sent)
            switch code {
            case CURLE_OK:
                offset += sent
                deadline = .now + timeout
            case CURLE_AGAIN:
                // The deadline moves only with progress, so a write that cannot go on ends
                // (also when TLS wants to read first and poll returns at once).
                try wait(for: Int16(POLLOUT), deadline: deadline)
            default:
                throw Failure.failed(code)
            }
        }
    }

    /// Writes a message body for DATA: a dot at the start of a line doubled (RFC 5321 4.5.2),
    /// CRLF added when the body does not end with one, then the terminating `.` line.
    /// The body is Herald's own encoding: 7-bit, CRLF line ends, no bare CR or LF.
    func writeBody(_ body: [UInt8]) throws {
        try body.withUnsafeBytes { (all: UnsafeRawBufferPointer) throws in
            guard let base = all.baseAddress, !all.isEmpty else { return try write(".\r\n") }
            var segmentStart = 0
            var from = 0
            // Only dots need looking at (base64 has none): each one that starts a line ends a
            // segment after it, and the next segment starts with the same dot, so it goes out twice.
            while from < all.count, let found = memchr(base + from, Int32(UInt8(ascii: ".")), all.count - from) {
                let dot = base.distance(to: UnsafeRawPointer(found))
                if dot == 0 || all[dot - 1] == 10 {
                    try write(UnsafeRawBufferPointer(rebasing: all[segmentStart...dot]))
                    segmentStart = dot
                }
                from = dot + 1
            }
            try write(UnsafeRawBufferPointer(rebasing: all[segmentStart...]))
            let endsWithCRLF = all.count >= 2 && all[all.count - 2] == 13 && all[all.count - 1] == 10
            try write(endsWithCRLF ? ".\r\n" : "\r\n.\r\n")
        }
    }

    // MARK: - Reading

    /// Reads one reply, all its lines (without CR/LF), waiting at most `timeout` for it.
    func readReply() throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        var lines: [String] = []
        while true {
            let line = try readLine(deadline: deadline)
            lines.append(line)
            // A reply ends with a line whose code is followed by a space or nothing (RFC 5321 4.2).
            let utf8 = line.utf8
            if utf8.count <= 3 || utf8[utf8.index(utf8.startIndex, offsetBy: 3)] != UInt8(ascii: "-") { return lines }
            // A server that never ends its reply is treated like one that never answers.
            if lines.count > 1000 { throw Failure.failed(CURLE_WEIRD_SERVER_REPLY) }
        }
    }

    private func readLine(deadline: ContinuousClock.Instant) throws -> String {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                var end = newline
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                if start == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                }
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            // RFC 5321 allows 512 bytes a reply line; far more is not an SMTP server.
            guard buffer.count < 64 * 1024 else { throw Failure.failed(CURLE_WEIRD_SERVER_REPLY) }
            try fill(deadline: deadline)
        }
    }

    /// Appends what the connection has to `buffer`, waiting for it until `deadline`.
    private func fill(deadline: ContinuousClock.Instant) throws {
        while true {
            var received = 0
            // TLS may hold decrypted bytes the socket no longer shows: read before polling.
            let code = chunk.withUnsafeMutableBytes { curl_easy_recv(easy.handle, $0.baseAddress, $0.count, &received) }
            switch code {
            case CURLE_OK:
                guard received > 0 else { throw Failure.closed }
                buffer.append(contentsOf: chunk[0..<received])
                return
            case CURLE_AGAIN:
                try wait(for: Int16(POLLIN), deadline: deadline)
            default:
                throw Failure.failed(code)
            }
        }
    }

    private func wait(for events: Int16, deadline: ContinuousClock.Instant) throws {
        while true {
            let left = deadline - .now
            guard left > .zero else { throw Failure.timedOut }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let milliseconds = Int32(clamping: SMTPConnection.milliseconds(left) + 1)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw Failure.failed(CURLE_RECV_ERROR) }
        }
    }
}
