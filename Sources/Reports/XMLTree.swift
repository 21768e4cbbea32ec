import Foundation

/// A small element tree with line numbers for error messages.
///
/// Herald reads report documents with a reader of its own rather than Foundation's XMLParser:
/// a report holds thousands of table cells, and the SAX callbacks, their bridged strings and the
/// attribute dictionaries they build cost more than the rest of reading the document. The reader
/// takes UTF-8 XML 1.0 without a DOCTYPE (a report needs no DTD, and refusing it rules out entity
/// expansion attacks): elements, attributes, the five predefined entities, character references,
/// CDATA sections, comments and processing instructions. Anything else that is not well-formed
/// is an error naming the line.
enum XMLTree {
    indirect enum Node {
        case text(String)
        case element(Element)
    }

    struct Element {
        var name: String
        var attributes: [String: String]
        var children: [Element]
        /// The element's own text (not its children's), ASCII white space trimmed at both ends.
        var text: String
        var nodes: [Node]
        /// The line of the start tag's `<`.
        var line: Int
    }

    /// Parses `data` into its root element.
    /// - Throws: ``ReportError`` with code ``ReportError/Code/document`` naming the line and what is wrong.
    static func parse(_ data: Data) throws -> Element {
        try data.withUnsafeBytes { raw in
            var reader = XMLReader(raw.bindMemory(to: UInt8.self))
            do {
                return try reader.document()
            } catch let failure as XMLReader.Failure {
                throw ReportError(.document, "the document is not well-formed XML (\(failure.reason)); check for unescaped & or < and unclosed elements",
                                  line: failure.line)
            }
        }
    }
}

/// Reads one XML document from UTF-8 bytes, keeping the line number for errors.
struct XMLReader {
    struct Failure: Error {
        let reason: String
        let line: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var line = 1
    /// Reused for every text and attribute value, so reading allocates once per string made.
    private var scratch: [UInt8] = []
    /// How deep the element being read is nested.
    private var depth = 1
    /// Far more than any report needs (a table cell's inline markup is five or six levels deep).
    static let maximumDepth = 256

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        scratch.reserveCapacity(256)
    }

    // MARK: - Document

