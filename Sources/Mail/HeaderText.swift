/// Writing header fields: validation, RFC 2047 encoded-words and folding at 78 columns.
enum HeaderText {
    static let foldColumn = 78
    /// Longest encoded-word Herald writes; leaves room for the longest header name on the first line.
    static let encodedWordLimit = 60

    /// Rejects values that could break the header block: CR, LF and other control characters.
    static func validate(_ value: String, field: String) throws {
        for s in value.unicodeScalars {
            if s == "\r" || s == "\n" {
                throw MailError(.invalidHeader, field: field,
                                "the value contains a line break (CR or LF), which would inject header lines; remove it")
            }
            if (s.value < 0x20 && s != "\t") || s.value == 0x7F {
                throw MailError(.invalidHeader, field: field,
                                "the value contains the control character U+\(String(s.value, radix: 16, uppercase: true)); remove it")
            }
        }
    }

    /// True when `name` is a valid field name: printable ASCII except colon (RFC 5322 ftext).
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 76 && name.utf8.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != 58 }
    }

    /// Splits `text` into RFC 2047 B-encoded words of at most ``encodedWordLimit`` characters,
    /// never splitting a UTF-8 sequence.
    static func encodedWords(_ text: String) -> [String] {
        let prefix = "=?utf-8?b?", suffix = "?="
        let maxBytes = (encodedWordLimit - prefix.count - suffix.count) / 4 * 3
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maxBytes {
                words.append(prefix + Base64.encode(chunk) + suffix)
                chunk.removeAll(keepingCapacity: true)
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(prefix + Base64.encode(chunk) + suffix) }
        return words
    }

    /// Whether unstructured `text` must be written as encoded-words: non-ASCII, something that
    /// looks like an encoded-word, or a word too long to fold.
    static func needsEncoding(_ text: String) -> Bool {
        if !text.unicodeScalars.allSatisfy(\.isASCII) || text.contains("=?") { return true }
        return text.split(separator: " ").contains { $0.utf8.count > 900 }
    }

    /// Tokens of an unstructured value (Subject, Comments, extra headers), ready for ``fold``.
    static func unstructuredTokens(_ text: String) -> [String] {
        if needsEncoding(text) {
            return encodedWords(text)
        }
        // Runs of spaces are kept inside tokens so unfolding restores the text exactly.
        var tokens: [String] = []
        var current = ""
        for c in text {
            if c == " " || c == "\t", !current.isEmpty, current.last != " ", current.last != "\t" {
                tokens.append(current)
                current = ""
                continue
            }
            current.append(c)
        }
        if !current.isEmpty || tokens.isEmpty { tokens.append(current) }
        return tokens
    }

    /// Tokens of a display name: an atom phrase, a quoted-string, or encoded-words.
    static func phraseTokens(_ name: String) -> [String] {
        if !name.unicodeScalars.allSatisfy(\.isASCII) || name.contains("=?") {
            return encodedWords(name)
        }
        let plain = name.unicodeScalars.allSatisfy { EmailAddress.isAtext($0) || $0 == " " }
            && !name.hasPrefix(" ") && !name.hasSuffix(" ") && !name.contains("  ")
        if plain { return name.split(separator: " ").map(String.init) }
        var quoted = "\""
        for c in name {
            if c == "\"" || c == "\\" { quoted.append("\\") }
            quoted.append(c)
        }
        quoted.append("\"")
        // Split at spaces so a long name folds; unfolding restores each space inside the quotes.
        return quoted.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    }

    /// Writes `name: tokens` separated by single spaces, folding before a token when the line
    /// would pass 78 columns.
    static func fold(name: String, tokens: [String], into out: inout [UInt8]) {
        var lineLength = name.utf8.count + 1
        out += Array(name.utf8)
        out.append(UInt8(ascii: ":"))
        for (i, token) in tokens.enumerated() {
            let length = token.utf8.count
            if i > 0, lineLength + 1 + length > foldColumn {
                out += [13, 10]
                lineLength = 0
            }
            out.append(UInt8(ascii: " "))
            out += Array(token.utf8)
            lineLength += 1 + length
        }
        out += [13, 10]
    }
}
