import Foundation

/// The kinds of tokens the lexer produces.
enum TokenKind: UInt8, Sendable {
    case data, variableBegin, variableEnd, blockBegin, blockEnd, name, string, integer, float, op, eof
}

/// A lexical token; `offset` is the UTF-8 byte offset in the normalized source.
struct Token: Sendable {
    var kind: TokenKind
    var text: String
    var int: Int = 0
    var float: Double = 0
    var offset: Int

    /// How Jinja2 names the token in error messages.
    var describe: String {
        switch kind {
        case .data: return "template data / text"
        case .variableBegin: return "begin of print statement"
        case .variableEnd: return "end of print statement"
        case .blockBegin: return "begin of statement block"
        case .blockEnd: return "end of statement block"
        case .name: return text
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .op: return text
        case .eof: return "end of template"
        }
    }
}

/// Options that change how template source is split into tokens.
struct LexerOptions: Sendable, Hashable {
    var trimBlocks = false
    var lstripBlocks = false
    var keepTrailingNewline = false
}

/// Maps byte offsets to 1-based line and column (column counted in characters).
struct SourceMap: Sendable {
    let bytes: [UInt8]
    let lineStarts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0a { starts.append(i + 1) }
        lineStarts = starts
    }

    /// The 1-based line of `offset` (binary search, no column scan).
    func line(_ offset: Int) -> Int {
        let off = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= off { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    func location(_ offset: Int) -> (line: Int, column: Int) {
        let off = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= off { lo = mid } else { hi = mid - 1 }
        }
        var col = 1
        var i = lineStarts[lo]
        while i < off {
            if bytes[i] & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        // Counting lead bytes before `off` counts the characters preceding the offset.
        return (lo + 1, col)
    }
}

/// Splits template source into tokens following Jinja2's default delimiters.
struct Lexer {
    let b: [UInt8]
    let options: LexerOptions
    let name: String?
    let map: SourceMap
    var tokens: [Token] = []

    /// Normalizes newlines the way Jinja2 does and drops one trailing newline unless asked to keep it.
    static func normalize(_ source: String, keepTrailingNewline: Bool) -> [UInt8] {
        var out: [UInt8] = []
        let src = Array(source.utf8)
        out.reserveCapacity(src.count)
        var i = 0
        while i < src.count {
            let c = src[i]
            if c == 0x0d {
                out.append(0x0a)
                if i + 1 < src.count && src[i + 1] == 0x0a { i += 1 }
            } else {
                out.append(c)
            }
            i += 1
        }
        if !keepTrailingNewline, out.last == 0x0a { out.removeLast() }
        return out
    }

    init(source: String, options: LexerOptions, name: String?) {
        b = Lexer.normalize(source, keepTrailingNewline: options.keepTrailingNewline)
        self.options = options
        self.name = name
        map = SourceMap(b)
    }

    func error(_ message: String, at offset: Int) -> JinjaError {
        let (l, c) = map.location(offset)
        return .syntax(message, line: l, column: c, name: name)
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0a || c == 0x09 || c == 0x0d || c == 0x0b || c == 0x0c
    }

    /// Length of the (Unicode, as Python's `\s`) whitespace character starting at `i`, or 0.
    func spaceLength(at i: Int) -> Int {
        let c = b[i]
        if c < 0x80 { return Lexer.isSpace(c) || (c >= 0x1c && c <= 0x1f) ? 1 : 0 }
        guard let u = scalar(at: i) else { return 0 }
        return Methods.isPySpace(u.0) ? u.1 : 0
    }

    /// Length of the whitespace character ending just before `end`, or 0.
    func spaceLength(before end: Int) -> Int {
        let c = b[end - 1]
        if c < 0x80 { return Lexer.isSpace(c) || (c >= 0x1c && c <= 0x1f) ? 1 : 0 }
        var start = end - 1
        while start > 0 && b[start] & 0xC0 == 0x80 && end - start < 4 { start -= 1 }
        guard let u = scalar(at: start), start + u.1 == end else { return 0 }
        return Methods.isPySpace(u.0) ? u.1 : 0
    }

    func scalar(at i: Int) -> (Unicode.Scalar, Int)? {
        let c = b[i]
        let len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
        guard i + len <= b.count else { return nil }
        var decoder = UTF8()
        var it = b[i..<(i + len)].makeIterator()
        if case .scalarValue(let u) = decoder.decode(&it) { return (u, len) }
        return nil
    }

    /// Skips whitespace forward from `i` up to `limit`.
    func skipSpace(_ i: Int, _ limit: Int) -> Int {
        var i = i
        while i < limit {
            let n = spaceLength(at: i)
            if n == 0 { break }
            i += n
        }
        return i
    }

    /// Skips whitespace backward from `end` down to `limit`.
    func skipSpaceBack(_ end: Int, _ limit: Int) -> Int {
        var e = end
        while e > limit {
            let n = spaceLength(before: e)
            if n == 0 || e - n < limit { break }
            e -= n
        }
        return e
    }

    /// The offset in characters (code points) of byte offset `p`, as Jinja2 reports it.
    func charOffset(_ p: Int) -> Int {
        var n = 0
        for i in 0..<min(p, b.count) where b[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    func text(_ from: Int, _ to: Int) -> String {
        String(decoding: b[from..<to], as: UTF8.self)
    }

    /// Checks whether `{% raw %}`-like tag starts at `at` (pointing after `{%`); returns the end of the tag and whether it ends with `-%}`.
    func matchWordTag(_ at: Int, _ word: String) -> (end: Int, stripAfter: Bool)? {
        var i = at
        if i < b.count && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { i += 1 }
        while i < b.count && Lexer.isSpace(b[i]) { i += 1 }
        for w in word.utf8 {
            guard i < b.count, b[i] == w else { return nil }
            i += 1
        }
        while i < b.count && Lexer.isSpace(b[i]) { i += 1 }
        var strip = false
        if i < b.count && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
            strip = b[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i + 1 < b.count, b[i] == UInt8(ascii: "%"), b[i + 1] == UInt8(ascii: "}") else { return nil }
        return (i + 2, strip)
    }

    mutating func tokenize() throws -> [Token] {
        var pos = 0
        let n = b.count
        var stripLeading = false
        var trimNewline = false
        while pos < n || stripLeading {
            var tagStart = -1
            var scan = pos
            while scan + 1 < n {
                if b[scan] == UInt8(ascii: "{") {
                    let k = b[scan + 1]
                    if k == UInt8(ascii: "{") || k == UInt8(ascii: "%") || k == UInt8(ascii: "#") {
                        tagStart = scan
                        break
                    }
                }
                scan += 1
            }
            let dataEnd = tagStart == -1 ? n : tagStart
            var dStart = pos
            if stripLeading {
                dStart = skipSpace(dStart, dataEnd)
            } else if trimNewline {
                if dStart < dataEnd && b[dStart] == 0x0a { dStart += 1 }
            }
            stripLeading = false
            trimNewline = false
            var dEnd = dataEnd
            var kind: UInt8 = 0
            var modifier: UInt8 = 0
            if tagStart != -1 {
                kind = b[tagStart + 1]
                modifier = tagStart + 2 < n ? b[tagStart + 2] : 0
                if modifier == UInt8(ascii: "-") {
                    dEnd = skipSpaceBack(dEnd, dStart)
                } else if options.lstripBlocks && kind != UInt8(ascii: "{") && modifier != UInt8(ascii: "+") {
                    var k = dEnd
                    while k > dStart && b[k - 1] != 0x0a {
                        let n = spaceLength(before: k)
                        if n == 0 || k - n < dStart { break }
                        k -= n
                    }
                    if (k > dStart && b[k - 1] == 0x0a) || (k == dStart && (k == 0 || b[k - 1] == 0x0a)) {
                        dEnd = k
                    }
                }
            }
            if dEnd > dStart {
                tokens.append(Token(kind: .data, text: text(dStart, dEnd), offset: dStart))
            }
            if tagStart == -1 { break }
            var p = tagStart + 2
            if kind == UInt8(ascii: "#") {
                if modifier == UInt8(ascii: "-") || modifier == UInt8(ascii: "+") { p += 1 }
                var found = -1
                var i = p
                while i + 1 < n {
                    if b[i] == UInt8(ascii: "#") && b[i + 1] == UInt8(ascii: "}") { found = i; break }
                    i += 1
                }
                if found == -1 { throw error("Missing end of comment tag", at: tagStart) }
                if found > p && b[found - 1] == UInt8(ascii: "-") { stripLeading = true } else if options.trimBlocks { trimNewline = true }
                pos = found + 2
                continue
            }
            if kind == UInt8(ascii: "%"), let raw = matchWordTag(p, "raw") {
                var i = raw.end
                var endTag: (start: Int, end: Int, stripBefore: Bool, stripAfter: Bool)?
                while i + 1 < n {
                    if b[i] == UInt8(ascii: "{") && b[i + 1] == UInt8(ascii: "%"), let e = matchWordTag(i + 2, "endraw") {
                        endTag = (i, e.end, b[i + 2] == UInt8(ascii: "-"), e.stripAfter)
                        break
                    }
                    i += 1
                }
                guard let endTag else { throw error("Missing end of raw directive", at: tagStart) }
                var cs = raw.end
                var ce = endTag.start
                if raw.stripAfter { cs = skipSpace(cs, ce) }
                if endTag.stripBefore { ce = skipSpaceBack(ce, cs) }
                else if options.lstripBlocks && b[endTag.start + 2] != UInt8(ascii: "+") {
                    var k = ce
                    while k > cs && b[k - 1] != 0x0a {
                        let n = spaceLength(before: k)
                        if n == 0 || k - n < cs { break }
                        k -= n
                    }
                    if k > cs && b[k - 1] == 0x0a { ce = k }
                }
                if ce > cs { tokens.append(Token(kind: .data, text: text(cs, ce), offset: cs)) }
                if endTag.stripAfter { stripLeading = true } else if options.trimBlocks { trimNewline = true }
                pos = endTag.end
                continue
            }
            let isBlock = kind == UInt8(ascii: "%")
            if modifier == UInt8(ascii: "-") || (isBlock && modifier == UInt8(ascii: "+")) { p += 1 }
            tokens.append(Token(kind: isBlock ? .blockBegin : .variableBegin, text: "", offset: tagStart))
            pos = try lexTag(from: p, block: isBlock, stripLeading: &stripLeading, trimNewline: &trimNewline)
        }
        tokens.append(Token(kind: .eof, text: "", offset: n))
        return tokens
    }

    /// Lexes expression tokens inside a tag until its end delimiter; returns the position after it.
    mutating func lexTag(from start: Int, block: Bool, stripLeading: inout Bool, trimNewline: inout Bool) throws -> Int {
        var p = start
        let n = b.count
        var balance: [UInt8] = []
        let close: UInt8 = block ? UInt8(ascii: "%") : UInt8(ascii: "}")
        while true {
            while p < n && Lexer.isSpace(b[p]) { p += 1 }
            if p >= n { return n }
            let c = b[p]
            if balance.isEmpty {
                if c == UInt8(ascii: "-") || (block && c == UInt8(ascii: "+")), p + 2 < n, b[p + 1] == close, b[p + 2] == UInt8(ascii: "}") {
                    tokens.append(Token(kind: block ? .blockEnd : .variableEnd, text: "", offset: p))
                    if c == UInt8(ascii: "-") { stripLeading = true }
                    return p + 3
                }
                if c == close, p + 1 < n, b[p + 1] == UInt8(ascii: "}") {
                    tokens.append(Token(kind: block ? .blockEnd : .variableEnd, text: "", offset: p))
                    if block && options.trimBlocks { trimNewline = true }
                    return p + 2
                }
            }
            // names
            if (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || c == UInt8(ascii: "_") || c >= 0x80 {
                var q = p + 1
                while q < n {
                    let d = b[q]
                    if (d >= UInt8(ascii: "a") && d <= UInt8(ascii: "z")) || (d >= UInt8(ascii: "A") && d <= UInt8(ascii: "Z")) || d == UInt8(ascii: "_") || (d >= 0x30 && d <= 0x39) || d >= 0x80 {
                        q += 1
                    } else { break }
                }
                tokens.append(Token(kind: .name, text: text(p, q), offset: p))
                p = q
                continue
            }
            if c >= 0x30 && c <= 0x39 {
                p = try lexNumber(p)
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                p = try lexString(p)
                continue
            }
            // operators
            let two: String? = p + 1 < n ? text(p, p + 2) : nil
            if let two, ["//", "**", "==", "!=", ">=", "<="].contains(two) {
                tokens.append(Token(kind: .op, text: two, offset: p))
                p += 2
                continue
            }
            switch c {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                balance.append(c)
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                let open: UInt8 = c == UInt8(ascii: ")") ? UInt8(ascii: "(") : c == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")
                guard let last = balance.last else {
                    throw error("unexpected '\(Character(Unicode.Scalar(c)))'", at: p)
                }
                if last != open {
                    let expected: Character = last == UInt8(ascii: "(") ? ")" : last == UInt8(ascii: "[") ? "]" : "}"
                    throw error("unexpected '\(Character(Unicode.Scalar(c)))', expected '\(expected)'", at: p)
                }
                balance.removeLast()
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "*"), UInt8(ascii: "%"),
                 UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: "="), UInt8(ascii: "."),
                 UInt8(ascii: ":"), UInt8(ascii: "|"), UInt8(ascii: ","), UInt8(ascii: ";"):
                break
            default:
                let ch = String(decoding: b[p..<min(n, p + 4)], as: UTF8.self).first.map(String.init) ?? "?"
                throw error("unexpected char \(pyStringRepr(ch)) at \(charOffset(p))", at: p)
            }
            tokens.append(Token(kind: .op, text: String(Character(Unicode.Scalar(c))), offset: p))
            p += 1
        }
    }

    mutating func lexNumber(_ start: Int) throws -> Int {
        let n = b.count
        var p = start
        func digits(_ ok: (UInt8) -> Bool) -> String {
            var s = ""
            while p < n {
                if ok(b[p]) { s.append(Character(Unicode.Scalar(b[p]))); p += 1 }
                else if b[p] == UInt8(ascii: "_"), p + 1 < n, ok(b[p + 1]) { p += 1 }
                else { break }
            }
            return s
        }
        let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x39 }
        if b[p] == UInt8(ascii: "0"), p + 1 < n {
            let k = b[p + 1] | 0x20
            var radix = 0
            var ok: (UInt8) -> Bool = isDigit
            if k == UInt8(ascii: "x") { radix = 16; ok = { ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "f")) } }
            if k == UInt8(ascii: "o") { radix = 8; ok = { $0 >= 0x30 && $0 <= 0x37 } }
            if k == UInt8(ascii: "b") { radix = 2; ok = { $0 == 0x30 || $0 == 0x31 } }
            if radix != 0 {
                p += 2
                if p < n && b[p] == UInt8(ascii: "_") { p += 1 }
                let s = digits(ok)
                guard let v = Int(s, radix: radix) else { throw error("invalid integer literal", at: start) }
                tokens.append(Token(kind: .integer, text: text(start, p), int: v, offset: start))
                return p
            }
        }
        let intPart = digits(isDigit)
        let prevIsDot = start > 0 && b[start - 1] == UInt8(ascii: ".")
        var isFloat = false
        var lit = intPart
        if !prevIsDot {
            if p + 1 < n, b[p] == UInt8(ascii: "."), isDigit(b[p + 1]) {
                p += 1
                lit += "." + digits(isDigit)
                isFloat = true
            }
            if p < n, b[p] | 0x20 == UInt8(ascii: "e") {
                var q = p + 1
                if q < n && (b[q] == UInt8(ascii: "+") || b[q] == UInt8(ascii: "-")) { q += 1 }
                if q < n && isDigit(b[q]) {
                    let sign = b[p + 1] == UInt8(ascii: "-") ? "-" : ""
                    p = q
                    lit += "e" + sign + digits(isDigit)
                    isFloat = true
                }
            }
        }
        if isFloat {
            tokens.append(Token(kind: .float, text: lit, float: Double(lit) ?? 0, offset: start))
        } else {
            guard let v = Int(intPart) else { throw error("integer literal too large", at: start) }
            tokens.append(Token(kind: .integer, text: intPart, int: v, offset: start))
        }
        return p
    }

    mutating func lexString(_ start: Int) throws -> Int {
        let n = b.count
        let q = b[start]
        var p = start + 1
        var out: [UInt8] = []
        while p < n {
            let c = b[p]
            if c == q {
                tokens.append(Token(kind: .string, text: String(decoding: out, as: UTF8.self), offset: start))
                return p + 1
            }
            if c == UInt8(ascii: "\\"), p + 1 < n {
                let e = b[p + 1]
                p += 2
                func append(_ u: UInt32) { out.append(contentsOf: Array(String(Unicode.Scalar(u).map(Character.init) ?? "\u{FFFD}").utf8)) }
                func hex(_ count: Int) -> UInt32? {
                    guard p + count <= n, let v = UInt32(String(decoding: b[p..<p + count], as: UTF8.self), radix: 16) else { return nil }
                    p += count
                    return v
                }
                switch e {
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "a"): out.append(0x07)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "v"): out.append(0x0b)
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
                case 0x0a: break
                case UInt8(ascii: "x"):
                    guard let v = hex(2) else { throw error("invalid \\x escape in string", at: start) }
                    append(v)
                case UInt8(ascii: "u"):
                    guard let v = hex(4) else { throw error("invalid \\u escape in string", at: start) }
                    append(v)
                case UInt8(ascii: "U"):
                    guard let v = hex(8) else { throw error("invalid \\U escape in string", at: start) }
                    append(v)
                case 0x30...0x37:
                    var v = UInt32(e - 0x30)
                    var k = 0
                    while k < 2, p < n, b[p] >= 0x30, b[p] <= 0x37 { v = v * 8 + UInt32(b[p] - 0x30); p += 1; k += 1 }
                    append(v)
                default:
                    out.append(UInt8(ascii: "\\"))
                    out.append(e)
                }
                continue
            }
            out.append(c)
            p += 1
        }
        throw error("unexpected char \(pyStringRepr(String(Character(Unicode.Scalar(q))))) at \(charOffset(start))", at: start)
    }
}