    mutating func document() throws -> XMLTree.Element {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw fail("the bytes are not valid UTF-8") }
        if starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }
        if starts(with: "<?xml") && index + 5 < bytes.count && isSpace(bytes[index + 5]) { try declaration() }
        try misc()
        guard index < bytes.count else { throw fail("the document has no root element") }
        if starts(with: "<!DOCTYPE") { throw fail("a DOCTYPE is not allowed in a report document") }
        guard bytes[index] == UInt8(ascii: "<") else { throw fail("text before the root element") }
        let root = try element()
        try misc()
        guard index == bytes.count else { throw fail("extra content at the end of the document") }
        return root
    }

    /// `<?xml version="1.0" encoding="UTF-8"?>`: only UTF-8 is read.
    private mutating func declaration() throws {
        let start = index
        guard let end = find("?>") else { throw fail("the XML declaration is not closed with ?>") }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        try countLines(start..<end)
        index = end + 2
        if let range = text.range(of: "encoding") {
            let rest = text[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            let name = rest.prefix { $0 != "\"" && $0 != "'" }.lowercased()
            guard name == "utf-8" || name == "utf8" else { throw fail("encoding \(name) is not supported; write the document in UTF-8") }
        }
    }

    /// White space, comments and processing instructions around the root element.
    private mutating func misc() throws {
        while index < bytes.count {
            if isSpace(bytes[index]) {
                if isLineEnd(index) { line += 1 }
                index += 1
            } else if starts(with: "<!--") {
                try comment()
            } else if starts(with: "<?") {
                try processingInstruction()
            } else {
                return
            }
        }
    }

    // MARK: - Elements

    private mutating func element() throws -> XMLTree.Element {
        let startLine = line
        index += 1   // <
        let name = try self.name("an element name")
        var attributes: [String: String] = [:]
        while true {
            let spaced = skipSpace()
            guard index < bytes.count else { throw fail("the start tag <\(name)> is not closed") }
            let c = bytes[index]
            if c == UInt8(ascii: ">") {
                index += 1
                break
            }
            if c == UInt8(ascii: "/") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else { throw fail("expected /> in <\(name)>") }
                index += 2
                return XMLTree.Element(name: name, attributes: attributes, children: [], text: "", nodes: [], line: startLine)
            }
            guard spaced else { throw fail("attributes of <\(name)> must be separated by white space") }
            let key = try self.name("an attribute name in <\(name)>")
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail("attribute \(key) of <\(name)> has no value") }
            index += 1
            skipSpace()
            let value = try attributeValue(key)
            guard attributes.updateValue(value, forKey: key) == nil else { throw fail("attribute \(key) appears twice in <\(name)>") }
        }
        var element = XMLTree.Element(name: name, attributes: attributes, children: [], text: "", nodes: [], line: startLine)
        try content(of: &element)
        element.text = Self.trim(element.text)
        return element
    }

    /// Text, child elements, CDATA, comments and processing instructions up to the end tag.
    private mutating func content(of element: inout XMLTree.Element) throws {
        // Text between two child elements may come in pieces (around comments, references,
        // CDATA); it is gathered here and stored once, so a long run of pieces stays linear.
        var pending = ""
        func flush() {
            guard !pending.isEmpty else { return }
            element.text += pending
            element.nodes.append(.text(pending))
            pending = ""
        }
        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                pending += try text()
                continue
            }
            guard index + 1 < bytes.count else { break }
            switch bytes[index + 1] {
            case UInt8(ascii: "/"):
                index += 2
                let closing = try name("the end tag's name")
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("the end tag </\(closing)> is not closed") }
                index += 1
                guard closing == element.name else {
                    throw fail("opening and ending tag mismatch: <\(element.name)> on line \(element.line) and </\(closing)>")
                }
                flush()
                return
            case UInt8(ascii: "!"):
                if starts(with: "<!--") {
                    try comment()
                } else if starts(with: "<![CDATA[") {
                    pending += try cdata()
                } else {
                    throw fail("unexpected <! in the content of <\(element.name)>")
                }
            case UInt8(ascii: "?"):
                try processingInstruction()
            default:
                // Elements nest by recursion; a bound keeps a hostile document from exhausting the stack.
                guard depth < Self.maximumDepth else {
                    throw fail("elements nest deeper than \(Self.maximumDepth) levels")
                }
                flush()
                depth += 1
                let child = try self.element()
                depth -= 1
                element.children.append(child)
                element.nodes.append(.element(child))
            }
        }
        throw fail("<\(element.name)> on line \(element.line) is not closed")
    }

    // MARK: - Character data

    /// Character data up to the next `<`, with references resolved and line ends normalised.
    private mutating func text() throws -> String {
        let start = index
        // The common case: no reference, no carriage return, no "]]>", no EF (which starts U+FFFE
        // and U+FFFF) — one copy into a String.
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "<") { break }
            if c == UInt8(ascii: "&") || c == 0x0D || c == UInt8(ascii: "]") || c == 0xEF || c < 0x20 && c != 0x0A && c != 0x09 {
                return try slowText(from: start)
            }
            if c == 0x0A { line += 1 }
            index += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func slowText(from start: Int) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let c = bytes[index]
            switch c {
            case UInt8(ascii: "<"):
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "&"):
                try reference()
                continue
            case 0x0D:
                lineEnd(as: 0x0A)
                continue
            case 0x0A:
                line += 1
            case UInt8(ascii: "]") where starts(with: "]]>"):
                throw fail("]]> is not allowed in text; write ]]&gt;")
            case 0x09:
                break
            case ..<0x20:
                throw fail("control character U+\(String(format: "%04X", c)) is not allowed in XML")
            case 0xEF:
                try refuseNoncharacter(at: index)
            default:
                break
            }
            scratch.append(c)
            index += 1
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// A quoted attribute value; references resolved, white space characters made spaces (XML's
    /// attribute-value normalisation).
    private mutating func attributeValue(_ key: String) throws -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
            throw fail("the value of attribute \(key) must be in quotes")
        }
        let quote = bytes[index]
        index += 1
        scratch.removeAll(keepingCapacity: true)
        while index < bytes.count {
            let c = bytes[index]
            switch c {
            case quote:
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "<"):
                throw fail("< is not allowed in the value of attribute \(key); write &lt;")
            case UInt8(ascii: "&"):
                try reference()
                continue
            case 0x0D:
                lineEnd(as: 0x20)
                continue
            case 0x0A:
                line += 1
                scratch.append(0x20)
            case 0x09:
                scratch.append(0x20)
            case ..<0x20:
                throw fail("control character U+\(String(format: "%04X", c)) is not allowed in XML")
            default:
                if c == 0xEF { try refuseNoncharacter(at: index) }
                scratch.append(c)
            }
            index += 1
        }
        throw fail("the value of attribute \(key) is not closed")
    }

    /// A CR or CRLF at `index`: one line end, appended to `scratch` as `byte` (LF in text, a
    /// space in attribute values).
    private mutating func lineEnd(as byte: UInt8) {
        scratch.append(byte)
        line += 1
        index += index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
    }

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;`, appended to `scratch` as UTF-8.
    private mutating func reference() throws {
        let start = index
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: ";"), index - start < 40 { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ";") else {
            index = start
            throw fail("& must start a reference like &amp; or &#233;; write & as &amp;")
        }
        let body = Array(bytes[(start + 1)..<index])
        index += 1
        switch body {
        case Array("lt".utf8): scratch.append(UInt8(ascii: "<"))
        case Array("gt".utf8): scratch.append(UInt8(ascii: ">"))
        case Array("amp".utf8): scratch.append(UInt8(ascii: "&"))
        case Array("quot".utf8): scratch.append(UInt8(ascii: "\""))
        case Array("apos".utf8): scratch.append(UInt8(ascii: "'"))
        default:
            guard body.first == UInt8(ascii: "#") else {
                throw fail("entity &\(String(decoding: body, as: UTF8.self)); is not defined (XML knows &lt; &gt; &amp; &quot; &apos;)")
            }
            let hex = body.count > 1 && body[1] == UInt8(ascii: "x")
            let digits = String(decoding: body.dropFirst(hex ? 2 : 1), as: UTF8.self)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ hex ? $0.isHexDigit : ($0 >= 0x30 && $0 <= 0x39) }),
                  let value = UInt32(digits, radix: hex ? 16 : 10), Self.isXMLChar(value), let scalar = Unicode.Scalar(value)
            else { throw fail("&\(String(decoding: body, as: UTF8.self)); is not a valid character reference") }
            scratch.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
    }

    private mutating func cdata() throws -> String {
        index += 9   // <![CDATA[
        let start = index
        guard let end = find("]]>") else { throw fail("a CDATA section is not closed with ]]>") }
        try countLines(start..<end)
        index = end + 3
        var text = Array(bytes[start..<end])
        if text.contains(0x0D) { text = Self.normalizeLineEnds(text) }
        return String(decoding: text, as: UTF8.self)
    }

    private mutating func comment() throws {
        let start = index + 4
        guard let end = find("--", from: start) else { throw fail("a comment is not closed with -->") }
        guard end + 2 < bytes.count, bytes[end + 2] == UInt8(ascii: ">") else { throw fail("-- is not allowed inside a comment") }
        try countLines(index..<end)
        index = end + 3
    }

    private mutating func processingInstruction() throws {
        index += 2   // <?
        let target = try name("a processing instruction's target")
        guard target.lowercased() != "xml" else { throw fail("an XML declaration is allowed only at the very start of the document") }
        guard let end = find("?>") else { throw fail("a processing instruction is not closed with ?>") }
        try countLines(index..<end)
        index = end + 2
    }

    // MARK: - Scanning

    private mutating func name(_ what: String) throws -> String {
        let start = index
        while index < bytes.count {
            let c = bytes[index]
            let isStart = c >= 0x80 || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c == UInt8(ascii: "_") || c == UInt8(ascii: ":")
            let isName = isStart || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
            if index == start ? !isStart : !isName { break }
            index += 1
        }
        guard index > start else { throw fail("expected \(what)") }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = index
        while index < bytes.count, isSpace(bytes[index]) {
            if isLineEnd(index) { line += 1 }
            index += 1
        }
        return index > start
    }

    private func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }

    private func starts(with prefix: String) -> Bool { starts(with: Array(prefix.utf8)) }

    private func starts(with prefix: [UInt8]) -> Bool {
        guard index + prefix.count <= bytes.count else { return false }
        for (offset, byte) in prefix.enumerated() where bytes[index + offset] != byte { return false }
        return true
    }

    /// The index of the next `needle` at or after `from` (default: the current position), or nil.
    private func find(_ needle: String, from: Int? = nil) -> Int? {
        let pattern = Array(needle.utf8)
        var i = from ?? index
        while i + pattern.count <= bytes.count {
            if bytes[i] == pattern[0] && (1..<pattern.count).allSatisfy({ bytes[i + $0] == pattern[$0] }) { return i }
            i += 1
        }
        return nil
    }

    /// Counts the line ends in `range` (inside a comment, CDATA section or processing
    /// instruction) and refuses control characters there, as in text.
    private mutating func countLines(_ range: Range<Int>) throws {
        for i in range {
            if isLineEnd(i) {
                line += 1
            } else if bytes[i] < 0x20 && bytes[i] != 0x09 && bytes[i] != 0x0D {
                index = i
                throw fail("control character U+\(String(format: "%04X", bytes[i])) is not allowed in XML")
            } else if bytes[i] == 0xEF {
                try refuseNoncharacter(at: i)
            }
        }
    }

    /// U+FFFE and U+FFFF (UTF-8 EF BF BE, EF BF BF) are outside XML's Char production; Cairo
    /// stops drawing at them, so a document holding one would lose the rest of its page.
    private func refuseNoncharacter(at i: Int) throws {
        guard i + 2 < bytes.count, bytes[i + 1] == 0xBF, bytes[i + 2] == 0xBE || bytes[i + 2] == 0xBF else { return }
        throw fail("character U+\(bytes[i + 2] == 0xBE ? "FFFE" : "FFFF") is not allowed in XML; remove it from the data")
    }

    /// LF, the CR of a CRLF not (it is counted at its LF), a lone CR: XML's three line ends.
    private func isLineEnd(_ i: Int) -> Bool {
        bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A))
    }

    private func fail(_ reason: String) -> Failure { Failure(reason: reason, line: line) }

    // MARK: - Helpers

    /// XML 1.0's Char production.
    static func isXMLChar(_ v: UInt32) -> Bool {
        v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
    }

    static func normalizeLineEnds(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == 0x0D {
                out.append(0x0A)
                i += i + 1 < text.count && text[i + 1] == 0x0A ? 2 : 1
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// Trims ASCII white space.
    static func trim(_ s: String) -> String {
        let utf8 = s.utf8
        guard let first = utf8.firstIndex(where: { $0 > 32 }) else { return "" }
        let last = utf8.lastIndex(where: { $0 > 32 })!
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return s }
        return String(s[first...last])
    }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (self >= 0x30 && self <= 0x39) || (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "f"))
    }
}
