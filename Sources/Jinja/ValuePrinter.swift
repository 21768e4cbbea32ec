import Foundation

/// Python's `repr()` of values, safe on every value that can exist.
///
/// Lists, tuples and dicts are at most `RenderLimits.maxNesting` deep when built, but a namespace
/// is a reference: it can hold itself (`{% set ns.me = ns %}`) or a chain of other namespaces of
/// any length. Printing follows Python: a namespace already being printed further out prints as
/// `<Namespace {...}>`, as Python's dict repr does for a dict it is already inside. Past
/// `maxDepth` levels (twice `maxNesting`, so a namespace may hold values of any allowed depth)
/// the printer writes `...` and marks the result `tooDeep`; the throwing entry points turn that
/// into an error, so nothing ever recurses without bound.
///
/// With a budget, every piece is charged before it is appended, so printing a huge value fails
/// with `.limitExceeded` rather than allocating its text first.
struct ValuePrinter {
    static let maxDepth = 2 * RenderLimits.maxNesting
    var out = ""
    let budget: RenderBudget?
    private var depth = 0
    /// Namespaces being printed, innermost last.
    private var open: [ObjectIdentifier] = []
    /// Whether some part was cut off at the depth limit.
    private(set) var tooDeep = false

    init(budget: RenderBudget?) { self.budget = budget }

    mutating func append(_ s: String) throws {
        if let budget { try budget.charge(s.utf8.count) }
        out += s
    }

    mutating func repr(_ v: Value) throws {
        switch v {
        case .list(let a):
            guard enter() else { return try append("...") }
            defer { depth -= 1 }
            try append("[")
            try items(a)
            try append("]")
        case .tuple(let a):
            guard enter() else { return try append("...") }
            defer { depth -= 1 }
            try append("(")
            try items(a)
            try append(a.count == 1 ? ",)" : ")")
        case .dict(let d):
            guard enter() else { return try append("...") }
            defer { depth -= 1 }
            try dict(d)
        case .object(let o):
            if let ns = o as? Namespace { return try namespace(ns) }
            try append(o.stringValue)
        default:
            try append(v.scalarRepr())
        }
    }

    private mutating func enter() -> Bool {
        if depth >= ValuePrinter.maxDepth {
            tooDeep = true
            return false
        }
        depth += 1
        return true
    }

    private mutating func items(_ a: [Value]) throws {
        for (i, x) in a.enumerated() {
            if i > 0 { try append(", ") }
            try repr(x)
        }
    }

    private mutating func dict(_ d: PyDict) throws {
        try append("{")
        var first = true
        for (k, x) in d.pairs {
            if !first { try append(", ") }
            first = false
            try repr(k)
            try append(": ")
            try repr(x)
        }
        try append("}")
    }

    /// Jinja2 3.1's `<Namespace {'a': 1}>`.
    mutating func namespace(_ ns: Namespace) throws {
        let id = ObjectIdentifier(ns)
        if open.contains(id) { return try append("<Namespace {...}>") }
        guard enter() else { return try append("...") }
        open.append(id)
        defer {
            open.removeLast()
            depth -= 1
        }
        try append("<Namespace ")
        try dict(ns.attrs)
        try append(">")
    }
}

extension Value {
    /// `repr()` of a value that holds no other values.
    func scalarRepr() -> String {
        switch self {
        case .undefined: return ""
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return pyFloatRepr(d)
        case .string(let s): return pyStringRepr(s)
        case .markup(let s): return "Markup(\(pyStringRepr(s)))"
        case .object(let o): return o.stringValue
        case .list, .tuple, .dict: return repr()
        }
    }

    /// Python's `repr()`, for messages and keys: never throws; parts past the nesting limit print as `...`.
    func repr() -> String {
        switch self {
        case .list, .tuple, .dict, .object:
            var p = ValuePrinter(budget: nil)
            try? p.repr(self)
            return p.out
        default: return scalarRepr()
        }
    }

    /// Python's `str()` charged to `budget`: only text that has to be built (the `repr` of a
    /// container or a number) is charged; a string is returned as it is.
    func str(charging budget: RenderBudget?) throws -> String {
        switch self {
        case .string(let s), .markup(let s): return s
        case .undefined(let u):
            if u.strict { throw u.error }
            return ""
        case .object(let o) where !(o is Namespace): return o.stringValue
        default: return try checkedRepr(budget)
        }
    }

    /// `repr()` charged to `budget` as it is built; throws when the budget runs out or the value
    /// is too deep to print whole.
    func checkedRepr(_ budget: RenderBudget?) throws -> String {
        switch self {
        case .list, .tuple, .dict, .object:
            var p = ValuePrinter(budget: budget)
            try p.repr(self)
            if p.tooDeep { throw Interpreter.nestingError() }
            return p.out
        default:
            let s = scalarRepr()
            try budget?.charge(s.utf8.count)
            return s
        }
    }
}
