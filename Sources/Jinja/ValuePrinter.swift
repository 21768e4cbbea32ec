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

    /// With a cap, printing stops (throwing `Capped`) once `out` is longer than this many bytes.
    let cap: Int?

    init(budget: RenderBudget?, cap: Int? = nil) {
        self.budget = budget
        self.cap = cap
    }

    /// Thrown when a capped print has written enough.
    struct Capped: Error {}

    mutating func append(_ s: String) throws {
        if let budget { try budget.charge(s.utf8.count) }
        if let cap {
            // Only a prefix of a long piece is needed; the rest is never built.
            if out.utf8.count + s.utf8.count > cap {
                out += String(decoding: s.utf8.prefix(cap + 1 - min(cap, out.utf8.count)), as: UTF8.self)
                throw Capped()
            }
        }
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
            try scalar(v)
        }
    }

    /// A value that holds no others. A function of its own, so the frame `repr` recurses with
    /// stays small (a namespace chain is printed `maxDepth` levels deep on a small stack).
    @inline(never) private mutating func scalar(_ v: Value) throws {
        if let cap {
            // The repr of a long string's start is the start of its repr.
            switch v {
            case .string(let s) where s.utf8.count > cap:
                return try append(pyStringRepr(String(decoding: s.utf8.prefix(cap), as: UTF8.self)))
            case .markup(let s) where s.utf8.count > cap:
                return try append("Markup(" + pyStringRepr(String(decoding: s.utf8.prefix(cap), as: UTF8.self)))
            default: break
            }
        }
        try append(v.scalarRepr())
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

    /// `repr()` for messages: at most about `limit` characters, then `...`. Built piece by piece
    /// and stopped at the limit, so a value of any size costs only the prefix it prints.
    func shortRepr(_ limit: Int = 200) -> String {
        var p = ValuePrinter(budget: nil, cap: limit)
        do {
            try p.repr(self)
            return p.out
        } catch {
            return String(decoding: p.out.utf8.prefix(limit), as: UTF8.self) + "..."
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
