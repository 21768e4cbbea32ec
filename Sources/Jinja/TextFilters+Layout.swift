import Foundation

/// Filters that lay text out: `wordwrap` (Python's textwrap), `urlize`, `pprint`.
extension TextFilters {
    // MARK: - wordwrap (Python's textwrap)

    /// textwrap splits words on ASCII whitespace only.
    static func isWrapSpace(_ u: Unicode.Scalar) -> Bool {
        u == " " || u == "\t" || u == "\n" || u == "\r" || u == "\u{0B}" || u == "\u{0C}"
    }

    static func chunks(_ text: [Unicode.Scalar], hyphens: Bool) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        var i = 0
        while i < text.count {
            var j = i
            if isWrapSpace(text[i]) {
                while j < text.count && isWrapSpace(text[j]) { j += 1 }
                out.append(Array(text[i..<j]))
                i = j
                continue
            }
            while j < text.count && !isWrapSpace(text[j]) { j += 1 }
            let word = Array(text[i..<j])
            if hyphens {
                var start = 0
                var k = 0
                while k < word.count {
                    if word[k] == "-", k > start, k + 1 < word.count,
                       word[k - 1].properties.isAlphabetic || word[k - 1].properties.numericType != nil,
                       word[k + 1].properties.isAlphabetic {
                        out.append(Array(word[start...k]))
                        start = k + 1
                    }
                    k += 1
                }
                out.append(Array(word[start...]))
            } else {
                out.append(word)
            }
            i = j
        }
        return out
    }

    static func wrap(_ text: String, width: Int, breakLongWords: Bool, breakOnHyphens: Bool) -> [String] {
        var rev = Array(chunks(Array(text.unicodeScalars), hyphens: breakOnHyphens).reversed())
        var lines: [String] = []
        func isBlank(_ c: [Unicode.Scalar]) -> Bool { c.allSatisfy(Methods.isPySpace) }
        while !rev.isEmpty {
            var cur: [[Unicode.Scalar]] = []
            var curLen = 0
            if isBlank(rev.last!) && !lines.isEmpty { rev.removeLast() }
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
                        if spaceLeft > 0, let h = c[0..<spaceLeft].lastIndex(of: "-"), h > 0, c[0..<h].contains(where: { $0 != "-" }) {
                            end = h + 1
                        }
                    }
                    cur.append(Array(c[0..<end]))
                    rev[rev.count - 1] = Array(c[end...])
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
                lines.append(cur.map { String(String.UnicodeScalarView($0)) }.joined())
            }
        }
        return lines
    }

    static func wordwrap(_ s: String, width: Int, breakLongWords: Bool, wrapstring: String, breakOnHyphens: Bool) -> String {
        var lines: [String] = []
        var cur = ""
        var it = Array(s.unicodeScalars)[...]
        var hadLines = false
        while let u = it.first {
            it = it.dropFirst()
            if u == "\n" || u == "\r" || u == "\u{0b}" || u == "\u{0c}" || u == "\u{1c}" || u == "\u{1d}" || u == "\u{1e}" || u == "\u{85}" || u == "\u{2028}" || u == "\u{2029}" {
                if u == "\r", it.first == "\n" { it = it.dropFirst() }
                lines.append(cur)
                cur = ""
                hadLines = true
            } else { cur.unicodeScalars.append(u) }
        }
        if !cur.isEmpty || !hadLines { if !(cur.isEmpty && s.isEmpty) { lines.append(cur) } }
        return lines.map { wrap($0, width: width, breakLongWords: breakLongWords, breakOnHyphens: breakOnHyphens).joined(separator: wrapstring) }
            .joined(separator: wrapstring)
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

    static func urlize(_ text: String, trimLimit: Int?, nofollow: Bool, target: String?, rel: String?, escapeInput: Bool,
                       extraSchemes: [String]? = nil) throws -> String {
        var relParts = Set((rel ?? "").split(separator: " ").map(String.init))
        if nofollow { relParts.insert("nofollow") }
        relParts.insert("noopener")
        let relAttr = relParts.isEmpty ? "" : " rel=\"\(htmlEscape(relParts.sorted().joined(separator: " ")))\""
        let targetAttr = target.map { " target=\"\(htmlEscape($0))\"" } ?? ""
        func trim(_ s: String) -> String {
            guard let l = trimLimit else { return s }
            let head = String(String.UnicodeScalarView(s.unicodeScalars.prefix(max(0, l))))
            return head + (s.unicodeScalars.count >= l ? "..." : "")
        }
        let src = escapeInput ? htmlEscape(text) : text
        func link(_ word: String) -> String {
            var head = ""
            var middle = word
            var changed = true
            while changed {
                changed = false
                for l in ["(", "<", "&lt;"] where middle.hasPrefix(l) {
                    head += l
                    middle.removeFirst(l.count)
                    changed = true
                }
            }
            var tail = ""
            changed = true
            while changed {
                changed = false
                for t in [")", ">", ".", ",", "\n", "&gt;"] where middle.hasSuffix(t) {
                    tail = t + tail
                    middle.removeLast(t.count)
                    changed = true
                }
            }
            for (open, close) in [("(", ")"), ("<", ">"), ("&lt;", "&gt;")] {
                let startCount = count(middle, open)
                if startCount <= count(middle, close) { continue }
                for _ in 0..<min(startCount, count(tail, close)) {
                    guard let r = tail.range(of: close) else { break }
                    middle += tail[..<r.upperBound]
                    tail = String(tail[r.upperBound...])
                }
            }
            if matches(httpRegex, middle) {
                if middle.hasPrefix("https://") || middle.hasPrefix("http://") {
                    middle = "<a href=\"\(middle)\"\(relAttr)\(targetAttr)>\(trim(middle))</a>"
                } else {
                    middle = "<a href=\"https://\(middle)\"\(relAttr)\(targetAttr)>\(trim(middle))</a>"
                }
            } else if middle.hasPrefix("mailto:") && matches(emailRegex, String(middle.dropFirst(7))) {
                middle = "<a href=\"\(middle)\">\(middle.dropFirst(7))</a>"
            } else if middle.contains("@") && !middle.hasPrefix("www.") && !middle.contains(":") && matches(emailRegex, middle) {
                middle = "<a href=\"mailto:\(middle)\">\(middle)</a>"
            } else if let extraSchemes {
                for scheme in extraSchemes where middle != scheme && middle.hasPrefix(scheme) {
                    middle = "<a href=\"\(middle)\"\(relAttr)\(targetAttr)>\(middle)</a>"
                }
            }
            return head + middle + tail
        }
        var out = ""
        var word = ""
        for u in src.unicodeScalars {
            if Methods.isPySpace(u) {
                if !word.isEmpty { out += link(word); word = "" }
                out.unicodeScalars.append(u)
            } else {
                word.unicodeScalars.append(u)
            }
        }
        if !word.isEmpty { out += link(word) }
        return out
    }

    // MARK: - pprint

    static func pformat(_ v: Value) -> String {
        var out = ""
        pformat(v, indent: 0, allowance: 0, into: &out)
        return out
    }

    static func sortedRepr(_ v: Value) -> String {
        switch v {
        case .dict(let d):
            let keys = (try? Filters.sortValues(d.keys, key: { $0 }, reverse: false)) ?? d.keys
            return "{" + keys.map { sortedRepr($0) + ": " + sortedRepr(d[$0]!) }.joined(separator: ", ") + "}"
        case .list(let a): return "[" + a.map(sortedRepr).joined(separator: ", ") + "]"
        case .tuple(let a):
            if a.count == 1 { return "(" + sortedRepr(a[0]) + ",)" }
            return "(" + a.map(sortedRepr).joined(separator: ", ") + ")"
        default: return v.repr()
        }
    }

    static func pformat(_ v: Value, indent: Int, allowance: Int, into out: inout String) {
        let rep = sortedRepr(v)
        let maxWidth = 80 - indent - allowance
        if rep.unicodeScalars.count <= maxWidth {
            out += rep
            return
        }
        func items(_ a: [Value], _ indent: Int, _ allowance: Int) {
            let ind = indent + 1
            for (i, x) in a.enumerated() {
                if i > 0 { out += ",\n" + String(repeating: " ", count: ind) }
                pformat(x, indent: ind, allowance: i == a.count - 1 ? allowance : 1, into: &out)
            }
        }
        switch v {
        case .list(let a) where !a.isEmpty:
            out += "["
            items(a, indent, allowance + 1)
            out += "]"
        case .tuple(let a) where !a.isEmpty:
            out += "("
            let end = a.count == 1 ? ",)" : ")"
            items(a, indent, allowance + end.count)
            out += end
        case .dict(let d) where d.count > 0:
            out += "{"
            let keys = (try? Filters.sortValues(d.keys, key: { $0 }, reverse: false)) ?? d.keys
            let ind = indent + 1
            for (i, k) in keys.enumerated() {
                let kr = sortedRepr(k)
                out += kr + ": "
                let last = i == keys.count - 1
                pformat(d[k]!, indent: ind + kr.unicodeScalars.count + 2, allowance: last ? allowance + 1 : 1, into: &out)
                if !last { out += ",\n" + String(repeating: " ", count: ind) }
            }
            out += "}"
        default:
            out += rep
        }
    }
}
