/// Base64 (RFC 2045 §6.8) with CRLF line breaks every 76 characters.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// The two characters of every 12-bit value, as stored in memory (first character first).
    private static let pairs: [UInt16] = (0..<4096).map { v in
        (UInt16(alphabet[v >> 6]) | UInt16(alphabet[v & 0x3F]) << 8).littleEndian
    }

    /// Base64 of `bytes` on one line (for encoded-words).
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        append(bytes, to: &out, lineLength: nil)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends base64 of `bytes` to `out`, breaking lines after `lineLength` characters when given
    /// (a multiple of 4). Writes into reserved storage directly: attachments are megabytes.
    static func append(_ bytes: [UInt8], to out: inout [UInt8], lineLength: Int?) {
        let groups = (bytes.count + 2) / 3
        let encodedLength = groups * 4
        let breaks = lineLength.map { encodedLength > 0 ? (encodedLength - 1) / $0 : 0 } ?? 0
        let total = encodedLength + breaks * 2
        let offset = out.count
        out.append(contentsOf: repeatElement(0, count: total))
        let groupsPerLine = lineLength.map { $0 / 4 } ?? Int.max
        alphabet.withUnsafeBufferPointer { table in
            pairs.withUnsafeBufferPointer { pairs in
                bytes.withUnsafeBufferPointer { source in
                    out.withUnsafeMutableBufferPointer { target in
                        let raw = UnsafeMutableRawPointer(target.baseAddress!)
                        var o = offset
                        var i = 0
                        var groupInLine = 0
                        let n = source.count
                        // A whole line at a time (19 groups for MIME's 76 characters), two output
                        // characters per table lookup: attachments are megabytes.
                        while i + 3 <= n {
                            if groupInLine == groupsPerLine {
                                target[o] = 13; target[o + 1] = 10; o += 2
                                groupInLine = 0
                            }
                            let groups = min((n - i) / 3, groupsPerLine - groupInLine)
                            for _ in 0..<groups {
                                let v = Int(source[i]) << 16 | Int(source[i + 1]) << 8 | Int(source[i + 2])
                                raw.storeBytes(of: pairs[v >> 12], toByteOffset: o, as: UInt16.self)
                                raw.storeBytes(of: pairs[v & 0xFFF], toByteOffset: o + 2, as: UInt16.self)
                                o += 4
                                i += 3
                            }
                            groupInLine += groups
                        }
                        if i < n {
                            if groupInLine == groupsPerLine {
                                target[o] = 13; target[o + 1] = 10; o += 2
                            }
                            let b1: UInt32 = i + 1 < n ? UInt32(source[i + 1]) : 0
                            let v = UInt32(source[i]) << 16 | b1 << 8
                            target[o] = table[Int(v >> 18)]
                            target[o + 1] = table[Int(v >> 12 & 0x3F)]
                            target[o + 2] = i + 1 < n ? table[Int(v >> 6 & 0x3F)] : UInt8(ascii: "=")
                            target[o + 3] = UInt8(ascii: "=")
                        }
                    }
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
