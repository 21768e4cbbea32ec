/// One reply of an SMTP server: the code, the enhanced status code when present, and the text.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    /// The three-digit reply code, e.g. 250 or 550.
    public let code: Int
    /// The RFC 3463 enhanced status code, e.g. `5.1.1`, when the server sent one.
    public let enhancedCode: String?
    /// The text of all lines after the code (and enhanced code), joined with a space.
    public let text: String

    /// Creates a reply from its parts.
    public init(code: Int, enhancedCode: String?, text: String) {
        self.code = code
        self.enhancedCode = enhancedCode
        self.text = text
    }

    /// Parses the lines of one (possibly multi-line) reply, e.g. `["250 2.0.0 Ok: queued as 4F2A1"]`.
    /// Returns nil when the first line does not start with a three-digit code.
    public init?(lines: [String]) {
        guard let first = lines.first, let code = Self.code(first.utf8), (100...599).contains(code) else { return nil }
        var enhanced: String?
        var texts: [String] = []
        texts.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            // Work on bytes: replies arrive for every command of every message.
            let bytes = Array(line.utf8)
            var start = min(3, bytes.count)
            if start < bytes.count, bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: " ") { start += 1 }
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: " ") { end += 1 }
            // An enhanced code (RFC 3463) starts with the same class digit as the reply code.
            if Self.isEnhancedCode(bytes[start..<end], classDigit: bytes[0]) {
                if i == 0 { enhanced = String(decoding: bytes[start..<end], as: UTF8.self) }
                start = end
                while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
            }
            texts.append(String(decoding: bytes[start...], as: UTF8.self))
        }
        self.init(code: code, enhancedCode: enhanced, text: texts.joined(separator: " "))
    }

    private static func code(_ utf8: String.UTF8View) -> Int? {
        var value = 0
        var count = 0
        for byte in utf8.prefix(3) {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
            count += 1
        }
        return count == 3 ? value : nil
    }

    private static func isEnhancedCode(_ s: ArraySlice<UInt8>, classDigit: UInt8) -> Bool {
        guard s.first == classDigit else { return false }
        var parts = 1
        var digits = 0
        for byte in s {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return false }
                parts += 1
                digits = 0
            } else if byte >= 0x30, byte <= 0x39 {
                digits += 1
                if digits > 3 { return false }
            } else {
                return false
            }
        }
        return parts == 3 && digits > 0 && s.count > 1 && s[s.startIndex + 1] == UInt8(ascii: ".")
    }

    /// 2xx.
    public var isPositive: Bool { (200...299).contains(code) }
    /// 4xx: worth retrying.
    public var isTemporary: Bool { (400...499).contains(code) }
    /// 5xx: final.
    public var isPermanent: Bool { (500...599).contains(code) }

    /// `code enhanced text`, as the server wrote it on one line.
    public var description: String {
        [String(code), enhancedCode, text.isEmpty ? nil : text].compactMap { $0 }.joined(separator: " ")
    }
}

/// One line of an SMTP conversation as Herald records it, with secrets already removed.
public struct TranscriptLine: Sendable, Equatable, CustomStringConvertible {
    /// Who wrote the line.
    public enum Direction: String, Sendable { case client = "C", server = "S", info = "*" }
    /// Who wrote the line.
    public let direction: Direction
    /// The line without its CRLF; AUTH payloads read `[redacted]`.
    public let text: String

    public var description: String { "\(direction.rawValue): \(text)" }
}
