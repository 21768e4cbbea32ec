import Foundation

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}

/// A message ready to send: its bytes, its Message-ID and its envelope.
public struct EncodedMessage: Sendable {
    /// The message as RFC 5322 / MIME bytes: CRLF line endings, 7-bit, no line over 998 octets.
    public let bytes: [UInt8]
    /// The Message-ID without angle brackets.
    public let messageID: String
    /// The envelope sender (`MAIL FROM`), in ASCII form.
    public let mailFrom: String
    /// The envelope recipients (`RCPT TO`), in ASCII form, each once: To, Cc and Bcc.
    public let recipients: [String]

    /// A message stored earlier (e.g. in the outbox), to send to `recipients`.
    public init(bytes: [UInt8], messageID: String, mailFrom: String, recipients: [String]) {
        self.bytes = bytes
        self.messageID = messageID
        self.mailFrom = mailFrom
        self.recipients = recipients
    }

    /// The encoded size in octets, as compared with a server's SIZE limit.
    public var size: Int { bytes.count }
}

/// Encodes ``MailMessage`` values as RFC 5322 / MIME bytes.
///
/// Structure: a single text part when there is only text; `multipart/alternative` for text and
/// HTML; `multipart/related` around the HTML when it has inline images; `multipart/mixed` around
/// all of that when there are attachments. Text is quoted-printable (or 7bit when it is short-lined
/// ASCII), binary parts base64, headers folded at 78 columns with RFC 2047 encoded-words for
/// non-ASCII text and RFC 2231 parameters for non-ASCII file names.
public struct MessageWriter: Sendable {
    /// The zone whose offset the Date header carries.
    public var timeZone: TimeZone
    /// Makes boundaries and generated Message-IDs; replaceable for reproducible output.
    public var randomHex: @Sendable (Int) -> String

    /// Creates a writer using the current time zone and system randomness.
    public init(timeZone: TimeZone = .current,
                randomHex: @escaping @Sendable (Int) -> String = MessageWriter.systemRandomHex) {
        self.timeZone = timeZone
        self.randomHex = randomHex
    }

