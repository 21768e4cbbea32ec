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
        guard let first = lines.first, first.utf8.count >= 3,
              let code = Int(first.prefix(3)), (200...599).contains(code) || (100...199).contains(code)
        else { return nil }
        var enhanced: String?
        var texts: [String] = []
        for (i, line) in lines.enumerated() {
            var rest = Substring(line.dropFirst(3))
            if rest.first == "-" || rest.first == " " { rest = rest.dropFirst() }
            // An enhanced code starts with the same class digit as the reply code.
            if let space = rest.firstIndex(of: " ") ?? (rest.isEmpty ? nil : rest.endIndex),
               Self.isEnhancedCode(rest[..<space], classDigit: first.first!) {
                if i == 0 { enhanced = String(rest[..<space]) }
                rest = rest[space...].drop(while: { $0 == " " })
            }
            texts.append(String(rest))
        }
        self.init(code: code, enhancedCode: enhanced, text: texts.joined(separator: " "))
    }

    private static func isEnhancedCode(_ s: Substring, classDigit: Character) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 1, parts[0].first == classDigit else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
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
