import Foundation

extension Value {
    /// Converts JSON data (an object, array, string, number, bool or null) to a value.
    /// Object key order is kept as it appears in the data. Throws `JinjaError` (`.value`) on invalid
    /// JSON, and on arrays and objects nested more than `RenderLimits.maxNesting` levels deep
    /// (templates could not print, compare or even free such a value without exhausting the stack).
    public static func fromJSON(_ data: Data) throws -> Value {
        var parser = JSONValueParser(bytes: Array(data))
        return try parser.parseDocument()
    }

    /// Converts a JSON text to a value (see `fromJSON(_:)` for `Data`).
    public static func fromJSON(_ text: String) throws -> Value {
        try fromJSON(Data(text.utf8))
    }

    /// Converts an `Encodable` value to a template value through JSON, keeping key order as encoded.
    public static func from<T: Encodable>(encodable: T) throws -> Value {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        do {
            return try fromJSON(try encoder.encode(encodable))
        } catch let e as JinjaError {
            throw e
        } catch {
            throw JinjaError(.value, "cannot encode the context value: \(error)", underlying: error)
        }
    }

    /// Converts plain Swift values (`String`, `Int`, `Double`, `Bool`, arrays, `[String: Any]`,
    /// `KeyValuePairs`, `NSNull`, `nil`) to a value. Unknown types become their description string.
    public static func from(any value: Any?) -> Value {
        guard let value else { return .none }
        switch value {
        case let v as Value: return v
        case let v as String: return .string(v)
        case let v as Bool: return .bool(v)
        case let v as Int: return .int(v)
        case let v as Int64: return .int(Int(v))
        case let v as Int32: return .int(Int(v))
        case let v as UInt: return .int(Int(v))
        case let v as Double: return .float(v)
        case let v as Float: return .float(Double(v))
        case is NSNull: return .none
        case let v as [Any?]: return .list(v.map { from(any: $0) })
        case let v as [Any]: return .list(v.map { from(any: $0) })
        case let v as KeyValuePairs<String, Any>:
            var d = PyDict()
            for (k, x) in v { d[k] = from(any: x) }
            return .dict(d)
        case let v as [(String, Any)]:
            var d = PyDict()
            for (k, x) in v { d[k] = from(any: x) }
            return .dict(d)
        case let v as [String: Any]:
            var d = PyDict()
            for k in v.keys.sorted() { d[k] = from(any: v[k]!) }
            return .dict(d)
        default: return .string(String(describing: value))
        }
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    /// `"text"` in Swift code is a string value (the same for the other literal initializers).
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .dict(PyDict(elements.map { (.string($0.0), $0.1) }))
    }
    public init(nilLiteral: ()) { self = .none }
}

/// A small JSON parser that keeps object key order (Foundation's does not).
struct JSONValueParser {
    let bytes: [UInt8]
    var pos = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws -> Value {
        skipWS()
        let v = try parseValue()
        skipWS()
        if pos != bytes.count { throw fail("trailing characters") }
        return v
    }

    func fail(_ what: String) -> JinjaError {
        JinjaError(.value, "invalid JSON at byte \(pos): \(what)")
    }

    mutating func skipWS() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0a || bytes[pos] == 0x0d || bytes[pos] == 0x09 {
            pos += 1
        }
    }

    mutating func parseValue() throws -> Value {
        guard pos < bytes.count else { throw fail("unexpected end") }
        let opens = bytes[pos] == UInt8(ascii: "{") || bytes[pos] == UInt8(ascii: "[")
        if opens {
            depth += 1
            if depth > RenderLimits.maxNesting {
                throw fail("arrays and objects nested more than \(RenderLimits.maxNesting) levels deep "
                           + "(RenderLimits.maxNesting); flatten the data")
            }
        }
        defer { if opens { depth -= 1 } }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var d = PyDict()
            skipWS()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .dict(d) }
            while true {
                skipWS()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let k = try parseString()
                skipWS()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                pos += 1
                skipWS()
                d[k] = try parseValue()
                skipWS()
                guard pos < bytes.count else { throw fail("unexpected end") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .dict(d) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            pos += 1
            var a: [Value] = []
            skipWS()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(a) }
            while true {
                skipWS()
                a.append(try parseValue())
                skipWS()
                guard pos < bytes.count else { throw fail("unexpected end") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(a) }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true"); return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false"); return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null"); return .none
        default:
            return try parseNumber()
        }
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else { throw fail("bad literal") }
        pos += w.count
    }

    mutating func parseNumber() throws -> Value {
        let start = pos
        var isFloat = false
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        while pos < bytes.count {
            let c = bytes[pos]
            if c >= 0x30 && c <= 0x39 { pos += 1 }
            else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                isFloat = true; pos += 1
            } else { break }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if text.isEmpty || text == "-" { throw fail("unexpected character") }
        if !isFloat, let i = Int(text) { return .int(i) }
        guard let d = Double(text) else { throw fail("bad number") }
        return .float(d)
    }

    mutating func parseString() throws -> String {
        pos += 1
        var out: [UInt8] = []
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") { pos += 1; return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") {
                pos += 1
                guard pos < bytes.count else { break }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00, pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                        pos += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(scalar).utf8))
                default: out.append(e)
                }
            } else {
                out.append(c)
                pos += 1
            }
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16) else {
            throw fail("bad \\u escape")
        }
        pos += 4
        return v
    }
}
