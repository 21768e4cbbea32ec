import Foundation

/// Python arithmetic and comparison semantics.
enum Operators {
    static func unsupported(_ op: String, _ a: Value, _ b: Value) -> JinjaError {
        JinjaError.type("unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
    }

    static func overflow() -> JinjaError {
        JinjaError(.overflow, "integer result too large for a 64-bit integer")
    }

    /// Applies `op`; the values it builds (concatenation, repetition, `%` formatting) are charged
    /// to `budget` before they are allocated.
    static func binary(_ op: BinOp, _ a: Value, _ b: Value, _ budget: RenderBudget?) throws -> Value {
        if case .undefined(let u) = a { throw u.error }
        if case .undefined(let u) = b { throw u.error }
        switch op {
        case .add:
            switch (a, b) {
            case let (.string(x), .string(y)):
                try budget?.chargeString(x.utf8.count &+ y.utf8.count)
                return .string(x + y)
            case let (.markup(x), .markup(y)):
                try budget?.chargeString(x.utf8.count &+ y.utf8.count)
                return .markup(x + y)
            case let (.markup(x), .string(y)):
                let e = htmlEscape(y)
                try budget?.chargeString(x.utf8.count &+ e.utf8.count)
                return .markup(x + e)
            case let (.string(x), .markup(y)):
                let e = htmlEscape(x)
                try budget?.chargeString(e.utf8.count &+ y.utf8.count)
                return .markup(e + y)
            case let (.list(x), .list(y)):
                try budget?.chargeItems(x.count &+ y.count)
                return .list(x + y)
            case let (.tuple(x), .tuple(y)):
                try budget?.chargeItems(x.count &+ y.count)
                return .tuple(x + y)
            case (.string, _), (.markup, _):
                throw JinjaError.type("can only concatenate str (not \"\(b.typeName)\") to str")
            case (.list, _), (.tuple, _):
                throw JinjaError.type("can only concatenate \(a.typeName) (not \"\(b.typeName)\") to \(a.typeName)")
            default: break
            }
            return try arith(op, a, b, "+")
        case .sub: return try arith(op, a, b, "-")
        case .mul:
            if let n = a.intIndex ?? b.intIndex {
                switch (a, b) {
                case let (.string(x), _), let (_, .string(x)), let (.markup(x), _), let (_, .markup(x)):
                    try SizeCap.check(n, unit: max(1, x.utf8.count), budget)
                    if n > 0 { try budget?.charge(n &* x.utf8.count) }
                case let (.list(x), _), let (_, .list(x)), let (.tuple(x), _), let (_, .tuple(x)):
                    try SizeCap.check(n, unit: max(1, x.count), budget)
                    if n > 0 { try budget?.chargeItems(n &* x.count) }
                default: break
                }
            }
            switch (a, b) {
            case let (.string(s), n) where n.intIndex != nil: return .string(repeatString(s, max(0, n.intIndex!)))
            case let (n, .string(s)) where n.intIndex != nil: return .string(repeatString(s, max(0, n.intIndex!)))
            case let (.markup(s), n) where n.intIndex != nil: return .markup(repeatString(s, max(0, n.intIndex!)))
            case let (.list(x), n) where n.intIndex != nil: return .list(try repeatArray(x, n.intIndex!, budget))
            case let (n, .list(x)) where n.intIndex != nil: return .list(try repeatArray(x, n.intIndex!, budget))
            case let (.tuple(x), n) where n.intIndex != nil: return .tuple(try repeatArray(x, n.intIndex!, budget))
            default: return try arith(op, a, b, "*")
            }
        case .div:
            guard let x = a.numericValue, let y = b.numericValue else { throw unsupported("/", a, b) }
            if y.asDouble == 0 { throw JinjaError(.zeroDivision, "division by zero") }
            return .float(x.asDouble / y.asDouble)
        case .floordiv: return try arith(op, a, b, "//")
        case .mod:
            switch a {
            case .string(let s):
                return .string(try PrintfFormat.format(s, b, escape: false, budget: budget))
            case .markup(let s):
                return .markup(try PrintfFormat.format(s, b, escape: true, budget: budget))
            default: return try arith(op, a, b, "%")
            }
        case .pow: return try arith(op, a, b, "**")
        }
    }

    /// `s * n` by doubling a byte buffer (`String(repeating:)` appends one copy at a time: a
    /// fifth of a second for `'x' * 8000000`).
    static func repeatString(_ s: String, _ n: Int) -> String {
        let unit = Array(s.utf8)
        guard n > 0, !unit.isEmpty else { return "" }
        let total = unit.count * n
        var bytes = unit
        bytes.reserveCapacity(total)
        while bytes.count < total {
            bytes.append(contentsOf: bytes[0..<min(bytes.count, total - bytes.count)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `a * n`, one copy at a time so a long repetition notices the deadline as it goes.
    static func repeatArray(_ a: [Value], _ n: Int, _ budget: RenderBudget?) throws -> [Value] {
        guard n > 0 else { return [] }
        var out: [Value] = []
        let copies = min(n, (budget?.maxSize ?? SizeCap.maxItems) / max(1, a.count))
        out.reserveCapacity(copies * a.count)
        for _ in 0..<copies {
            try budget?.tick(a.count)
            out.append(contentsOf: a)
        }
        return out
    }

    static func arith(_ op: BinOp, _ a: Value, _ b: Value, _ sym: String) throws -> Value {
        guard let x = a.numericValue, let y = b.numericValue else { throw unsupported(sym, a, b) }
        if case .int(let i) = x, case .int(let j) = y {
            switch op {
            case .add:
                let (r, o) = i.addingReportingOverflow(j)
                if o { return .float(Double(i) + Double(j)) }
                return .int(r)
            case .sub:
                let (r, o) = i.subtractingReportingOverflow(j)
                if o { return .float(Double(i) - Double(j)) }
                return .int(r)
            case .mul:
                let (r, o) = i.multipliedReportingOverflow(by: j)
                if o { throw overflow() }
                return .int(r)
            case .floordiv:
                if j == 0 { throw JinjaError(.zeroDivision, "integer division or modulo by zero") }
                if j == -1 { if i == Int.min { throw overflow() }; return .int(-i) }
                return .int(floorDiv(i, j))
            case .mod:
                if j == 0 { throw JinjaError(.zeroDivision, "integer division or modulo by zero") }
                if j == -1 { return .int(0) }
                return .int(floorMod(i, j))
            case .pow:
                if j < 0 {
                    if i == 0 { throw JinjaError(.zeroDivision, "0.0 cannot be raised to a negative power") }
                    return .float(Foundation.pow(Double(i), Double(j)))
                }
                var result = 1, base = i, e = j
                while e > 0 {
                    if e & 1 == 1 {
                        let (r, o) = result.multipliedReportingOverflow(by: base)
                        if o { throw overflow() }
                        result = r
                    }
                    e >>= 1
                    if e > 0 {
                        let (r, o) = base.multipliedReportingOverflow(by: base)
                        if o { throw overflow() }
                        base = r
                    }
                }
                return .int(result)
            case .div:
                return .float(Double(i) / Double(j))
            }
        }
        let p = x.asDouble, q = y.asDouble
        switch op {
        case .add: return .float(p + q)
        case .sub: return .float(p - q)
        case .mul: return .float(p * q)
        case .div: return .float(p / q)
        case .floordiv:
            if q == 0 { throw JinjaError(.zeroDivision, "float floor division by zero") }
            return .float(floatDivmod(p, q).div)
        case .mod:
            if q == 0 { throw JinjaError(.zeroDivision, "float modulo") }
            return .float(floatDivmod(p, q).mod)
        case .pow:
            if p == 0 && q < 0 { throw JinjaError(.zeroDivision, "0.0 cannot be raised to a negative power") }
            return .float(Foundation.pow(p, q))
        }
    }

    /// Python's float `divmod`: the floor quotient and a remainder with the divisor's sign.
    static func floatDivmod(_ x: Double, _ y: Double) -> (div: Double, mod: Double) {
        var mod = fmod(x, y)
        var div = (x - mod) / y
        if mod != 0 {
            if (y < 0) != (mod < 0) {
                mod += y
                div -= 1
            }
        } else {
            mod = Double(signOf: y, magnitudeOf: 0)
        }
        var floorDiv: Double
        if div != 0 {
            floorDiv = Foundation.floor(div)
            if div - floorDiv > 0.5 { floorDiv += 1 }
        } else {
            floorDiv = Double(signOf: x / y, magnitudeOf: 0)
        }
        return (floorDiv, mod)
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
    }

    static func floorMod(_ a: Int, _ b: Int) -> Int {
        let r = a % b
        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r
    }

    static func negate(_ v: Value) throws -> Value {
        switch v {
        case .int(let i): return i == Int.min ? .float(-Double(i)) : .int(-i)
        case .bool(let b): return .int(b ? -1 : 0)
        case .float(let d): return .float(-d)
        case .undefined(let u): throw u.error
        default: throw JinjaError.type("bad operand type for unary -: '\(v.typeName)'")
        }
    }

    /// Python's `in`; the scan is counted as work on `budget` (for the deadline).
    static func contains(_ container: Value, _ item: Value, _ budget: RenderBudget? = nil) throws -> Bool {
        try budget?.tick(container.itemCountEstimate)
        switch container {
        case .string(let s), .markup(let s):
            guard case .string(let sub) = item.isMarkup ? .string(item.plainString) : item else {
                if case .undefined(let u) = item, u.strict { throw u.error }
                throw JinjaError.type("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return PyText.contains(s, sub)
        case .list(let a), .tuple(let a): return a.contains(item)
        case .dict(let d):
            try item.requireHashable()
            return d[item] != nil
        case .undefined(let u):
            if u.strict { throw u.error }
            return false
        case .object(let o):
            if let it = o as? LazyIterator {
                while let x = try it.next() { if x == item { return true } }
                return false
            }
            if let items = try o.iterate() { return items.contains(item) }
            if let ns = o as? Namespace { return ns.attrs[item] != nil }
            throw JinjaError.type("argument of type '\(o.typeName)' is not iterable")
        default:
            throw JinjaError.type("argument of type '\(container.typeName)' is not iterable")
        }
    }

    /// Python's comparison operators; comparing long strings or lists is counted as work on `budget`.
    static func compare(_ op: CmpOp, _ a: Value, _ b: Value, _ budget: RenderBudget? = nil) throws -> Bool {
        if let budget { try budget.tick(min(a.itemCountEstimate, b.itemCountEstimate)) }
        switch op {
        case .eq, .ne:
            if case .undefined(let u) = a, u.strict { throw u.error }
            if case .undefined(let u) = b, u.strict { throw u.error }
            return (a == b) == (op == .eq)
        case .lt: return try Value.lessThan(a, b)
        case .gt: return try Value.lessThan(b, a)
        case .le: return try a == b && a.isComparable(b) ? true : Value.lessThan(a, b)
        case .ge: return try a == b && a.isComparable(b) ? true : Value.lessThan(b, a)
        case .in: return try contains(b, a, budget)
        case .notin: return try !contains(b, a, budget)
        }
    }
}

extension Value {
    func isComparable(_ other: Value) -> Bool {
        if numericValue != nil && other.numericValue != nil { return true }
        if isString && other.isString { return true }
        switch (self, other) {
        case (.list, .list), (.tuple, .tuple): return true
        default: return false
        }
    }
}

extension Value {
    /// Python refuses lists and dicts as dictionary keys.
    func requireHashable() throws {
        switch self {
        case .list: throw JinjaError.type("unhashable type: 'list'")
        case .dict: throw JinjaError.type("unhashable type: 'dict'")
        case .tuple(let items): for x in items { try x.requireHashable() }
        default: break
        }
    }
}
