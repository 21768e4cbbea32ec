import Foundation

/// Filters that lay text out: `wordwrap` (Python's textwrap), `urlize`, `pprint`.
extension TextFilters {
    // MARK: - wordwrap (Python's textwrap)

    /// textwrap splits words on ASCII whitespace only.
    static func isWrapSpace(_ u: Unicode.Scalar) -> Bool {
        u == " " || u == "\t" || u == "\n" || u == "\r" || u == "\u{0B}" || u == "\u{0C}"
    }

    /// textwrap's chunks: runs of whitespace, and words (split after a hyphen between letters
    /// when `hyphens`), as slices of `text`.
    static func chunks(_ text: [Unicode.Scalar], hyphens: Bool, budget: RenderBudget? = nil) throws -> [ArraySlice<Unicode.Scalar>] {
        var out: [ArraySlice<Unicode.Scalar>] = []
        var i = 0
        var work = 0
        while i < text.count {
            try budget?.step(&work)
            var j = i
            if isWrapSpace(text[i]) {
                while j < text.count && isWrapSpace(text[j]) { j += 1 }
                out.append(text[i..<j])
                i = j
                continue
            }
            while j < text.count && !isWrapSpace(text[j]) {
                try budget?.step(&work)
                j += 1
            }
            if hyphens {
                var start = i
                var k = i
                while k < j {
                    if text[k] == "-", k > start, k + 1 < j,
                       text[k - 1].properties.isAlphabetic || text[k - 1].properties.numericType != nil,
                       text[k + 1].properties.isAlphabetic {
                        out.append(text[start...k])
                        start = k + 1
                    }
                    k += 1
                }
                out.append(text[start..<j])
            } else {
                out.append(text[i..<j])
            }
            i = j
        }
        return out
    }

    /// textwrap's `wrap`. Chunks are slices, so breaking a long word takes the next piece off its
    /// front without copying the rest (copying made one long word quadratic).
    static func wrap(_ text: String, width: Int, breakLongWords: Bool, breakOnHyphens: Bool, budget: RenderBudget? = nil) throws -> [String] {
        var rev = Array(try chunks(Array(text.unicodeScalars), hyphens: breakOnHyphens, budget: budget).reversed())
        var lines: [String] = []
        func isBlank(_ c: ArraySlice<Unicode.Scalar>) -> Bool { c.allSatisfy(Methods.isPySpace) }
        var work = 0
        while !rev.isEmpty {
            try budget?.step(&work)
            var cur: [ArraySlice<Unicode.Scalar>] = []
            var curLen = 0
            // textwrap tests `chunks[-1].strip() == '' and lines`; the cheap test first, or a long
            // run of leading blanks is scanned again for every piece cut from it.
            if !lines.isEmpty && isBlank(rev.last!) { rev.removeLast() }
            while let c = rev.last {
                if curLen + c.count <= width {
                    cur.append(c)
                    curLen += c.count
                    rev.removeLast()
                } else { break }
            }
            if let c = rev.last, c.count > width {
                let spaceLeft = width < 1 ? 1 : width - curLen
                if breakLongWords {
                    var end = spaceLeft
                    if breakOnHyphens && c.count > spaceLeft {
                        let head = c.prefix(max(0, spaceLeft))
                        if spaceLeft > 0, let h = head.lastIndex(of: "-"), h > c.startIndex, c[c.startIndex..<h].contains(where: { $0 != "-" }) {
                            end = h - c.startIndex + 1
                        }
                    }
                    cur.append(c.prefix(end))
                    rev[rev.count - 1] = c.dropFirst(end)
                } else if cur.isEmpty {
                    cur.append(c)
                    rev.removeLast()
                }
            }
            if let l = cur.last, isBlank(l) {
                curLen -= l.count
                cur.removeLast()
            }
            if !cur.isEmpty {
                lines.append(makeString(cur.joined()))
            }
        }
        return lines
    }

