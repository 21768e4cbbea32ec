import Foundation

/// Expression evaluation, attribute and item lookup.
extension Interpreter {

    func eval(_ e: Expr, _ f: Frame) throws -> Value {
        switch e {
        case .const(let v): return v
        case .name(let n):
            if let v = f.lookup(n) { return v }
            return undefined("'\(n)' is undefined")
        case .getattr(let o, let name):
            return try getAttr(try eval(o, f), name)
        case .getitem(let o, let k):
            let obj = try eval(o, f)
            if case .slice(let a, let b, let c) = k {
                return try sliceValue(obj, a.map { try eval($0, f) }, b.map { try eval($0, f) }, c.map { try eval($0, f) })
            }
            return try getItem(obj, try eval(k, f))
        case .slice:
            throw JinjaError.type("slice outside of a subscript")
        case .list(let items):
            try budget.chargeItems(items.count)
            let values = try items.map { try eval($0, f) }
            try checkNesting(values)
            return .list(values)
        case .tuple(let items):
            try budget.chargeItems(items.count)
            let values = try items.map { try eval($0, f) }
            try checkNesting(values)
            return .tuple(values)
        case .dict(let pairs):
            try budget.chargeItems(pairs.count, unit: 2)
            var d = PyDict()
            for (k, v) in pairs {
                let key = try eval(k, f)
                try key.requireHashable()
                let value = try eval(v, f)
                try checkNesting(key)
                try checkNesting(value)
                d[key] = value
            }
            return .dict(d)
        case .binary(let op, let a, let b):
            return try Operators.binary(op, try eval(a, f), try eval(b, f), budget)
        case .neg(let x):
            return try Operators.negate(try eval(x, f))
        case .pos(let x):
            let v = try eval(x, f)
            if case .undefined(let u) = v { throw u.error }
            guard v.isNumber else { throw JinjaError.type("bad operand type for unary +: '\(v.typeName)'") }
            if case .bool(let b) = v { return .int(b ? 1 : 0) }
            return v
        case .not(let x):
            return .bool(!(try eval(x, f).truthy()))
        case .and(let a, let b):
            let l = try eval(a, f)
            return try l.truthy() ? try eval(b, f) : l
        case .or(let a, let b):
            let l = try eval(a, f)
            return try l.truthy() ? l : try eval(b, f)
        case .compare(let first, let ops):
            var left = try eval(first, f)
            for (op, rexpr) in ops {
                let right = try eval(rexpr, f)
                if !(try Operators.compare(op, left, right, budget)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .concat(let items):
            var parts: [Value] = []
            parts.reserveCapacity(items.count)
            for i in items { parts.append(try eval(i, f)) }
            return try concatenate(&parts, constant: items.allSatisfy(Interpreter.isConstant))
        case .condexpr(let cond, let a, let b):
            if try eval(cond, f).truthy() { return try eval(a, f) }
            if let b { return try eval(b, f) }
            return undefined("the inline if-expression on line \(lineNumber) evaluated to false and no else section was defined.")
        case .filter:
            return try evalFilterChain(e, input: nil, f)
        case .test(let x, let name, let args, _):
            let v = try eval(x, f)
            guard let test = env.test(name) else {
                throw JinjaError(.runtime, "No test named '\(name)' found.")
            }
            return .bool(try test(self, v, try evalArgs(args, f)))
        case .call(let callee, let args, _):
            if case .getattr(let objExpr, let name) = callee {
                var obj = try eval(objExpr, f)
                // Decided before any `switch` on `obj`: a switch keeps a copy of its subject
                // alive, and the list must have a single owner to grow in place.
                if obj.isListOrDict && Methods.isMutating(name) {
                    let a = try evalArgs(args, f)
                    if let r = try callMutating(objExpr, &obj, name, a, f) { return r }
                    if let r = try Methods.call(obj, name, a, self) { return r }
                    return try callValue(try getAttr(obj, name), a)
                }
                switch obj {
                case .string, .markup, .list, .tuple, .dict, .int, .float:
                    let a = try evalArgs(args, f)
                    if let r = try Methods.call(obj, name, a, self) { return r }
                    return try callValue(try getAttr(obj, name), a)
                case .object(let o):
                    let a = try evalArgs(args, f)
                    if let r = try o.callMethod(name, a) { return r }
                    return try callValue(try getAttr(obj, name), a)
                default:
                    return try callValue(try getAttr(obj, name), try evalArgs(args, f))
                }
            }
            let fn = try eval(callee, f)
            return try callValue(fn, try evalArgs(args, f))
        }
    }

    /// Whether Jinja2's optimizer would fold `e` to a constant at compile time.
    static func isConstant(_ e: Expr) -> Bool {
        switch e {
        case .const: return true
        case .list(let a), .tuple(let a), .concat(let a): return a.allSatisfy(isConstant)
        case .binary(_, let a, let b): return isConstant(a) && isConstant(b)
        case .neg(let a), .pos(let a), .not(let a): return isConstant(a)
        case .filter(let input?, let name, let args, _):
            return name != "random" && isConstant(input) && args.args.allSatisfy(isConstant)
                && args.kwargs.allSatisfy { isConstant($0.1) } && args.star == nil && args.starstar == nil
        default: return false
        }
    }

    /// Applies a filter expression; `input` replaces the innermost missing input (filter blocks, `set` blocks).
    func evalFilterChain(_ e: Expr, input: Value?, _ f: Frame) throws -> Value {
        guard case .filter(let inner, let name, let args, let line) = e else { return try eval(e, f) }
        let v: Value
        if let inner { v = try evalFilterChain(inner, input: input, f) } else { v = input ?? Value.none }
        currentLine = line
        guard let filter = env.filter(name) else {
            throw JinjaError(.runtime, "No filter named '\(name)' found.")
        }
        let result = try filter(self, v, try evalArgs(args, f))
        return result
    }

    func evalArgs(_ a: CallArgs, _ f: Frame) throws -> Arguments {
        var args = Arguments()
        if a.args.isEmpty && a.kwargs.isEmpty && a.star == nil && a.starstar == nil { return args }
        args.positional.reserveCapacity(a.args.count)
        for x in a.args { args.positional.append(try eval(x, f)) }
        for (k, x) in a.kwargs { args.keywords.append((k, try eval(x, f))) }
        if let s = a.star { args.positional.append(contentsOf: try iterate(try eval(s, f))) }
        if let s = a.starstar {
            let v = try eval(s, f)
            guard case .dict(let d) = v else { throw JinjaError.type("argument after ** must be a mapping, not \(v.typeName)") }
            for (k, x) in d.pairs { args.keywords.append((k.plainString, x)) }
        }
        return args
    }

    func callValue(_ fn: Value, _ args: Arguments) throws -> Value {
        switch fn {
        case .object(let o) where o.isCallable:
            try step()
            return try o.call(args, CallContext(interpreter: self))
        case .undefined(let u):
            throw u.error
        default:
            throw JinjaError.type("'\(fn.typeName)' object is not callable")
        }
    }

    // MARK: - Attribute and item lookup

    func getAttr(_ v: Value, _ name: String) throws -> Value {
        switch v {
        case .undefined(let u):
            throw u.error
        case .dict(let d):
            if Methods.isDictMethod(name) { return Methods.bound(v, name) }
            if let x = d[name] { return x }
            return undefined("'dict object' has no attribute '\(name)'")
        case .object(let o):
            if let x = o.attribute(name) { return x }
            return undefined("'\(o.typeName) object' has no attribute '\(name)'")
        case .string, .markup:
            if Methods.stringMethods.contains(name) { return Methods.bound(v, name) }
        case .list:
            if Methods.listMethods.contains(name) { return Methods.bound(v, name) }
        case .tuple(let items):
            if name == "count" || name == "index" { return Methods.bound(v, name) }
            // groupby results are named tuples `(grouper, list)`.
            if items.count == 2 && name == "grouper" { return items[0] }
            if items.count == 2 && name == "list" { return items[1] }
        case .int, .bool:
            if name == "real" || name == "numerator" { return .int(v.intValue ?? 0) }
            if name == "imag" { return .int(0) }
            if name == "denominator" { return .int(1) }
        case .float(let d):
            if name == "real" { return .float(d) }
            if name == "imag" { return .float(0) }
            if name == "is_integer" { return Methods.bound(v, name) }
        default: break
        }
        return undefined("'\(v.typeName) object' has no attribute '\(name)'")
    }

    func getItem(_ v: Value, _ key: Value) throws -> Value {
        switch v {
        case .undefined(let u):
            throw u.error
        case .dict(let d):
            if let x = d[key] { return x }
            if case .string(let s) = key, Methods.dictMethods.contains(s) { return Methods.bound(v, s) }
            return undefined("'dict object' has no attribute '\(key.plainString)'")
        case .list(let a), .tuple(let a):
            if let i = key.intIndex {
                let j = i < 0 ? i + a.count : i
                if j >= 0 && j < a.count { return a[j] }
                return undefined("'\(v.typeName) object' has no element \(key.shortRepr())")
            }
            if case .string(let s) = key { return try getAttr(v, s) }
            return undefined("'\(v.typeName) object' has no element \(key.shortRepr())")
        case .string(let s), .markup(let s):
            if let i = key.intIndex {
                if s.utf8.count >= ScalarIndex.minimumBytes {
                    guard let c = try character(s, at: i) else { return undefined("'str object' has no element \(i)") }
                    return v.isMarkup ? .markup(c) : .string(c)
                }
                let scalars = Array(s.unicodeScalars)
                let j = i < 0 ? i + scalars.count : i
                if j >= 0 && j < scalars.count {
                    let c = String(scalars[j])
                    return v.isMarkup ? .markup(c) : .string(c)
                }
                return undefined("'str object' has no element \(i)")
            }
            if case .string(let name) = key { return try getAttr(v, name) }
            return undefined("'str object' has no element \(key.shortRepr())")
        case .object(let o):
            if let r = o as? RangeObject, let i = key.intIndex {
                let j = i < 0 ? i + r.count : i
                if j >= 0 && j < r.count { return r.element(j) }
                return undefined("'range object' has no element \(i)")
            }
            if case .string(let name) = key, let x = o.attribute(name) { return x }
            return undefined("'\(o.typeName) object' has no element \(key.shortRepr())")
        default:
            return undefined("'\(v.typeName) object' has no element \(key.shortRepr())")
        }
    }

    func sliceValue(_ v: Value, _ a: Value?, _ b: Value?, _ c: Value?) throws -> Value {
        func idx(_ x: Value?) throws -> Int? {
            guard let x else { return nil }
            if case .none = x { return nil }
            guard let i = x.intIndex else { throw JinjaError.type("slice indices must be integers or None") }
            return i
        }
        let start = try idx(a), stop = try idx(b), stepv = try idx(c)
        switch v {
        // A slice is never larger than what it is cut from, so it is charged once it exists.
        case .list(let items):
            let r = pySlice(items, start, stop, stepv ?? 1)
            try budget.chargeItems(r.count)
            return .list(r)
        case .tuple(let items):
            let r = pySlice(items, start, stop, stepv ?? 1)
            try budget.chargeItems(r.count)
            return .tuple(r)
        case .string(let s), .markup(let s):
            if (stepv ?? 1) == 1 && s.utf8.count >= ScalarIndex.minimumBytes {
                let r = try slice(s, start, stop)
                return v.isMarkup ? .markup(r) : .string(r)
            }
            try budget.charge(s.utf8.count)
            let r = makeString(pySlice(Array(s.unicodeScalars), start, stop, stepv ?? 1))
            return v.isMarkup ? .markup(r) : .string(r)
        case .undefined(let u):
            throw u.error
        default:
            return undefined("'\(v.typeName) object' is not subscriptable")
        }
    }
}

/// Python slice semantics over an array.
func pySlice<T>(_ a: [T], _ start: Int?, _ stop: Int?, _ step: Int) -> [T] {
    let n = a.count
    if step == 0 { return [] }
    var out: [T] = []
    if step > 0 {
        var s = start ?? 0
        var e = stop ?? n
        if s < 0 { s = max(0, s + n) }
        if e < 0 { e = max(0, e + n) }
        s = min(s, n)
        e = min(e, n)
        var i = s
        while i < e {
            out.append(a[i])
            let (next, overflow) = i.addingReportingOverflow(step)
            if overflow { break }
            i = next
        }
    } else {
        var s = start ?? n - 1
        var e = stop ?? -n - 1
        if s < 0 { s += n }
        if s >= n { s = n - 1 }
        if e < 0 { e += n }
        var i = s
        while i > e && i >= 0 { out.append(a[i]); i += step }
    }
    return out
}

extension Value {
    /// An integer usable as an index (ints and bools).
    var intIndex: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    var intValue: Int? { intIndex }
}