    /// `count` random bytes from the system generator, as lower-case hex.
    public static func systemRandomHex(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for _ in 0..<count {
            let byte = UInt8.random(in: 0...255, using: &generator)
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Names the writer sets itself; `extraHeaders` may not carry them.
    static let reservedNames: Set<String> = [
        "from", "sender", "reply-to", "to", "cc", "bcc", "subject", "date", "message-id",
        "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding",
        "content-disposition", "content-id",
    ]

    /// Encodes `message`.
    /// - Throws: ``MailError`` when a header value holds CR/LF or control characters, an extra
    ///   header has a reserved or malformed name, a message id is malformed, or there is no recipient.
    public func encode(_ message: MailMessage) throws -> EncodedMessage {
        let recipients = message.envelopeRecipients
        guard !recipients.isEmpty else {
            throw MailError(.invalidMessage, field: "To", "the message has no recipient; give at least one To, Cc or Bcc address")
        }
        try HeaderText.validate(message.subject, field: "Subject")
        for field in message.extraHeaders {
            guard HeaderText.isValidName(field.name) else {
                throw MailError(.invalidHeader, field: "header \(field.name)",
                                "the name may hold only printable ASCII without spaces or colons")
            }
            guard !Self.reservedNames.contains(field.name.lowercased()) else {
                throw MailError(.invalidHeader, field: "header \(field.name)",
                                "Herald writes this header itself; use the matching message option instead")
            }
            try HeaderText.validate(field.value, field: "header \(field.name)")
        }
        let fromDomain = message.from.address.asciiDomain
        let messageID = try message.messageID.map { try Self.validMessageID($0, field: "Message-ID") }
            ?? "\(randomHex(12)).\(String(Int((message.date ?? Date()).timeIntervalSince1970), radix: 36))@\(fromDomain)"
        let inReplyTo = try message.inReplyTo.map { try Self.validMessageID($0, field: "In-Reply-To") }
        let references = try message.references.map { try Self.validMessageID($0, field: "References") }
        for image in message.inlineImages { _ = try Self.validMessageID(image.contentID, field: "inline image Content-ID") }
        for (i, mediaType) in (message.attachments.map(\.mediaType) + message.inlineImages.map(\.mediaType)).enumerated() {
            guard Self.isMediaType(mediaType) else {
                throw MailError(.invalidHeader, field: i < message.attachments.count ? "attachment \(i + 1)" : "inline image \(i + 1 - message.attachments.count)",
                                "the media type must be type/subtype like application/pdf (RFC 2045 tokens, no spaces or line breaks)")
            }
        }

        var out: [UInt8] = []
        out.reserveCapacity(4096 + message.attachments.reduce(0) { $0 + $1.data.count * 4 / 3 + $1.data.count / 38 })
        HeaderText.fold(name: "Date", tokens: [Self.rfc5322Date(message.date ?? Date(), timeZone)], into: &out)
        Self.writeMailboxes("From", [message.from], into: &out)
        if let sender = message.sender { Self.writeMailboxes("Sender", [sender], into: &out) }
        if !message.replyTo.isEmpty { Self.writeMailboxes("Reply-To", message.replyTo, into: &out) }
        if !message.to.isEmpty { Self.writeMailboxes("To", message.to, into: &out) }
        if !message.cc.isEmpty { Self.writeMailboxes("Cc", message.cc, into: &out) }
        HeaderText.fold(name: "Subject", tokens: HeaderText.unstructuredTokens(message.subject), into: &out)
        HeaderText.fold(name: "Message-ID", tokens: ["<\(messageID)>"], into: &out)
        if !inReplyTo.isEmpty { HeaderText.fold(name: "In-Reply-To", tokens: inReplyTo.map { "<\($0)>" }, into: &out) }
        if !references.isEmpty { HeaderText.fold(name: "References", tokens: references.map { "<\($0)>" }, into: &out) }
        for field in message.extraHeaders {
            HeaderText.fold(name: field.name, tokens: HeaderText.unstructuredTokens(field.value), into: &out)
        }
        HeaderText.fold(name: "MIME-Version", tokens: ["1.0"], into: &out)

        var boundaryCounter = 0
        let boundaryBase = "=_herald_" + randomHex(12)
        func nextBoundary() -> String {
            boundaryCounter += 1
            return "\(boundaryBase)_\(boundaryCounter)"
        }
        let tree = Self.structure(of: message)
        Self.write(tree, into: &out, boundary: nextBoundary)
        if !out.ends(with: [13, 10]) { out += [13, 10] }
        return EncodedMessage(bytes: out, messageID: messageID, mailFrom: message.from.address.envelope,
                              recipients: recipients.map(\.envelope))
    }

    // MARK: - Structure

    indirect enum Part {
        case text(String, subtype: String)
        case binary(mediaType: String, data: [UInt8], disposition: String, fileName: String, contentID: String?)
        case multipart(subtype: String, [Part])
    }

    static func structure(of message: MailMessage) -> Part {
        var body: Part
        let textPart = message.text.map { Part.text($0, subtype: "plain") }
        var htmlPart = message.html.map { Part.text($0, subtype: "html") }
        if let html = htmlPart, !message.inlineImages.isEmpty {
            htmlPart = .multipart(subtype: "related", [html] + message.inlineImages.map {
                .binary(mediaType: $0.mediaType, data: $0.data, disposition: "inline", fileName: $0.fileName, contentID: $0.contentID)
            })
        }
        switch (textPart, htmlPart) {
        case let (text?, html?): body = .multipart(subtype: "alternative", [text, html])
        case let (text?, nil): body = text
        case let (nil, html?): body = html
        case (nil, nil): body = .text("", subtype: "plain")
        }
        if !message.attachments.isEmpty {
            body = .multipart(subtype: "mixed", [body] + message.attachments.map {
                .binary(mediaType: $0.mediaType, data: $0.data, disposition: "attachment", fileName: $0.fileName, contentID: nil)
            })
        }
        return body
    }

    static func write(_ part: Part, into out: inout [UInt8], boundary: () -> String) {
        switch part {
        case let .text(text, subtype):
            HeaderText.fold(name: "Content-Type", tokens: ["text/\(subtype);", "charset=utf-8"], into: &out)
            // Short-lined ASCII goes as 7bit, anything else as quoted-printable; one pass decides
            // while copying, and a refusal rolls the copy back.
            let mark = out.count
            HeaderText.fold(name: "Content-Transfer-Encoding", tokens: ["7bit"], into: &out)
            out += [13, 10]
            if !appendSevenBit(text, to: &out) {
                out.removeSubrange(mark...)
                HeaderText.fold(name: "Content-Transfer-Encoding", tokens: ["quoted-printable"], into: &out)
                out += [13, 10]
                QuotedPrintable.append(text, to: &out)
            }
        case let .binary(mediaType, data, disposition, fileName, contentID):
            HeaderText.fold(name: "Content-Type", tokens: ["\(mediaType);"] + fileNameParameters("name", fileName, legacy: true), into: &out)
            HeaderText.fold(name: "Content-Transfer-Encoding", tokens: ["base64"], into: &out)
            HeaderText.fold(name: "Content-Disposition", tokens: ["\(disposition);"] + fileNameParameters("filename", fileName, legacy: false), into: &out)
            if let id = contentID { HeaderText.fold(name: "Content-ID", tokens: ["<\(id)>"], into: &out) }
            out += [13, 10]
            Base64.append(data, to: &out, lineLength: 76)
        case let .multipart(subtype, parts):
            let b = boundary()
            HeaderText.fold(name: "Content-Type", tokens: ["multipart/\(subtype);", "boundary=\"\(b)\""], into: &out)
            out += [13, 10]
            for child in parts {
                out += Array("--\(b)\r\n".utf8)
                write(child, into: &out, boundary: boundary)
                out += [13, 10]
            }
            out += Array("--\(b)--".utf8)
        }
    }

    /// Appends `text` as a 7bit body, every line break (CRLF, LF, CR) as CRLF, and returns true;
    /// or returns false, leaving `out` partly written, when the text is not ASCII, holds NUL, has
    /// a line over 76 octets or white space at a line end (relays may strip it).
    static func appendSevenBit(_ text: String, to out: inout [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + bytes.count / 32)
            let n = bytes.count
            var start = 0
            while start <= n {
                var end = start
                var bad = false
                while end < n {
                    let byte = bytes[end]
                    if byte == 10 || byte == 13 { break }
                    bad = bad || byte >= 0x80 || byte == 0
                    end += 1
                }
                if bad || end - start > 76 { return false }
                if end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { return false }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                if end == n { break }
                out += [13, 10]
                start = bytes[end] == 13 && end + 1 < n && bytes[end + 1] == 10 ? end + 2 : end + 1
                if start == n { break }
            }
            return true
        }
    }

    /// `name="file.pdf"`, or for non-ASCII or long names RFC 2231 `name*0*=utf-8''...` pieces.
    /// With `legacy`, a non-ASCII name is written as an encoded-word in quotes instead: not
    /// standard in a parameter, but what most clients read from Content-Type's `name`.
    static func fileNameParameters(_ parameter: String, _ fileName: String, legacy: Bool) -> [String] {
        let ascii = fileName.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }
        if ascii && fileName.utf8.count <= 60 {
            return ["\(parameter)=\(quoted(fileName))"]
        }
        if legacy && !ascii {
            let words = HeaderText.encodedWords(fileName).joined(separator: " ")
            // One quoted run cannot be folded: past a safe length only the RFC 2231 form goes.
            if words.utf8.count <= 900 { return ["\(parameter)=\"\(words)\""] }
        }
        // RFC 2231: percent-encode everything outside attribute-char, split into pieces that fit a line.
        var pieces: [String] = []
        var current = ""
        for scalar in fileName.unicodeScalars {
            var encoded = ""
            for byte in String(scalar).utf8 {
                let c = Unicode.Scalar(byte)
                if byte < 0x7F, byte > 0x20, !"*'%()<>@,;:\\\"/[]?=".unicodeScalars.contains(c) {
                    encoded.append(Character(c))
                } else {
                    encoded += String(format: "%%%02X", byte)
                }
            }
            if current.utf8.count + encoded.utf8.count > 50 {
                pieces.append(current)
                current = ""
            }
            current += encoded
        }
        pieces.append(current)
        if pieces.count == 1 { return ["\(parameter)*=utf-8''\(pieces[0])"] }
        return pieces.enumerated().map { i, piece in
            let value = i == 0 ? "utf-8''\(piece)" : piece
            let separator = i == pieces.count - 1 ? "" : ";"
            return "\(parameter)*\(i)*=\(value)\(separator)"
        }
    }

