import Foundation

/// `json.dumps(sort_keys=True)` as Jinja2's `tojson` calls it.
enum JSONDump {
    static func dump(_ v: Value, indent: Int?, level: Int, into out: inout String) throws {
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .float(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else { out += pyFloatRepr(d) }
        case .string(let s), .markup(let s): string(s, into: &out)
        case .list(let a), .tuple(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (i, x) in a.enumerated() {
                if i > 0 { out += indent == nil ? ", " : "," }
                if let indent { out += "\n" + String(repeating: " ", count: indent * (level + 1)) }
                try dump(x, indent: indent, level: level + 1, into: &out)
            }
            if let indent { out += "\n" + String(repeating: " ", count: indent * level) }
            out += "]"
        case .dict(let d):
            if d.count == 0 { out += "{}"; return }
            var pairs: [(String, Value)] = []
            for (k, x) in d.pairs {
                let key: String
                switch k {
                case .string(let s), .markup(let s): key = s
                case .int(let i): key = String(i)
                case .float(let f): key = pyFloatRepr(f)
                case .bool(let b): key = b ? "true" : "false"
                case .none: key = "null"
                default: throw JinjaError.type("keys must be str, int, float, bool or None, not \(k.typeName)")
                }
                pairs.append((key, x))
            }
            let kinds = Set(d.keys.map { $0.isString ? 0 : 1 })
            if kinds.count > 1 { throw JinjaError.type("'<' not supported between instances of 'int' and 'str'") }
            pairs.sort { pyStringLess($0.0, $1.0) }
            if kinds == [1] {
                let sortedKeys = try Filters.sortValues(d.keys, key: { $0 }, reverse: false)
                pairs = sortedKeys.map { k in (pairs.first { $0.0 == (k.intIndex.map(String.init) ?? k.repr()) }?.0 ?? k.repr(), d[k]!) }
            }
            out += "{"
            for (i, (k, x)) in pairs.enumerated() {
                if i > 0 { out += indent == nil ? ", " : "," }
                if let indent { out += "\n" + String(repeating: " ", count: indent * (level + 1)) }
                string(k, into: &out)
                out += ": "
                try dump(x, indent: indent, level: level + 1, into: &out)
            }
            if let indent { out += "\n" + String(repeating: " ", count: indent * level) }
            out += "}"
        case .undefined(let u):
            if u.strict { throw u.error }
            throw JinjaError.type("Object of type Undefined is not JSON serializable")
        case .object(let o):
            if let ns = o as? Namespace { try dump(.dict(ns.attrs), indent: indent, level: level, into: &out); return }
            throw JinjaError.type("Object of type \(o.typeName) is not JSON serializable")
        }
    }

    static func string(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0c}": out += "\\f"
            default:
                if u.value < 0x20 || u.value > 0x7f {
                    if u.value > 0xffff {
                        let v = u.value - 0x10000
                        out += String(format: "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3ff))
                    } else {
                        out += String(format: "\\u%04x", u.value)
                    }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    static func htmlSafe(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "'": out += "\\u0027"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

