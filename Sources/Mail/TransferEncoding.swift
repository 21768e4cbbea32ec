/// Base64 (RFC 2045 §6.8) with CRLF line breaks every 76 characters.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Base64 of `bytes` on one line (for encoded-words).
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        append(bytes, to: &out, lineLength: nil)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends base64 of `bytes` to `out`, breaking lines after `lineLength` characters when given.
    static func append(_ bytes: [UInt8], to out: inout [UInt8], lineLength: Int?) {
        out.reserveCapacity(out.count + bytes.count / 3 * 4 + bytes.count / 38 + 8)
        var column = 0
        var i = 0
        let n = bytes.count
        bytes.withUnsafeBufferPointer { b in
            while i < n {
                let b0 = b[i]
                let b1 = i + 1 < n ? b[i + 1] : 0
                let b2 = i + 2 < n ? b[i + 2] : 0
                out.append(alphabet[Int(b0 >> 2)])
                out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
                out.append(i + 1 < n ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
                out.append(i + 2 < n ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
                i += 3
                column += 4
                if let limit = lineLength, column >= limit, i < n {
                    out += [13, 10]
                    column = 0
                }
            }
        }
    }
}

/// Quoted-printable (RFC 2045 §6.7) for text parts: line breaks become CRLF, lines stay within
/// 76 characters through soft breaks, and the output is 7-bit.
enum QuotedPrintable {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Appends the quoted-printable form of `text` to `out`. The output ends with CRLF only when
    /// the text ends with a line break: in a multipart body the CRLF before the boundary belongs
    /// to the boundary, so the writer adds it.
    static func append(_ text: String, to out: inout [UInt8]) {
        let bytes = Array(text.utf8)
        var line: [UInt8] = []
        var i = 0
        func flushLine() {
            out += line
            out += [13, 10]
            line.removeAll(keepingCapacity: true)
        }
        func emit(_ piece: [UInt8], atEndOfLine: Bool) {
            // Keep room for the soft-break "=" unless this piece ends the line.
            let limit = atEndOfLine ? 76 : 75
            if line.count + piece.count > limit {
                out += line
                out += [UInt8(ascii: "="), 13, 10]
                line.removeAll(keepingCapacity: true)
            }
            line += piece
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == 13 || c == 10 {
                // CRLF, lone CR and lone LF all end a line.
                if c == 13, i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
                flushLine()
                i += 1
                continue
            }
            let next: UInt8? = i + 1 < bytes.count ? bytes[i + 1] : nil
            let endOfLine = next == nil || next == 13 || next == 10
            let literal: Bool
            switch c {
            case 32, 9: literal = !endOfLine  // trailing white space would be stripped in transit
            case 61: literal = false           // "="
            case 33...126:
                // "From " at a line start is mangled by mbox tools; a leading "." by some relays.
                if line.isEmpty, c == UInt8(ascii: "F"), bytes[i...].starts(with: Array("From ".utf8)) {
                    literal = false
                } else if line.isEmpty, c == UInt8(ascii: ".") {
                    literal = false
                } else {
                    literal = true
                }
            default: literal = false
            }
            if literal {
                emit([c], atEndOfLine: endOfLine)
            } else {
                emit([UInt8(ascii: "="), hex[Int(c >> 4)], hex[Int(c & 0x0F)]], atEndOfLine: endOfLine)
            }
            i += 1
        }
        out += line
    }
}
