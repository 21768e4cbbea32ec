import Foundation

/// Python's printf-style `%` formatting.
enum PrintfFormat {
    /// Formats `fmt` with `arg`; the text of the format and of every conversion (with its
    /// padding) is charged to `budget` before it is appended.
    static func format(_ fmt: String, _ arg: Value, escape: Bool, budget: RenderBudget? = nil) throws -> String {
        try budget?.chargeString(fmt.utf8.count)
        var args: [Value]
        var mapping: PyDict?
        switch arg {
        case .tuple(let a): args = a
        case .dict(let d): args = [arg]; mapping = d
        default: args = [arg]
        }
        let bytes = Array(fmt.utf8)
        var out = ""
        out.reserveCapacity(bytes.count + 16)
        var i = 0
        var argIndex = 0
        func nextArg() throws -> Value {
            guard argIndex < args.count else { throw JinjaError.type("not enough arguments for format string") }
            defer { argIndex += 1 }
            return args[argIndex]
        }
        let percent = UInt8(ascii: "%")
        while i < bytes.count {
            if bytes[i] != percent {
                var j = i
                while j < bytes.count && bytes[j] != percent { j += 1 }
                out += String(decoding: bytes[i..<j], as: UTF8.self)
                i = j
                continue
            }
            i += 1
            guard i < bytes.count else { throw JinjaError.value("incomplete format") }
            var key: String?
            if bytes[i] == UInt8(ascii: "(") {
                var depth = 1
                var j = i + 1
                while j < bytes.count && depth > 0 {
                    if bytes[j] == UInt8(ascii: "(") { depth += 1 } else if bytes[j] == UInt8(ascii: ")") { depth -= 1 }
                    j += 1
                }
                guard depth == 0 else { throw JinjaError.value("incomplete format key") }
                key = String(decoding: bytes[(i + 1)..<(j - 1)], as: UTF8.self)
                i = j
            }
            var flags = Set<Character>()
            while i < bytes.count, let c = Optional(Character(Unicode.Scalar(bytes[i]))), "-+ #0".contains(c) {
                flags.insert(c)
                i += 1
            }
            var width: Int?
            if i < bytes.count && bytes[i] == UInt8(ascii: "*") {
                width = try nextArg().intIndex
                i += 1
            } else {
                var w = 0
                var any = false
                while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                    w = min(w * 10 + Int(bytes[i] - 0x30), Int(Int32.max))
                    any = true
                    i += 1
                }
                width = any ? w : nil
            }
            var precision: Int?
            if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
                i += 1
                if i < bytes.count && bytes[i] == UInt8(ascii: "*") {
                    precision = max(0, try nextArg().intIndex ?? 0)
                    i += 1
                } else {
                    var p = 0
                    while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                        p = min(p * 10 + Int(bytes[i] - 0x30), Int(Int32.max))
                        i += 1
                    }
                    precision = p
                }
            }
            while i < bytes.count, bytes[i] == UInt8(ascii: "h") || bytes[i] == UInt8(ascii: "l") || bytes[i] == UInt8(ascii: "L") { i += 1 }
            guard i < bytes.count else { throw JinjaError.value("incomplete format") }
            let type = Character(Unicode.Scalar(bytes[i]))
            i += 1
            if type == "%" {
                out += "%"
                continue
            }
            let value: Value
            if let key {
                guard let mapping else { throw JinjaError.type("format requires a mapping") }

                guard let v = mapping[.string(key)] else { throw JinjaError(.key, "'\(key)'") }
                value = v
            } else {
                value = try nextArg()
            }
            var body: String
            var numeric = false
            switch type {
            case "s":
                let text = try value.str(charging: budget)
                body = escape && !value.isMarkup ? htmlEscape(text) : text
                if let precision { body = makeString(body.unicodeScalars.prefix(precision)) }
            case "r", "a":
                body = try value.checkedRepr(budget)
                if escape { body = htmlEscape(body) }
                if let precision { body = makeString(body.unicodeScalars.prefix(precision)) }
            case "d", "i", "u":
                numeric = true
                body = try formatInt(value, radix: 10, upper: false, alt: false, flags: flags, precision: precision)
            case "x", "X", "o":
                numeric = true
                body = try formatInt(value, radix: type == "o" ? 8 : 16, upper: type == "X", alt: flags.contains("#"), flags: flags, precision: precision)
            case "f", "F", "e", "E", "g", "G":
                numeric = true
                guard let n = value.numericValue else {
                    throw JinjaError.type("must be real number, not \(value.typeName)")
                }
                body = formatFloat(n.asDouble, type: type, precision: precision ?? 6, alt: flags.contains("#"))
                if n.asDouble >= 0 || n.asDouble.isNaN {
                    if flags.contains("+") { body = "+" + body } else if flags.contains(" ") { body = " " + body }
                }
            case "c":
                if let n = value.intIndex {
                    guard n >= 0, n <= 0x10FFFF, let u = Unicode.Scalar(UInt32(n)) else {
                        throw JinjaError(.overflow, "%c arg not in range(0x110000)")
                    }
                    body = String(u)
                } else if value.isString, value.plainString.unicodeScalars.count == 1 {
                    body = value.plainString
                } else {
                    throw JinjaError.type("%c requires an int or a unicode character, not \(value.typeName)")
                }
            default:
                throw JinjaError.value("unsupported format character '\(type)'")
            }
            if let width, body.unicodeScalars.count < width {
                try SizeCap.check(width, budget)
                let pad = width - body.unicodeScalars.count
                try budget?.charge(pad)
                if flags.contains("-") {
                    body += String(repeating: " ", count: pad)
                } else if flags.contains("0") && numeric {
                    var sign = ""
                    if let f = body.first, f == "-" || f == "+" || f == " " { sign = String(f); body.removeFirst() }
                    var prefix = ""
                    if body.hasPrefix("0x") || body.hasPrefix("0X") || body.hasPrefix("0o") {
                        prefix = String(body.prefix(2)); body.removeFirst(2)
                    }
                    body = sign + prefix + String(repeating: "0", count: pad) + body
                } else {
                    body = String(repeating: " ", count: pad) + body
                }
            }
            try budget?.charge(body.utf8.count)
            out += body
        }
        if mapping == nil && argIndex < args.count {
            throw JinjaError.type("not all arguments converted during string formatting")
        }

        return out
    }

    static func formatInt(_ v: Value, radix: Int, upper: Bool, alt: Bool, flags: Set<Character>, precision: Int?) throws -> String {
        var n: Int
        switch v {
        case .int(let i): n = i
        case .bool(let b): n = b ? 1 : 0
        case .float(let d):
            if radix != 10 { throw JinjaError.type("%\(radix == 8 ? "o" : "x") format: an integer is required, not float") }
            guard d.isFinite, abs(d) < 9.2e18 else { throw JinjaError(.overflow, "cannot convert float to a 64-bit integer") }
            n = Int(d)
        case .string, .markup:
            throw JinjaError.type("%\(radix == 10 ? "d" : "x") format: a real number is required, not str")
        default:
            throw JinjaError.type("%d format: a real number is required, not \(v.typeName)")
        }
        let neg = n < 0
        if let precision { try SizeCap.check(precision) }
        var digits = String(n.magnitude, radix: radix, uppercase: upper)
        if let precision, digits.count < precision { digits = String(repeating: "0", count: precision - digits.count) + digits }
        if alt { digits = (radix == 16 ? (upper ? "0X" : "0x") : "0o") + digits }
        if neg { return "-" + digits }
        if flags.contains("+") { return "+" + digits }
        if flags.contains(" ") { return " " + digits }
        _ = n
        return digits
    }

    static func formatFloat(_ d: Double, type: Character, precision: Int, alt: Bool) -> String {
        if d.isNaN { return type.isUppercase ? "NAN" : "nan" }
        if d.isInfinite { return (d < 0 ? "-" : "") + (type.isUppercase ? "INF" : "inf") }
        let p = min(precision, 400)
        if (type == "f" || type == "F") && !alt { return fixedFormat(d, p) }
        return String(format: "%\(alt ? "#" : "").\(p)\(type)", d)
    }
}

