import Foundation

/// Code point positions in a long string, so `s[i]` and `s[i:j]` (Python indexes strings by code
/// point) find their bytes without building an array of every scalar: slicing a 1 MB text into
/// lines of 76 characters was quadratic, and charged the whole text per slice.
///
/// The UTF-8 offset of every 64th scalar is kept; a position is found from the nearest mark by
/// walking at most 63 scalars (none at all in ASCII text). The interpreter keeps the indexes of
/// the last few strings it sliced, holding those strings so their storage stays the same.
final class ScalarIndex {
    static let minimumBytes = 256
    private static let stride = 64
    let string: String
    let scalarCount: Int
    private let isASCII: Bool
    /// The UTF-8 offset of scalar `k * stride`.
    private let marks: [Int]

    init(_ s: String, budget: RenderBudget) throws {
        string = s
        var count = 0
        var marks: [Int] = []
        var work = 0
        var offset = 0
        for b in s.utf8 {
            if b & 0xC0 != 0x80 {
                if count % ScalarIndex.stride == 0 { marks.append(offset) }
                count += 1
            }
            offset += 1
            try budget.step(&work)
        }
        scalarCount = count
        isASCII = count == s.utf8.count
        self.marks = isASCII ? [] : marks
        try budget.charge(self.marks.count &* 8)
    }

    /// Whether this indexes `s` (the same storage, so the same text).
    func indexes(_ s: String) -> Bool {
        let a = string.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil
        let b = s.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil
        return a != nil && a == b && string.utf8.count == s.utf8.count
    }

    /// The UTF-8 offset of scalar `i` (0...scalarCount).
    func utf8Offset(_ i: Int) -> Int {
        if isASCII || i >= scalarCount { return i >= scalarCount ? string.utf8.count : i }
        var offset = marks[i / ScalarIndex.stride]
        var k = i % ScalarIndex.stride
        let u = string.utf8
        var j = u.index(u.startIndex, offsetBy: offset)
        while k > 0 {
            j = u.index(after: j)
            offset += 1
            if u[j] & 0xC0 != 0x80 { k -= 1 }
        }
        return offset
    }

    /// The text between two scalar positions.
    func substring(_ from: Int, _ to: Int) -> String {
        let a = utf8Offset(from), b = utf8Offset(to)
        let u = string.utf8
        let lo = u.index(u.startIndex, offsetBy: a), hi = u.index(lo, offsetBy: b - a)
        return String(string.unicodeScalars[lo..<hi])
    }
}

extension Interpreter {
    /// The scalar index of `s`, reusing the one of the last strings indexed.
    func scalarIndex(_ s: String) throws -> ScalarIndex {
        if let i = scalarIndexes.lastIndex(where: { $0.indexes(s) }) { return scalarIndexes[i] }
        let x = try ScalarIndex(s, budget: budget)
        if scalarIndexes.count >= 4 { scalarIndexes.removeFirst() }
        scalarIndexes.append(x)
        return x
    }

    /// Python's `s[i]` for a long string.
    func character(_ s: String, at i: Int) throws -> String? {
        let x = try scalarIndex(s)
        let j = i < 0 ? i &+ x.scalarCount : i
        guard j >= 0 && j < x.scalarCount else { return nil }
        return x.substring(j, j + 1)
    }

    /// Python's `s[start:stop]` (step 1) for a long string; the result's bytes are charged.
    func slice(_ s: String, _ start: Int?, _ stop: Int?) throws -> String {
        let x = try scalarIndex(s)
        let n = x.scalarCount
        func clamp(_ v: Int?, _ def: Int) -> Int {
            guard let v else { return def }
            if v < 0 { return max(0, v &+ n) }
            return min(v, n)
        }
        let a = clamp(start, 0), b = clamp(stop, n)
        guard a < b else { return "" }
        let from = x.utf8Offset(a), to = x.utf8Offset(b)
        try budget.chargeString(to - from)
        return x.substring(a, b)
    }
}