    /// Jinja2's `wordwrap`: each line of `s` wrapped by textwrap, all joined with `wrapstring`.
    /// The joined size is charged to `budget` before the result is built.
    static func wordwrap(_ s: String, width: Int, breakLongWords: Bool, wrapstring: String, breakOnHyphens: Bool,
                         budget: RenderBudget? = nil) throws -> String {
        var lines: [String] = []
        var cur = ""
        var hadLines = false
        let scalars = Array(s.unicodeScalars)
        try budget?.tick(scalars.count)
        var i = 0
        var work = 0
        while i < scalars.count {
            try budget?.step(&work)
            let u = scalars[i]
            i += 1
            if u == "\n" || u == "\r" || u == "\u{0b}" || u == "\u{0c}" || u == "\u{1c}" || u == "\u{1d}" || u == "\u{1e}" || u == "\u{85}" || u == "\u{2028}" || u == "\u{2029}" {
                if u == "\r", i < scalars.count, scalars[i] == "\n" { i += 1 }
                lines.append(cur)
                cur = ""
                hadLines = true
            } else { cur.unicodeScalars.append(u) }
        }
        if !cur.isEmpty || !hadLines { if !(cur.isEmpty && s.isEmpty) { lines.append(cur) } }
        // Joining each line's pieces and then the lines with the same separator is one join of
        // all pieces, where a line that wraps to nothing is one empty piece.
        var pieces: [String] = []
        var total = 0
        for line in lines {
            let wrapped = try wrap(line, width: width, breakLongWords: breakLongWords, breakOnHyphens: breakOnHyphens, budget: budget)
            if wrapped.isEmpty { pieces.append("") }
            for w in wrapped {
                total &+= w.utf8.count
                pieces.append(w)
            }
        }
        if pieces.count > 1 {
            try SizeCap.check(pieces.count - 1, unit: max(1, wrapstring.utf8.count), budget)
            total &+= (pieces.count - 1) &* wrapstring.utf8.count
        }
        try budget?.chargeString(total)
        return pieces.joined(separator: wrapstring)
    }

    // MARK: - urlize

    static let httpRegex = try! NSRegularExpression(pattern:
        "^(" +
        "(https?://|www\\.)(([\\w%-]+\\.)+)?([a-z]{2,63}|xn--[\\w%]{2,59})" +
        "|([\\w%-]{2,63}\\.)+(com|net|int|edu|gov|org|info|mil)" +
        "|(https?://)((([\\d]{1,3})(\\.[\\d]{1,3}){3})|(\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}\\]))" +
        ")(?::[\\d]{1,5})?(?:[/?#]\\S*)?$", options: [.caseInsensitive])
    static let emailRegex = try! NSRegularExpression(pattern: "^\\S+@\\w[\\w.-]*\\.\\w+$")