/// Python's `str.format` with its format-spec mini-language (the common subset).
enum StrFormat {
    /// Formats `fmt` with `args`; the text of the format and of every field (with its padding)
    /// is charged to `budget` before it is appended.
    static func format(_ fmt: String, _ args: Arguments, budget: RenderBudget? = nil) throws -> String {
        try budget?.chargeString(fmt.utf8.count)
        let chars = Array(fmt.unicodeScalars)
        var out = ""
        var i = 0
        var auto = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" {
                if i + 1 < chars.count && chars[i + 1] == "{" { out += "{"; i += 2; continue }
                var j = i + 1
                var depth = 1
                while j < chars.count {
                    if chars[j] == "{" { depth += 1 }
                    if chars[j] == "}" { depth -= 1; if depth == 0 { break } }
                    j += 1
                }
                guard j < chars.count else { throw JinjaError.value("Single '{' encountered in format string") }
                let field = makeString(chars[(i + 1)..<j])
                i = j + 1
                var name = field
                var spec = ""
                var conversion: Character?
                if let colon = field.firstIndex(of: ":") {
                    name = String(field[..<colon])
                    spec = String(field[field.index(after: colon)...])
                }
                if let bang = name.firstIndex(of: "!") {
                    conversion = name[name.index(after: bang)...].first
                    name = String(name[..<bang])
                }
                var value: Value
                var rest = Substring(name)
                var head = ""
                while let ch = rest.first, ch != "." && ch != "[" { head.append(ch); rest.removeFirst() }
                if head.isEmpty {
                    guard auto < args.positional.count else { throw JinjaError(.index, "Replacement index \(auto) out of range for positional args tuple") }
                    value = args.positional[auto]
                    auto += 1
                } else if let n = Int(head) {
                    guard n < args.positional.count else { throw JinjaError(.index, "Replacement index \(n) out of range for positional args tuple") }
                    value = args.positional[n]
                } else {
                    guard let v = args.keywords.first(where: { $0.0 == head })?.1 else { throw JinjaError(.key, "'\(head)'") }
                    value = v
                }
                while let ch = rest.first {
                    rest.removeFirst()
                    if ch == "." {
                        var attr = ""
                        while let x = rest.first, x != "." && x != "[" { attr.append(x); rest.removeFirst() }
                        if case .dict(let d) = value, let v = d[attr] { value = v } else if case .object(let o) = value, let v = o.attribute(attr) { value = v } else {
                            throw JinjaError(.attribute, "'\(value.typeName)' object has no attribute '\(attr)'")
                        }
                    } else if ch == "[" {
                        var key = ""
                        while let x = rest.first, x != "]" { key.append(x); rest.removeFirst() }
                        if !rest.isEmpty { rest.removeFirst() }
                        switch value {
                        case .dict(let d):
                            guard let v = d[.string(key)] ?? (Int(key).flatMap { d[.int($0)] }) else { throw JinjaError(.key, "'\(key)'") }
                            value = v
                        case .list(let a), .tuple(let a):
                            guard let k = Int(key), k >= 0, k < a.count else { throw JinjaError(.index, "list index out of range") }
                            value = a[k]
                        default: throw JinjaError.type("'\(value.typeName)' object is not subscriptable")
                        }
                    }
                }
                if conversion == "r" { value = .string(try value.checkedRepr(budget)) } else if conversion == "s" { value = .string(try value.str(charging: budget)) }
                if spec.contains("{") {
                    spec = try format(spec, args, budget: budget)
                }
                let text = try formatValue(value, spec: spec, budget: budget)
                try budget?.charge(text.utf8.count)
                out += text
            } else if c == "}" {
                if i + 1 < chars.count && chars[i + 1] == "}" { out += "}"; i += 2; continue }
                throw JinjaError.value("Single '}' encountered in format string")
            } else {
                out.unicodeScalars.append(c)
                i += 1
            }
        }
        return out
    }

    /// Applies a format spec (`[[fill]align][sign][#][0][width][,|_][.precision][type]`) to a value.
    static func formatValue(_ v: Value, spec: String, budget: RenderBudget? = nil) throws -> String {
        let s = Array(spec.unicodeScalars)
        var i = 0
        var fill: Character = " "
        var align: Character?
        if s.count >= 2, "<>^=".unicodeScalars.contains(s[1]) {
            fill = Character(s[0]); align = Character(s[1]); i = 2
        } else if s.count >= 1, "<>^=".unicodeScalars.contains(s[0]) {
            align = Character(s[0]); i = 1
        }
        var sign: Character = "-"
        if i < s.count, "+- ".unicodeScalars.contains(s[i]) { sign = Character(s[i]); i += 1 }
        var alt = false
        if i < s.count, s[i] == "#" { alt = true; i += 1 }
        if i < s.count, s[i] == "0" {
            if align == nil { fill = "0"; align = "=" }
            i += 1
        }
        var w = ""
        while i < s.count, s[i].isASCII, s[i].properties.numericType == .decimal { w.unicodeScalars.append(s[i]); i += 1 }
        var grouping: Character?
        if i < s.count, s[i] == "," || s[i] == "_" { grouping = Character(s[i]); i += 1 }
        var precision: Int?
        if i < s.count, s[i] == "." {
            i += 1
            var p = ""
            while i < s.count, s[i].isASCII, s[i].properties.numericType == .decimal { p.unicodeScalars.append(s[i]); i += 1 }
            precision = Int(p)
        }
        var type: Character?
        if i < s.count { type = Character(s[i]); i += 1 }
        if i < s.count { throw JinjaError.value("Invalid format specifier") }
        var body: String
        var isNumber = false
        if spec.isEmpty { return try v.str(charging: budget) }
        switch v {
        case .none, .list, .tuple, .dict, .undefined, .object:
            throw JinjaError.type("unsupported format string passed to \(v.typeName).__format__")
        case .int, .bool, .float:
            isNumber = true
            let n = v.numericValue!
            var t = type
            if t == nil {
                if case .float = v { t = precision == nil ? nil : "g" } else { t = "d" }
            }
            if case .float = n, t == "n" { t = "g" }
            if let tt = t, !"dnxXobc%eEfFgG".contains(tt) {
                throw JinjaError.value("Unknown format code '\(tt)' for object of type '\(v.typeName)'")
            }
            switch t {
            case nil:
                body = pyFloatRepr(abs(n.asDouble))
            case "d", "n":
                guard case .int(let x) = n else { throw JinjaError.value("Unknown format code 'd' for object of type 'float'") }
                body = String(x.magnitude)
            case "x", "X", "o", "b":
                guard case .int(let x) = n else { throw JinjaError.value("Unknown format code '\(t!)' for object of type 'float'") }
                let radix = t == "o" ? 8 : t == "b" ? 2 : 16
                body = String(x.magnitude, radix: radix, uppercase: t == "X")
                if alt { body = (t == "o" ? "0o" : t == "b" ? "0b" : t == "X" ? "0X" : "0x") + body }
            case "%":
                body = PrintfFormat.formatFloat(abs(n.asDouble) * 100, type: "f", precision: precision ?? 6, alt: alt) + "%"
            case "c":
                guard case .int(let x) = n else { throw JinjaError.value("Unknown format code 'c' for object of type 'float'") }
                guard x >= 0, x <= 0x10FFFF, let u = Unicode.Scalar(UInt32(x)) else {
                    throw JinjaError(.overflow, "%c arg not in range(0x110000)")
                }
                body = String(u)
            default:
                body = PrintfFormat.formatFloat(abs(n.asDouble), type: t!, precision: precision ?? 6, alt: alt)
            }
            if let grouping { body = groupDigits(body, grouping) }
            let negative = n.asDouble < 0 || (n.asDouble == 0 && n.asDouble.sign == .minus && t != "d")
            let signStr = negative ? "-" : sign == "+" ? "+" : sign == " " ? " " : ""
            body = signStr + body
        default:
            body = try v.str(charging: budget)
            if let precision { body = makeString(body.unicodeScalars.prefix(precision)) }
            if let type, type != "s" { throw JinjaError.value("Unknown format code '\(type)' for object of type '\(v.typeName)'") }
        }
        guard let width = Int(w), body.unicodeScalars.count < width else { return body }
        try SizeCap.check(width, budget)
        try budget?.charge(width)
        let pad = width - body.unicodeScalars.count
        let a = align ?? (isNumber ? ">" : "<")
        let fillStr = { (n: Int) in String(repeating: String(fill), count: n) }
        switch a {
        case "<": return body + fillStr(pad)
        case "^": return fillStr(pad / 2) + body + fillStr(pad - pad / 2)
        case "=":
            if let f = body.first, "+- ".contains(f) { return String(f) + fillStr(pad) + body.dropFirst() }
            return fillStr(pad) + body
        default: return fillStr(pad) + body
        }
    }

    static func groupDigits(_ s: String, _ sep: Character) -> String {
        var intPart = Substring(s)
        var rest = Substring("")
        if let dot = s.firstIndex(where: { !$0.isNumber }) {
            intPart = s[..<dot]
            rest = s[dot...]
        }
        var out = ""
        for (k, ch) in intPart.enumerated() {
            if k > 0 && (intPart.count - k) % 3 == 0 { out.append(sep) }
            out.append(ch)
        }
        return out + rest
    }
}
