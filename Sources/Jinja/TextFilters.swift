import Foundation

/// Text-heavy filter implementations with Python's semantics.
enum TextFilters {
    static func parsePythonFloat(_ s: String) -> Double? {
        var t = s.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "_", with: "")
        if t.isEmpty { return nil }
        let lower = t.lowercased()
        if ["inf", "+inf", "infinity", "+infinity"].contains(lower) { return .infinity }
        if ["-inf", "-infinity"].contains(lower) { return -.infinity }
        if ["nan", "+nan", "-nan"].contains(lower) { return .nan }
        if lower.contains("x") || lower.contains("n") || lower.contains("i") { return nil }
        if t.hasPrefix("+") { t.removeFirst() }
        return Double(t)
    }

    static func parsePythonInt(_ s: String, base: Int) -> Int? {
        var t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        var neg = false
        if t.hasPrefix("-") { neg = true; t.removeFirst() } else if t.hasPrefix("+") { t.removeFirst() }
        var b = base
        let lower = t.lowercased()
        if (b == 16 || b == 0) && lower.hasPrefix("0x") { t.removeFirst(2); b = 16 }
        else if (b == 8 || b == 0) && lower.hasPrefix("0o") { t.removeFirst(2); b = 8 }
        else if (b == 2 || b == 0) && lower.hasPrefix("0b") { t.removeFirst(2); b = 2 }
        if b == 0 { b = 10 }
        if t.hasPrefix("_") || t.hasSuffix("_") || t.contains("__") { return nil }
        t = t.replacingOccurrences(of: "_", with: "")
        guard !t.isEmpty, b >= 2, b <= 36, let v = Int(t, radix: b) else { return nil }
        return neg ? -v : v
    }

    static func filesizeformat(_ v: Value, binary: Bool) throws -> String {
        let bytes: Double
        switch v {
        case .int(let i): bytes = Double(i)
        case .float(let d): bytes = d
        case .bool(let b): bytes = b ? 1 : 0
        case .string(let s), .markup(let s):
            guard let d = parsePythonFloat(s) else { throw JinjaError.value("could not convert string to float: \(pyStringRepr(s))") }
            bytes = d
        default: throw JinjaError.type("float() argument must be a string or a real number, not '\(v.typeName)'")
        }
        let base: Double = binary ? 1024 : 1000
        let prefixes = binary ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
        if bytes == 1 { return "1 Byte" }
        if bytes < base {
            return String(format: "%.0f", bytes.rounded(.towardZero)) + " Bytes"
        }
        var unit = base
        for (i, p) in prefixes.enumerated() {
            unit = Foundation.pow(base, Double(i + 2))
            if bytes < unit { return String(format: "%.1f %@", base * bytes / unit, p) }
        }
        return String(format: "%.1f %@", base * bytes / unit, prefixes.last!)
    }

    static func indent(_ s: String, _ ind: String, first: Bool, blank: Bool) -> String {
        var text = s
        var rv: String
        let newline = "\n"
        text += newline
        // splitlines() of text (which ends with a newline) gives the lines without a trailing empty one.
        var lines = text.components(separatedBy: "\n")
        lines.removeLast()
        if blank {
            rv = lines.joined(separator: newline + ind)
        } else {
            var out = lines.first ?? ""
            for l in lines.dropFirst() {
                out += newline
                if !l.isEmpty { out += ind + l }
            }
            rv = out
        }
        if first { rv = ind + rv }
        return rv
    }

    /// Jinja2's `title`: the first character of each word (after `-`, whitespace or an opening
    /// bracket) upper-cased, the rest lower-cased.
    static func title(_ s: String, budget: RenderBudget? = nil) throws -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            var out = [UInt8]()
            out.reserveCapacity(s.utf8.count)
            var atStart = true
            var inSeparator = false
            for b in s.utf8 {
                let isSep = b == 0x2D || b == 0x28 || b == 0x7B || b == 0x5B || b == 0x3C || b == 0x20 || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F)
                if isSep != inSeparator { atStart = true }
                inSeparator = isSep
                let isLower = b >= 0x61 && b <= 0x7A, isUpper = b >= 0x41 && b <= 0x5A
                if atStart {
                    out.append(isLower ? b - 32 : b)
                    atStart = false
                } else {
                    out.append(isUpper ? b + 32 : b)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        // Split into runs of separators and of word characters, as Jinja2's regex split does,
        // then upper-case the first character of each run and lower-case the rest.
        var out = ""
        var run: [Unicode.Scalar] = []
        var runIsSep: Bool?
        func flush() {
            guard let first = run.first else { return }
            out += String(first).uppercased()
            out += PyText.lower(makeString(run.dropFirst()))
            run = []
        }
        var work = 0
        for u in s.unicodeScalars {
            try budget?.step(&work)
            let isSep = u == "-" || u == "(" || u == "{" || u == "[" || u == "<" || Methods.isPySpace(u)
            if runIsSep != isSep { flush() }
            runIsSep = isSep
            run.append(u)
        }
        flush()
        return out
    }

    /// MarkupSafe 3's `striptags`: removes comments (`<!--` to the next `-->`), then tags (`<` to
    /// the next `>`), each time taking the first start mark left in the text, and stops at the
    /// first start mark with no end after it; then collapses whitespace and unescapes.
    ///
    /// MarkupSafe rebuilds the string after every removal (quadratic; `'<' * 160000` took 14 s
    /// here before). This does the same removals in one pass: the text kept so far never holds a
    /// whole start mark, so the next one is the first one, and every end-mark search either
    /// consumes what it scanned or ends the phase.
    static func striptags(_ s: String, budget: RenderBudget? = nil) throws -> String {
        let a = Array(s.unicodeScalars)
        try budget?.tick(a.count)
        var kept: [Unicode.Scalar] = []
        kept.reserveCapacity(a.count)
        var p = 0
        var work = 0
        comments: while p < a.count {
            try budget?.step(&work)
            kept.append(a[p])
            p += 1
            let n = kept.count
            guard n >= 4, kept[n - 1] == "-", kept[n - 2] == "-", kept[n - 3] == "!", kept[n - 4] == "<" else { continue }
            // The end mark may reuse the start mark's own dashes: `<!-->` is a whole comment.
            var after: Int?
            if p < a.count && a[p] == ">" {
                after = p + 1
            } else if p + 1 < a.count && a[p] == "-" && a[p + 1] == ">" {
                after = p + 2
            } else {
                var q = p
                while q + 2 < a.count {
                    try budget?.step(&work)
                    if a[q] == "-" && a[q + 1] == "-" && a[q + 2] == ">" { after = q + 3; break }
                    q += 1
                }
            }
            guard let after else {
                kept.append(contentsOf: a[p...])
                break comments
            }
            kept.removeLast(4)
            p = after
        }
        var text: [Unicode.Scalar] = []
        text.reserveCapacity(kept.count)
        p = 0
        tags: while p < kept.count {
            try budget?.step(&work)
            let c = kept[p]
            p += 1
            if c == "<" {
                var q = p
                while q < kept.count && kept[q] != ">" {
                    try budget?.step(&work)
                    q += 1
                }
                if q == kept.count {
                    text.append(c)
                    text.append(contentsOf: kept[p...])
                    break tags
                }
                p = q + 1
                continue
            }
            text.append(c)
        }
        try budget?.tick(text.count)
        let joined = try Methods.split(makeString(text), nil, -1, budget: budget).joined(separator: " ")
        try budget?.tick(joined.utf8.count)
        return unescapeHTML(joined)
    }

    static let entities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{a0}", "copy": "©", "reg": "®",
        "euro": "€", "hellip": "…", "mdash": "—", "ndash": "–", "laquo": "«", "raquo": "»", "auml": "ä", "ouml": "ö",
        "uuml": "ü", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "szlig": "ß", "eacute": "é", "egrave": "è", "trade": "™",
    ]

    static func unescapeHTML(_ s: String) -> String {
        guard s.contains("&") else { return s }
        let a = Array(s.unicodeScalars)
        var out = ""
        var i = 0
        while i < a.count {
            if a[i] == "&" {
                var j = i + 1
                while j < a.count && j - i < 32 && (a[j].properties.isAlphabetic || a[j].properties.numericType != nil || a[j] == "#") { j += 1 }
                let name = makeString(a[(i + 1)..<j])
                let hasSemi = j < a.count && a[j] == ";"
                if name.hasPrefix("#") {
                    let body = name.dropFirst()
                    var code: UInt32?
                    if body.lowercased().hasPrefix("x") { code = UInt32(body.dropFirst(), radix: 16) } else { code = UInt32(body) }
                    if let code, let u = Unicode.Scalar(code) {
                        out.unicodeScalars.append(u)
                        i = hasSemi ? j + 1 : j
                        continue
                    }
                } else if let e = entities[name] {
                    out += e
                    i = hasSemi ? j + 1 : j
                    continue
                }
            }
            out.unicodeScalars.append(a[i])
            i += 1
        }
        return out
    }

    static func round(_ v: Value, precision: Int, method: String) throws -> Value {
        let d: Double
        switch v {
        case .int(let i):
            if method == "common" {
                if precision >= 0 { return .int(i) }
                var p = 1
                if precision < -18 { return .int(0) }
                for _ in 0..<(-precision) { p *= 10 }
                let q = Operators.floorDiv(i, p)
                let r = Operators.floorMod(i, p)
                var res = q
                if r * 2 > p || (r * 2 == p && q % 2 != 0) { res += 1 }
                let (scaled, overflow) = res.multipliedReportingOverflow(by: p)
                if overflow { throw JinjaError(.overflow, "integer result too large for a 64-bit integer") }
                return .int(scaled)
            }
            d = Double(i)
        case .bool(let b): d = b ? 1 : 0
        case .float(let x): d = x
        case .undefined(let u): throw u.error
        default: throw JinjaError.type("type \(v.typeName) doesn't define __round__ method")
        }
        if method == "common" {
            if !d.isFinite { return .float(d) }
            if precision >= 0 && precision <= 300 {
                if precision <= 15 && abs(d) < 1e15 {
                    let p = Foundation.pow(10.0, Double(precision))
                    let scaled = abs(d) * p
                    let floor = scaled.rounded(.down)
                    let frac = scaled - floor
                    if abs(frac - 0.5) > 1e-6 && scaled < 9e15 {
                        let r = (floor + (frac > 0.5 ? 1 : 0)) / p
                        return .float(d.sign == .minus ? -r : r)
                    }
                }
                return .float(Double(fixedFormat(d, precision)) ?? d)
            }
            let p = Foundation.pow(10.0, Double(-precision))
            return .float((d / p).rounded(.toNearestOrEven) * p)
        }
        let p = Foundation.pow(10.0, Double(precision))
        let scaled = d * p
        if scaled.isNaN { throw JinjaError.value("cannot convert float NaN to integer") }
        if scaled.isInfinite { throw JinjaError(.overflow, "cannot convert float infinity to integer") }
        // Python's math.ceil/floor return integers, so the sign of zero is lost.
        let r = (method == "ceil" ? Foundation.ceil(scaled) : Foundation.floor(scaled)) + 0.0
        return .float(r / p)
    }

    static func truncate(_ s: String, length: Int, killwords: Bool, end: String, leeway: Int, endLength: Int? = nil) throws -> String {
        let a = Array(s.unicodeScalars)
        let endLen = endLength ?? end.unicodeScalars.count
        if length < endLen { throw JinjaError(.runtime, "expected length >= \(endLen), got \(length)") }
        if leeway < 0 { throw JinjaError(.runtime, "expected leeway >= 0, got \(leeway)") }
        if a.count - leeway <= length { return s }
        let head = makeString(a[0..<max(0, length - endLen)])
        if killwords { return head + end }
        let hb = Array(head.utf8)
        if let r = hb.lastIndex(of: 0x20) {
            return String(decoding: hb[..<r], as: UTF8.self) + end
        }
        return head + end
    }

    static func wordcount(_ s: String) -> Int {
        var n = 0
        var inWord = false
        for u in s.unicodeScalars {
            let w = u.properties.isAlphabetic || u.properties.numericType != nil || u == "_" || u.properties.generalCategory == .nonspacingMark
            if w && !inWord { n += 1 }
            inWord = w
        }
        return n
    }

    // MARK: - urlencode

    static let hexDigits: [Unicode.Scalar] = Array("0123456789ABCDEF".unicodeScalars)
    static let hexLower: [Unicode.Scalar] = Array("0123456789abcdef".unicodeScalars)

    static func quote(_ s: String, safe: String, forQuery: Bool) -> String {
        var out = ""
        let safeBytes = Set(safe.utf8)
        for b in s.utf8 {
            let isAlnum = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
            if isAlnum || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "~") || safeBytes.contains(b) {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else if forQuery && b == 0x20 {
                out += "+"
            } else {
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hexDigits[Int(b >> 4)])
                out.unicodeScalars.append(hexDigits[Int(b & 0xF)])
            }
        }
        return out
    }

    /// Jinja2's `urlencode`; every text is converted with a charged `str()`, and the encoded
    /// size (at most three bytes per byte) is charged before it is built.
    static func urlencode(_ v: Value, budget: RenderBudget) throws -> String {
        func encoded(_ x: Value, safe: String, forQuery: Bool) throws -> String {
            let s = try x.str(charging: budget)
            try budget.chargeString(s.utf8.count &* 3)
            return quote(s, safe: safe, forQuery: forQuery)
        }
        func pair(_ k: Value, _ x: Value) throws -> String {
            try encoded(k, safe: "", forQuery: true) + "=" + encoded(x, safe: "", forQuery: true)
        }
        switch v {
        case .string, .markup: return try encoded(v, safe: "/", forQuery: false)
        case .dict(let d):
            return try d.pairs.map { try pair($0.0, $0.1) }.joined(separator: "&")
        case .list, .tuple, .object:
            return try v.iterate().map { item in
                let kv = try item.iterate()
                guard kv.count == 2 else { throw JinjaError.value("urlencode needs pairs") }
                return try pair(kv[0], kv[1])
            }.joined(separator: "&")
        default:
            return try encoded(v, safe: "/", forQuery: false)
        }
    }

}
