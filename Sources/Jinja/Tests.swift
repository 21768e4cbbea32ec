import Foundation

/// Jinja2's 39 built-in tests (`is defined`, `is divisibleby(3)`, ...).
enum Tests {
    typealias Test = @Sendable (Interpreter, Value, Arguments) throws -> Bool

    static func arg(_ a: Arguments, _ name: String = "other") throws -> Value {
        guard let v = a.get(0, name) else { throw JinjaError.type("test is missing its argument") }
        return v
    }

    /// The tests with their argument lists checked first (what templates call).
    static let checked: [String: Test] = {
        var out: [String: Test] = [:]
        for (name, t) in table {
            guard let sig = Signature.tests[name] else { out[name] = t; continue }
            out[name] = { interp, v, a in
                try sig.check(name, a)
                return try t(interp, v, a)
            }
        }
        return out
    }()

    static let table: [String: Test] = {
        var t: [String: Test] = [:]
        t["defined"] = { _, v, _ in v.isDefined }
        t["undefined"] = { _, v, _ in !v.isDefined }
        t["none"] = { _, v, _ in if case .none = v { return true }; return false }
        t["boolean"] = { _, v, _ in if case .bool = v { return true }; return false }
        t["true"] = { _, v, _ in if case .bool(true) = v { return true }; return false }
        t["false"] = { _, v, _ in if case .bool(false) = v { return true }; return false }
        t["integer"] = { _, v, _ in if case .int = v { return true }; return false }
        t["float"] = { _, v, _ in if case .float = v { return true }; return false }
        t["number"] = { _, v, _ in v.isNumber }
        t["string"] = { _, v, _ in v.isString }
        t["mapping"] = { _, v, _ in if case .dict = v { return true }; return false }
        t["sequence"] = { _, v, _ in
            switch v {
            case .string, .markup, .list, .tuple, .dict: return true
            case .object(let o): return o is RangeObject
            default: return false
            }
        }
        t["iterable"] = { _, v, _ in
            switch v {
            case .string, .markup, .list, .tuple, .dict, .undefined: return true
            case .object(let o): return o is LazyIterator || ((try? o.iterate()) ?? nil) != nil
            default: return false
            }
        }
        t["callable"] = { _, v, _ in if case .object(let o) = v { return o.isCallable }; return false }
        t["escaped"] = { _, v, _ in v.isMarkup }
        t["lower"] = { interp, v, _ in
            let s = try interp.str(v)
            try interp.budget.tick(s.utf8.count)
            let cased = s.unicodeScalars.filter { $0.properties.isCased }
            return !cased.isEmpty && cased.allSatisfy { $0.properties.isLowercase }
        }
        t["upper"] = { interp, v, _ in
            let s = try interp.str(v)
            try interp.budget.tick(s.utf8.count)
            let cased = s.unicodeScalars.filter { $0.properties.isCased }
            return !cased.isEmpty && cased.allSatisfy { $0.properties.isUppercase }
        }
        t["odd"] = { interp, v, _ in
            guard case .int(let r)? = try? Operators.binary(.mod, v, .int(2), interp.budget) else {
                if case .float(let d)? = try? Operators.binary(.mod, v, .int(2), interp.budget) { return d == 1 }
                throw JinjaError.type("unsupported operand type(s) for %: '\(v.typeName)' and 'int'")
            }
            return r == 1
        }
        t["even"] = { interp, v, _ in
            guard case .int(let r)? = try? Operators.binary(.mod, v, .int(2), interp.budget) else {
                if case .float(let d)? = try? Operators.binary(.mod, v, .int(2), interp.budget) { return d == 0 }
                throw JinjaError.type("unsupported operand type(s) for %: '\(v.typeName)' and 'int'")
            }
            return r == 0
        }
        t["divisibleby"] = { interp, v, a in
            let r = try Operators.binary(.mod, v, try arg(a, "num"), interp.budget)
            return r == .int(0)
        }
        let eq: Test = { interp, v, a in try Operators.compare(.eq, v, try arg(a), interp.budget) }
        let ne: Test = { interp, v, a in try Operators.compare(.ne, v, try arg(a), interp.budget) }
        let lt: Test = { interp, v, a in try Operators.compare(.lt, v, try arg(a), interp.budget) }
        let le: Test = { interp, v, a in try Operators.compare(.le, v, try arg(a), interp.budget) }
        let gt: Test = { interp, v, a in try Operators.compare(.gt, v, try arg(a), interp.budget) }
        let ge: Test = { interp, v, a in try Operators.compare(.ge, v, try arg(a), interp.budget) }
        t["eq"] = eq; t["equalto"] = eq; t["=="] = eq
        t["ne"] = ne; t["!="] = ne
        t["lt"] = lt; t["lessthan"] = lt; t["<"] = lt
        t["le"] = le; t["<="] = le
        t["gt"] = gt; t["greaterthan"] = gt; t[">"] = gt
        t["ge"] = ge; t[">="] = ge
        t["in"] = { interp, v, a in try Operators.contains(try arg(a, "seq"), v, interp.budget) }
        t["sameas"] = { _, v, a in
            let o = try arg(a)
            switch (v, o) {
            case (.none, .none): return true
            case let (.bool(x), .bool(y)): return x == y
            case let (.int(x), .int(y)): return x == y && x >= -5 && x <= 256
            case let (.object(x), .object(y)): return x === y
            case (.list, .list), (.dict, .dict), (.tuple, .tuple), (.string, .string): return v == o
            default: return false
            }
        }
        t["filter"] = { interp, v, _ in
            try v.requireHashable()
            return v.isString && interp.env.filter(v.plainString) != nil
        }
        t["test"] = { interp, v, _ in
            try v.requireHashable()
            return v.isString && interp.env.test(v.plainString) != nil
        }
        return t
    }()

    static let names: Set<String> = [
        "!=", "<", "<=", "==", ">", ">=", "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "escaped", "even",
        "false", "filter", "float", "ge", "greaterthan", "gt", "in", "integer", "iterable", "le", "lessthan", "lower", "lt",
        "mapping", "ne", "none", "number", "odd", "sameas", "sequence", "string", "test", "true", "undefined", "upper",
    ]
}
