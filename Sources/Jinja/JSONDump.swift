import Foundation

/// `json.dumps(sort_keys=True)` as Jinja2's `tojson` calls it.
enum JSONDump {
    /// Appends the JSON text of `v`; every piece is charged to `budget` before it is appended
    /// (indentation grows with the level, so a deep value with a large indent is refused early).
    static func dump(_ v: Value, indent: Int?, level: Int, into out: inout String, budget: RenderBudget? = nil) throws {
        // A negative indent writes newlines only (as Python's json does).
        if let indent, indent > 0 { try SizeCap.check(indent, unit: level + 1, budget) }
        if let budget {
            try budget.charge(8 &+ (indent.map { max(0, $0) &* (level &+ 1) } ?? 0))
            if case .string(let s) = v { try budget.charge(s.utf8.count) } else if case .markup(let s) = v { try budget.charge(s.utf8.count) }
        }
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .float(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else { out += pyFloatRepr(d) }
        case .string(let s), .markup(let s): try string(s, into: &out, budget: budget)
        // Containers are written by functions of their own, so the frame that recurses once per
        // level stays small in every build (a value may be `RenderLimits.maxNesting` deep).
        case .list(let a), .tuple(let a): try list(a, indent: indent, level: level, into: &out, budget: budget)
        case .dict(let d): try dict(d, indent: indent, level: level, into: &out, budget: budget)
        case .undefined(let u):
            if u.strict { throw u.error }
            throw JinjaError.type("Object of type Undefined is not JSON serializable")
        case .object(let o):
            // Python's json module cannot serialise a namespace either (and one may contain itself).
            throw JinjaError.type("Object of type \(o.typeName) is not JSON serializable")
        }
    }

    @inline(never) static func list(_ a: [Value], indent: Int?, level: Int, into out: inout String, budget: RenderBudget?) throws {
        if a.isEmpty { out += "[]"; return }
        out += "["
        for (i, x) in a.enumerated() {
            if i > 0 { out += indent == nil ? ", " : "," }
            if let indent { out += "\n" + String(repeating: " ", count: max(0, indent &* (level + 1))) }
            try dump(x, indent: indent, level: level + 1, into: &out, budget: budget)
        }
        if let indent { out += "\n" + String(repeating: " ", count: max(0, indent &* level)) }
        out += "]"
    }

    @inline(never) static func dict(_ d: PyDict, indent: Int?, level: Int, into out: inout String, budget: RenderBudget?) throws {
        if d.count == 0 { out += "{}"; return }
        let pairs = try sortedPairs(d, budget)
        out += "{"
        for (i, (k, x)) in pairs.enumerated() {
            if i > 0 { out += indent == nil ? ", " : "," }
            if let indent { out += "\n" + String(repeating: " ", count: max(0, indent &* (level + 1))) }
            try budget?.charge(k.utf8.count)
            try string(k, into: &out, budget: budget)
            out += ": "
            try dump(x, indent: indent, level: level + 1, into: &out, budget: budget)
        }
        if let indent { out += "\n" + String(repeating: " ", count: max(0, indent &* level)) }
        out += "}"
    }

    /// The entries of `d` with their JSON key texts, in `sort_keys` order. Python sorts the
    /// keys themselves (so `2` comes before `10`), then writes each as JSON text.
    @inline(never) static func sortedPairs(_ d: PyDict, _ budget: RenderBudget?) throws -> [(String, Value)] {
        var pairs: [(String, Value)] = []
        pairs.reserveCapacity(d.count)
        var strings = 0
        for (k, x) in d.pairs {
            let key: String
            switch k {
            case .string(let s), .markup(let s):
                key = s
                strings += 1
            case .int(let i): key = String(i)
            case .float(let f):
                key = f.isNaN ? "NaN" : f.isInfinite ? (f < 0 ? "-Infinity" : "Infinity") : pyFloatRepr(f)
            case .bool(let b): key = b ? "true" : "false"
            case .none: key = "null"
            default: throw JinjaError.type("keys must be str, int, float, bool or None, not \(k.typeName)")
            }
            pairs.append((key, x))
        }
        if strings == pairs.count {
            pairs.sort { pyStringLess($0.0, $1.0) }
            return pairs
        }
        if strings > 0 { throw JinjaError.type("'<' not supported between instances of 'int' and 'str'") }
        // Sorted by position, so a key that equals nothing (NaN) is never looked up again.
        let keys = d.keys
        let order = try Filters.sortValues(keys.indices.map { Value.int($0) }, key: { keys[$0.intIndex!] }, reverse: false, budget)
        return order.map { pairs[$0.intIndex!] }
    }

    static func string(_ s: String, into out: inout String, budget: RenderBudget? = nil) throws {
        out += "\""
        var work = 0
        for u in s.unicodeScalars {
            try budget?.step(&work)
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
                        appendEscape(0xD800 + (v >> 10), to: &out)
                        appendEscape(0xDC00 + (v & 0x3ff), to: &out)
                    } else {
                        appendEscape(u.value, to: &out)
                    }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// `\\u` and four lower-case hex digits (`String(format:)` per character was the slowest part).
    static func appendEscape(_ code: UInt32, to out: inout String) {
        out += "\\u"
        for shift in [12, 8, 4, 0] { out.unicodeScalars.append(TextFilters.hexLower[Int((code >> UInt32(shift)) & 0xF)]) }
    }

    static func htmlSafe(_ s: String, budget: RenderBudget? = nil) throws -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var work = 0
        for u in s.unicodeScalars {
            try budget?.step(&work)
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