    /// `type/subtype` made of RFC 2045 token characters.
    static func isMediaType(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { $0 > 32 && $0 < 127 && !"()<>@,;:\\\"/[]?=".utf8.contains($0) }
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out + "\""
    }

    static func writeMailboxes(_ name: String, _ mailboxes: [Mailbox], into out: inout [UInt8]) {
        var tokens: [String] = []
        for (i, mailbox) in mailboxes.enumerated() {
            let separator = i == mailboxes.count - 1 ? "" : ","
            let address = "\(mailbox.address.localPart)@\(mailbox.address.asciiDomain)"
            if let displayName = mailbox.displayName {
                tokens += HeaderText.phraseTokens(displayName)
                tokens.append("<\(address)>\(separator)")
            } else {
                tokens.append("\(address)\(separator)")
            }
        }
        HeaderText.fold(name: name, tokens: tokens, into: &out)
    }

    static func validMessageID(_ id: String, field: String) throws -> String {
        var value = id.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("<") && value.hasSuffix(">") { value = String(value.dropFirst().dropLast()) }
        try HeaderText.validate(value, field: field)
        guard !value.isEmpty, value.utf8.count <= 900,
              value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else {
            throw MailError(.invalidHeader, field: field,
                            "a message id must be printable ASCII without spaces or angle brackets, like id@example.com")
        }
        return value
    }

    static func rfc5322Date(_ date: Date, _ zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        var t = time_t(date.timeIntervalSince1970.rounded(.down)) + time_t(offset)
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let minutes = Int32(abs(offset) / 60)
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) \(offset < 0 ? "-" : "+")\(two(minutes / 60))\(two(minutes % 60))"
    }
}
