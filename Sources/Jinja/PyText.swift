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

    /// Python's `str.lower()`; the scalar loop of non-ASCII text counts its steps on `budget`.
    static func lower(_ s: String, budget: RenderBudget? = nil) throws -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
        let a = Array(s.unicodeScalars)
        var out = ""
        var work = 0
        for i in a.indices {
            try budget?.step(&work)
            out += lower(a, i)
        }
        return out
    }

    /// `lower` for callers outside a render.
    static func lower(_ s: String) -> String { (try? lower(s, budget: nil)) ?? s }

    /// Python's `str.upper()`.
    static func upper(_ s: String) -> String { s.uppercased() }

    /// Python's `str.capitalize()`: the first character title-cased, the rest lower-cased.
    static func capitalize(_ s: String, budget: RenderBudget? = nil) throws -> String {
        let a = Array(s.unicodeScalars)
        guard let first = a.first else { return s }
        var out = first.properties.titlecaseMapping
        var work = 0
        for i in a.indices.dropFirst() {
            try budget?.step(&work)
            out += lower(a, i)
        }
        return out
    }

    /// Python's `str.title()`.
    static func title(_ s: String, budget: RenderBudget? = nil) throws -> String {
        let a = Array(s.unicodeScalars)
        var out = ""
        var previousCased = false
        var work = 0
        for i in a.indices {
            try budget?.step(&work)
            let u = a[i]
            out += previousCased ? lower(a, i) : u.properties.titlecaseMapping
            previousCased = isCased(u)
        }
        return out
    }

    /// Python's `str.casefold()`.
    static func casefold(_ s: String, budget: RenderBudget? = nil) throws -> String {
        var out = ""
        var work = 0
        for u in s.unicodeScalars {
            try budget?.step(&work)
            out += String(u).folding(options: [.caseInsensitive], locale: nil)
        }
        return out
    }

    /// Python's `str.swapcase()`.
    static func swapcase(_ s: String, budget: RenderBudget? = nil) throws -> String {
        var out = ""
        var work = 0
        for u in s.unicodeScalars {
            try budget?.step(&work)
            if u.properties.isUppercase { out += String(u).lowercased() } else if u.properties.isLowercase { out += String(u).uppercased() } else { out.unicodeScalars.append(u) }
        }
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
    ///
    /// Short needles are compared directly (at most 16 comparisons per position); longer ones use
    /// Knuth–Morris–Pratt, so a search is linear whatever the text and needle (a direct search of
    /// `'a' * 500000 + 'b'` in `'a' * 1000000` would take 5 × 10^11 comparisons).
    static func occurrences(_ hay: [UInt8], _ needle: [UInt8], limit: Int = -1) -> [Int] {
        var out: [Int] = []
        guard !needle.isEmpty, needle.count <= hay.count else { return out }
        if needle.count > 16 { return kmpOccurrences(hay, needle, limit: limit, overlapping: false) }
        // memchr finds candidates for the first byte, so a miss costs little even in a debug build.
        return hay.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                let base = h.baseAddress!
                let first = Int32(n[0])
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if limit >= 0 && out.count >= limit { break }
                    guard let p = memchr(base + i, first, last - i + 1) else { break }
                    i = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                    if n.count == 1 || memcmp(base + i + 1, n.baseAddress! + 1, n.count - 1) == 0 {
                        out.append(i)
                        i += n.count
                    } else {
                        i += 1
                    }
                }
                return out
            }
        }
    }

    /// For each prefix of `needle`, the length of its longest proper prefix that is also a suffix.
    static func prefixTable(_ needle: [UInt8]) -> [Int] {
        var table = [Int](repeating: 0, count: needle.count)
        var k = 0
        for i in 1..<max(1, needle.count) {
            while k > 0 && needle[i] != needle[k] { k = table[k - 1] }
            if needle[i] == needle[k] { k += 1 }
            table[i] = k
        }
        return table
    }

    /// Knuth–Morris–Pratt search: start offsets of `needle` in `hay`, left to right.
    static func kmpOccurrences(_ hay: [UInt8], _ needle: [UInt8], limit: Int, overlapping: Bool) -> [Int] {
        var out: [Int] = []
        guard !needle.isEmpty, needle.count <= hay.count else { return out }
        let table = prefixTable(needle)
        var k = 0
        hay.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                table.withUnsafeBufferPointer { t in
                    for i in 0..<h.count {
                        if limit >= 0 && out.count >= limit { break }
                        let b = h[i]
                        while k > 0 && b != n[k] { k = t[k - 1] }
                        if b == n[k] { k += 1 }
                        if k == n.count {
                            out.append(i - k + 1)
                            k = overlapping ? t[k - 1] : 0
                        }
                    }
                }
            }
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

    /// Python's `str.replace(old, new, count)` (count < 0: all). The occurrences are counted
    /// first, so the size of the result is charged to `budget` before it is built.
    static func replace(_ s: String, _ old: String, _ new: String, _ count: Int, budget: RenderBudget? = nil) throws -> String {
        if count == 0 { return s }
        if old.isEmpty {
            let scalars = s.unicodeScalars.count
            let inserts = count < 0 ? scalars + 1 : min(count, scalars + 1)
            try budget?.tick(s.utf8.count)
            try SizeCap.check(inserts, unit: max(1, new.utf8.count), budget)
            try budget?.chargeString(s.utf8.count &+ inserts &* new.utf8.count)
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
        try budget?.tick(hay.count)
        let hits = occurrences(hay, needle, limit: count)
        if hits.isEmpty { return s }
        let size = hay.count &+ hits.count &* (new.utf8.count &- needle.count)
        if new.utf8.count > needle.count { try SizeCap.check(hits.count, unit: new.utf8.count - needle.count, budget) }
        try budget?.chargeString(size)
        var out = [UInt8]()
        out.reserveCapacity(size)
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
        guard let h = fromEnd ? lastOccurrence(hay, needle) : occurrences(hay, needle, limit: 1).first else { return nil }
        return (string(hay[..<h]), sep, string(hay[(h + needle.count)...]))
    }

    static func lastOccurrence(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard !needle.isEmpty, needle.count <= hay.count else { return nil }
        if needle.count > 16 { return kmpOccurrences(hay, needle, limit: -1, overlapping: true).last }
        var i = hay.count - needle.count
        while i >= 0 {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    static func hasPrefix(_ s: String, _ p: String) -> Bool { s.utf8.starts(with: p.utf8) }
    static func hasSuffix(_ s: String, _ p: String) -> Bool { s.utf8.reversed().starts(with: p.utf8.reversed()) }

    /// Python's `str.find` / `rfind`: the code point index of the first (or last) occurrence, or -1.
    static func find(_ s: String, _ sub: String, last: Bool) -> Int {
        if sub.isEmpty { return last ? s.unicodeScalars.count : 0 }
        let hay = Array(s.utf8)
        let needle = Array(sub.utf8)
        guard let at = last ? lastOccurrence(hay, needle) : occurrences(hay, needle, limit: 1).first else { return -1 }
        // Code points before the byte offset: every byte that does not continue a UTF-8 sequence.
        var n = 0
        for b in hay[..<at] where b & 0xC0 != 0x80 { n += 1 }
        return n
    }
}

/// A string from code points. Encodes UTF-8 bytes directly: building the string through
/// `String.UnicodeScalarView` appends one scalar at a time and took over a second for 8 MB.
func makeString<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(scalars.underestimatedCount)
    for u in scalars {
        let v = u.value
        if v < 0x80 {
            bytes.append(UInt8(v))
        } else if v < 0x800 {
            bytes.append(UInt8(0xC0 | (v >> 6)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            bytes.append(UInt8(0xE0 | (v >> 12)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        } else {
            bytes.append(UInt8(0xF0 | (v >> 18)))
            bytes.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
