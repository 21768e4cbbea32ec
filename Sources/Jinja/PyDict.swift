import Foundation

/// An insertion-ordered dictionary with Python key semantics (`1`, `1.0` and `True` are one key).
public struct PyDict: Sendable {
    /// Keys in insertion order.
    public private(set) var keys: [Value] = []
    /// Values, parallel to `keys`.
    public private(set) var values: [Value] = []
    private var index: [Value: Int] = [:]

    /// Creates an empty dictionary.
    public init() {}

    /// Creates a dictionary from pairs; a repeated key keeps its first position and last value.
    public init(_ pairs: [(Value, Value)]) {
        for (k, v) in pairs { self[k] = v }
    }

    /// The number of entries.
    public var count: Int { keys.count }

    /// Key/value pairs in order.
    public var pairs: Zip2Sequence<[Value], [Value]> { zip(keys, values) }

    /// The value for `key`, or `nil`.
    /// Small dictionaries are searched linearly; the hash index exists only past `smallLimit` entries.
    private static let smallLimit = 8

    private func position(_ key: Value) -> Int? {
        if keys.count <= PyDict.smallLimit {
            if case .string(let s) = key {
                for (i, k) in keys.enumerated() {
                    switch k {
                    case .string(let t), .markup(let t): if t == s { return i }
                    default: continue
                    }
                }
                return nil
            }
            return keys.firstIndex(of: key)
        }
        return index[key]
    }

    public subscript(key: Value) -> Value? {
        get {
            guard let i = position(key) else { return nil }
            return values[i]
        }
        set {
            if let i = position(key) {
                if let newValue {
                    values[i] = newValue
                } else {
                    remove(at: i)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
                if keys.count > PyDict.smallLimit {
                    if index.isEmpty {
                        for (j, k) in keys.enumerated() { index[k] = j }
                    } else {
                        index[key] = keys.count - 1
                    }
                }
            }
        }
    }

    /// Removes the entry at position `i`. Only the positions after it move, so removing the last
    /// entry (`popitem`) costs one hash operation instead of rebuilding the index.
    private mutating func remove(at i: Int) {
        let key = keys.remove(at: i)
        values.remove(at: i)
        if keys.count <= PyDict.smallLimit {
            index = [:]
        } else if !index.isEmpty {
            index[key] = nil
            for j in i..<keys.count { index[keys[j]] = j }
        }
    }

    /// Removes and returns the last entry (Python's `popitem`), or `nil` when empty. Works for
    /// keys that equal nothing, not even themselves (a NaN float), unlike `self[key] = nil`.
    mutating func removeLast() -> (Value, Value)? {
        guard !keys.isEmpty else { return nil }
        let pair = (keys[keys.count - 1], values[values.count - 1])
        remove(at: keys.count - 1)
        return pair
    }

    /// The value for a string key.
    public subscript(key: String) -> Value? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }
}

extension Value: Hashable {
    /// Python `==`: numbers compare by value across int/float/bool, strings and markup compare by text.
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.none, .none): return true
        case (.undefined, .undefined): return true
        case let (.string(a), .string(b)), let (.string(a), .markup(b)),
             let (.markup(a), .string(b)), let (.markup(a), .markup(b)):
            return a == b
        case let (.list(a), .list(b)), let (.tuple(a), .tuple(b)): return a == b
        case let (.dict(a), .dict(b)):
            guard a.count == b.count else { return false }
            for (k, v) in a.pairs {
                guard let w = b[k], w == v else { return false }
            }
            return true
        case let (.object(a), .object(b)): return a === b
        default:
            if let a = lhs.numericValue, let b = rhs.numericValue {
                switch (a, b) {
                case let (.int(x), .int(y)): return x == y
                default: return a.asDouble == b.asDouble
                }
            }
            return false
        }
    }

    /// Hashes consistently with `==` (equal numbers of different types hash alike).
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .none: hasher.combine(0)
        case .undefined: hasher.combine(1)
        case .bool(let b): hasher.combine(b ? 1 : 0)
        case .int(let i): hasher.combine(i)
        case .float(let d):
            if d.rounded() == d, let i = Int(exactly: d) { hasher.combine(i) } else { hasher.combine(d) }
        case .string(let s), .markup(let s): hasher.combine(s)
        case .list(let a), .tuple(let a): hasher.combine(a)
        case .dict(let d): hasher.combine(d.count)
        case .object(let o): hasher.combine(ObjectIdentifier(o))
        }
    }

    enum Numeric {
        case int(Int)
        case float(Double)
        var asDouble: Double {
            switch self {
            case .int(let i): return Double(i)
            case .float(let d): return d
            }
        }
    }

    var numericValue: Numeric? {
        switch self {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .float(let d): return .float(d)
        default: return nil
        }
    }

    /// Python `<`; throws `TypeError` for unorderable types.
    static func lessThan(_ a: Value, _ b: Value) throws -> Bool {
        if let x = a.numericValue, let y = b.numericValue {
            if case let .int(i) = x, case let .int(j) = y { return i < j }
            return x.asDouble < y.asDouble
        }
        switch (a, b) {
        case let (.string(x), .string(y)), let (.string(x), .markup(y)),
             let (.markup(x), .string(y)), let (.markup(x), .markup(y)):
            return pyStringLess(x, y)
        case let (.list(x), .list(y)), let (.tuple(x), .tuple(y)):
            for (p, q) in zip(x, y) where p != q { return try lessThan(p, q) }
            return x.count < y.count
        case (.undefined(let u), _):
            throw u.error
        case (_, .undefined(let u)):
            throw u.error
        default:
            throw JinjaError.type("'<' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
    }
}

/// Python compares strings by code point.
func pyStringLess(_ a: String, _ b: String) -> Bool { pyStringCompare(a, b) < 0 }

/// Python's string ordering (by code point) as -1, 0 or 1. UTF-8 byte order is code point
/// order, so the bytes are compared with `memcmp`.
func pyStringCompare(_ a: String, _ b: String) -> Int {
    var x = a, y = b
    return x.withUTF8 { p in
        y.withUTF8 { q in
            let n = min(p.count, q.count)
            if n > 0 {
                let r = memcmp(p.baseAddress!, q.baseAddress!, n)
                if r != 0 { return r < 0 ? -1 : 1 }
            }
            return p.count == q.count ? 0 : (p.count < q.count ? -1 : 1)
        }
    }
}