    static func matches(_ re: NSRegularExpression, _ s: String) -> Bool {
        re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    static func count(_ s: String, _ sub: String) -> Int {
        PyText.count(s, sub)
    }

    /// Whether `word` is an e-mail address as Jinja2's `^\\S+@\\w[\\w.-]*\\.\\w+$` decides.
    /// The address part cannot hold an `@`, so only the last `@` can match; testing that one
    /// keeps this linear, where the regular expression backtracks once per `@` (quadratic).
    static func isEmail(_ word: Substring) -> Bool {
        guard let at = word.lastIndex(of: "@"), at > word.startIndex else { return false }
        let local = word[..<at]
        if local.unicodeScalars.contains(where: { Methods.isPySpace($0) }) { return false }
        return matches(emailRegex, "x@" + word[word.index(after: at)...])
    }

    /// Jinja2's `urlize`. Each word's leading and trailing punctuation is taken off by moving
    /// indices (not by rebuilding the word), so a word of any length is handled in linear time;
    /// the output is charged to `budget` word by word before it is appended.
    static func urlize(_ text: String, trimLimit: Int?, nofollow: Bool, target: String?, rel: String?, escapeInput: Bool,
                       extraSchemes: [String]? = nil, budget: RenderBudget? = nil) throws -> String {
        var relParts = Set((rel ?? "").split(separator: " ").map(String.init))
        if nofollow { relParts.insert("nofollow") }
        relParts.insert("noopener")
        let relAttr = relParts.isEmpty ? "" : " rel=\"\(htmlEscape(relParts.sorted().joined(separator: " ")))\""
        let targetAttr = target.map { " target=\"\(htmlEscape($0))\"" } ?? ""
        func trim(_ s: String) -> String {
            guard let l = trimLimit else { return s }
            let head = makeString(s.unicodeScalars.prefix(max(0, l)))
            return head + (s.unicodeScalars.count >= l ? "..." : "")
        }
        let src = escapeInput ? htmlEscape(text) : text
        try budget?.tick(src.utf8.count)
        func link(_ word: Substring) -> String {
            // Leading `(`, `<`, `&lt;` and trailing `)`, `>`, `.`, `,`, newline, `&gt;` are all
            // ASCII, so they are stripped by walking UTF-8 positions (which are also scalar
            // boundaries there): linear in the word, however many marks it has.
            let u = word.utf8
            var lo = u.startIndex
            var hi = u.endIndex
            func at(_ i: String.Index, _ mark: String) -> Bool {
                var j = i
                for b in mark.utf8 {
                    guard j < hi, u[j] == b else { return false }
                    j = u.index(after: j)
                }
                return true
            }
            while lo < hi {
                let b = u[lo]
                if b == 0x28 || b == 0x3C { lo = u.index(after: lo) } else if at(lo, "&lt;") { lo = u.index(lo, offsetBy: 4) } else { break }
            }
            while hi > lo {
                let last = u[u.index(before: hi)]
                if last == 0x29 || last == 0x3E || last == 0x2E || last == 0x2C || last == 0x0A {
                    hi = u.index(before: hi)
                } else if u.distance(from: lo, to: hi) >= 4, at(u.index(hi, offsetBy: -4), "&gt;") {
                    hi = u.index(hi, offsetBy: -4)
                } else { break }
            }
            let head = word[word.startIndex..<lo]
            let middle = word[lo..<hi]
            // Words with none of `.`, `:`, `@` can be no link: they skip the searches below.
            let plain = !middle.utf8.contains(where: { $0 == 0x2E || $0 == 0x3A || $0 == 0x40 }) && extraSchemes == nil
            if plain && !middle.utf8.contains(where: { $0 == 0x28 || $0 == 0x3C || $0 == 0x26 }) { return String(word) }
            var tail = word[middle.endIndex...]
            var body = String(middle)
            for (open, close) in [("(", ")"), ("<", ">"), ("&lt;", "&gt;")] where body.utf8.contains(open.utf8.first!) {
                let startCount = count(body, open)
                if startCount <= count(body, close) { continue }
                // Move closing marks (and what precedes each) from the tail back to the middle.
                for _ in 0..<min(startCount, count(String(tail), close)) {
                    guard let r = tail.range(of: close) else { break }
                    body += tail[..<r.upperBound]
                    tail = tail[r.upperBound...]
                }
            }
            if plain {
                // Nothing to link; only the balancing above may have moved marks.
            } else if matches(httpRegex, body) {
                if body.hasPrefix("https://") || body.hasPrefix("http://") {
                    body = "<a href=\"\(body)\"\(relAttr)\(targetAttr)>\(trim(body))</a>"
                } else {
                    body = "<a href=\"https://\(body)\"\(relAttr)\(targetAttr)>\(trim(body))</a>"
                }
            } else if body.hasPrefix("mailto:") && isEmail(body.dropFirst(7)) {
                body = "<a href=\"\(body)\">\(body.dropFirst(7))</a>"
            } else if body.contains("@") && !body.hasPrefix("www.") && !body.contains(":") && isEmail(Substring(body)) {
                body = "<a href=\"mailto:\(body)\">\(body)</a>"
            } else if let extraSchemes {
                for scheme in extraSchemes where body != scheme && body.hasPrefix(scheme) {
                    body = "<a href=\"\(body)\"\(relAttr)\(targetAttr)>\(body)</a>"
                }
            }
            return String(head) + body + String(tail)
        }
        var out = ""
        var wordStart: String.Index?
        func flush(_ end: String.Index) throws {
            guard let start = wordStart else { return }
            // A word may cost several regular-expression matches: count it as more than its bytes.
            try budget?.tick(2048)
            let piece = link(src[start..<end])
            try budget?.chargeString(piece.utf8.count)
            out += piece
            wordStart = nil
        }
        var i = src.unicodeScalars.startIndex
        while i < src.unicodeScalars.endIndex {
            let u = src.unicodeScalars[i]
            if Methods.isPySpace(u) {
                try flush(i)
                try budget?.charge(1)
                out.unicodeScalars.append(u)
            } else if wordStart == nil {
                wordStart = i
            }
            i = src.unicodeScalars.index(after: i)
        }
        try flush(src.unicodeScalars.endIndex)
        return out
    }

    // MARK: - pprint

    /// Python's `pprint.pformat` (width 80, dict keys sorted); what it builds is charged to `budget`.
    static func pformat(_ v: Value, budget: RenderBudget? = nil) throws -> String {
        var out = ""
        try pformat(v, indent: 0, allowance: 0, into: &out, budget: budget)
        return out
    }

    /// The entries of `d` sorted by key as pprint sorts them (in their order when the keys do not
    /// compare), taken by position: a key that equals nothing (NaN) is never looked up again.
    static func sortedPairs(_ d: PyDict, _ budget: RenderBudget?) throws -> [(Value, Value)] {
        let keys = d.keys, values = d.values
        let positions = keys.indices.map { Value.int($0) }
        let order = (try? Filters.sortValues(positions, key: { keys[$0.intIndex!] }, reverse: false, budget)) ?? positions
        try budget?.tick(order.count)
        return order.map { (keys[$0.intIndex!], values[$0.intIndex!]) }
    }

    static func sortedRepr(_ v: Value, budget: RenderBudget?) throws -> String {
        let r: String
        switch v {
        case .dict(let d):
            r = "{" + (try sortedPairs(d, budget).map { try sortedRepr($0.0, budget: budget) + ": " + sortedRepr($0.1, budget: budget) }).joined(separator: ", ") + "}"
        case .list(let a): r = "[" + (try a.map { try sortedRepr($0, budget: budget) }).joined(separator: ", ") + "]"
        case .tuple(let a):
            if a.count == 1 { r = "(" + (try sortedRepr(a[0], budget: budget)) + ",)" } else {
                r = "(" + (try a.map { try sortedRepr($0, budget: budget) }).joined(separator: ", ") + ")"
            }
        default: return try v.checkedRepr(budget)
        }
        try budget?.charge(r.utf8.count)
        return r
    }

    static func pformat(_ v: Value, indent: Int, allowance: Int, into out: inout String, budget: RenderBudget?) throws {
        let rep = try sortedRepr(v, budget: budget)
        let maxWidth = 80 - indent - allowance
        if rep.unicodeScalars.count <= maxWidth {
            out += rep
            return
        }
        func items(_ a: [Value], _ indent: Int, _ allowance: Int) throws {
            let ind = indent + 1
            for (i, x) in a.enumerated() {
                if i > 0 {
                    try budget?.charge(ind + 2)
                    out += ",\n" + String(repeating: " ", count: ind)
                }
                try pformat(x, indent: ind, allowance: i == a.count - 1 ? allowance : 1, into: &out, budget: budget)
            }
        }
        switch v {
        case .list(let a) where !a.isEmpty:
            out += "["
            try items(a, indent, allowance + 1)
            out += "]"
        case .tuple(let a) where !a.isEmpty:
            out += "("
            let end = a.count == 1 ? ",)" : ")"
            try items(a, indent, allowance + end.count)
            out += end
        case .dict(let d) where d.count > 0:
            out += "{"
            let pairs = try sortedPairs(d, budget)
            let ind = indent + 1
            for (i, (k, x)) in pairs.enumerated() {
                let kr = try sortedRepr(k, budget: budget)
                try budget?.charge(kr.utf8.count + ind + 4)
                out += kr + ": "
                let last = i == pairs.count - 1
                try pformat(x, indent: ind + kr.unicodeScalars.count + 2, allowance: last ? allowance + 1 : 1, into: &out, budget: budget)
                if !last { out += ",\n" + String(repeating: " ", count: ind) }
            }
            out += "}"
        default:
            out += rep
        }
    }
}
