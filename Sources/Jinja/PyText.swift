import Foundation

/// Python's `str` operations where Swift's `String` differs: Python works on code points (not
/// grapheme clusters), applies the final-sigma rule in `lower()`, title-cases (not upper-cases) the
/// first letter in `title()`/`capitalize()`, and has `casefold()`.
enum PyText {
    // MARK: Case mapping

    static func isCased(_ u: Unicode.Scalar) -> Bool { u.properties.isCased }

    /// Whether the capital sigma at `i` ends a word (Unicode's Final_Sigma condition).
    static func isFinalSigma(_ a: [Unicode.Scalar], _ i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && a[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, isCased(a[j]) else { return false }
        var k = i + 1
        while k < a.count && a[k].properties.isCaseIgnorable { k += 1 }
        return !(k < a.count && isCased(a[k]))
    }

    static func lower(_ a: [Unicode.Scalar], _ i: Int) -> String {
        let u = a[i]
        if u == "\u{03A3}" { return isFinalSigma(a, i) ? "\u{03C2}" : "\u{03C3}" }
        return u.properties.lowercaseMapping
    }

    /// Python's `str.lower()`.
    static func lower(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
        let a = Array(s.unicodeScalars)
        var out = ""
        for i in a.indices { out += lower(a, i) }
        return out
    }

    /// Python's `str.upper()`.
    static func upper(_ s: String) -> String { s.uppercased() }

    /// Python's `str.capitalize()`: the first character title-cased, the rest lower-cased.
    static func capitalize(_ s: String) -> String {
        let a = Array(s.unicodeScalars)
        guard let first = a.first else { return s }
        var out = first.properties.titlecaseMapping
        for i in a.indices.dropFirst() { out += lower(a, i) }
        return out
    }

    /// Python's `str.title()`.
    static func title(_ s: String) -> String {
        let a = Array(s.unicodeScalars)
        var out = ""
        var previousCased = false
        for i in a.indices {
            let u = a[i]
            out += previousCased ? lower(a, i) : u.properties.titlecaseMapping
            previousCased = isCased(u)
        }
        return out
    }

    /// Python's `str.casefold()`.
    static func casefold(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars { out += String(u).folding(options: [.caseInsensitive], locale: nil) }
        return out
    }

    /// Python's `str.istitle()`.
    static func isTitle(_ s: String) -> Bool {
        var cased = false
        var previousCased = false
        for u in s.unicodeScalars {
            let p = u.properties
            if p.isUppercase || p.generalCategory == .titlecaseLetter {
                if previousCased { return false }
                previousCased = true
                cased = true
            } else if p.isLowercase {
                if !previousCased { return false }
                previousCased = true
                cased = true
            } else {
                previousCased = false
            }
        }
        return cased
    }

    // MARK: Searching by code point

    /// Byte offsets of `needle` in `hay`, non-overlapping, left to right (at most `limit` when >= 0).
    /// Searching UTF-8 bytes finds exactly the code-point matches, as Python does.
    static func occurrences(_ hay: [UInt8], _ needle: [UInt8], limit: Int = -1) -> [Int] {
        var out: [Int] = []
        guard !needle.isEmpty, needle.count <= hay.count else { return out }
        let first = needle[0]
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if limit >= 0 && out.count >= limit { break }
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count {
                    out.append(i)
                    i += needle.count
                    continue
                }
            }
            i += 1
        }
        return out
    }

    static func string(_ b: ArraySlice<UInt8>) -> String { String(decoding: b, as: UTF8.self) }

    static func contains(_ s: String, _ sub: String) -> Bool {
        sub.isEmpty || !occurrences(Array(s.utf8), Array(sub.utf8), limit: 1).isEmpty
    }

    static func count(_ s: String, _ sub: String) -> Int {
        occurrences(Array(s.utf8), Array(sub.utf8)).count
    }

    /// Python's `str.replace(old, new, count)` (count < 0: all).
    static func replace(_ s: String, _ old: String, _ new: String, _ count: Int) -> String {
        if count == 0 { return s }
        if old.isEmpty {
            var out = ""
            var n = 0
            for u in s.unicodeScalars {
                if count < 0 || n < count { out += new; n += 1 }
                out.unicodeScalars.append(u)
            }
            if count < 0 || n < count { out += new }
            return out
        }
        let hay = Array(s.utf8)
        let needle = Array(old.utf8)
        let hits = occurrences(hay, needle, limit: count)
        if hits.isEmpty { return s }
        var out = [UInt8]()
        out.reserveCapacity(hay.count)
        var pos = 0
        let newBytes = Array(new.utf8)
        for h in hits {
            out.append(contentsOf: hay[pos..<h])
            out.append(contentsOf: newBytes)
            pos = h + needle.count
        }
        out.append(contentsOf: hay[pos...])
        return String(decoding: out, as: UTF8.self)
    }

    /// Python's `str.split(sep, maxsplit)` for a non-empty separator.
    static func split(_ s: String, separator sep: String, maxsplit: Int) -> [String] {
        let hay = Array(s.utf8)
        let needle = Array(sep.utf8)
        let hits = occurrences(hay, needle, limit: maxsplit)
        var out: [String] = []
        var pos = 0
        for h in hits {
            out.append(string(hay[pos..<h]))
            pos = h + needle.count
        }
        out.append(string(hay[pos...]))
        return out
    }

    /// Python's `str.partition` / `rpartition`.
    static func partition(_ s: String, _ sep: String, fromEnd: Bool) -> (String, String, String)? {
        let hay = Array(s.utf8)
        let needle = Array(sep.utf8)
        let hits = occurrences(hay, needle)
        guard let h = fromEnd ? lastOccurrence(hay, needle) : hits.first else { return nil }
        return (string(hay[..<h]), sep, string(hay[(h + needle.count)...]))
    }

    static func lastOccurrence(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard !needle.isEmpty, needle.count <= hay.count else { return nil }
        var i = hay.count - needle.count
        while i >= 0 {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    static func hasPrefix(_ s: String, _ p: String) -> Bool { s.utf8.starts(with: p.utf8) }
    static func hasSuffix(_ s: String, _ p: String) -> Bool { s.utf8.reversed().starts(with: p.utf8.reversed()) }
}
