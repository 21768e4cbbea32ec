import Foundation

/// Jinja2's `namespace()`: an object whose attributes can be assigned with `set ns.attr = ...`.
///
/// `@unchecked Sendable`: a namespace lives inside a single render, which runs on one thread.
final class Namespace: JinjaObject, @unchecked Sendable {
    var attrs: PyDict
    init(_ attrs: PyDict) { self.attrs = attrs }
    var typeName: String { "Namespace" }
    func attribute(_ name: String) -> Value? { attrs[name] }
    /// Jinja2 3.1's `<Namespace {'a': 1}>`, cut to about 200 characters: this text is built
    /// uncharged (for messages); what a template prints goes through `checkedRepr`, which
    /// charges the whole text.
    var stringValue: String { Value.object(self).shortRepr() }
}

/// The `loop` variable inside a `for` loop.
///
/// `@unchecked Sendable`: a loop context lives inside a single render, which runs on one thread.
final class LoopContext: JinjaObject, @unchecked Sendable {
    let items: [Value]
    var index0 = 0
    let depth0: Int
    var lastChanged: [Value]?
    /// Renders the loop body for nested items (`loop(children)`); dropped when the loop ends,
    /// because it holds the loop's scope, which may hold this context.
    var recurse: ((Value) throws -> Value)?

    init(items: [Value], depth0: Int, recurse: ((Value) throws -> Value)?) {
        self.items = items
        self.depth0 = depth0
        self.recurse = recurse
    }

    var typeName: String { "LoopContext" }
    var isCallable: Bool { recurse != nil }

    func call(_ args: Arguments, _ context: CallContext) throws -> Value {
        guard let recurse else {
            throw JinjaError(.type, "The loop must be marked recursive to be called recursively.")
        }
        guard let v = args.positional.first else { throw JinjaError.type("loop() missing the iterable argument") }
        return try recurse(v)
    }

    func callMethod(_ name: String, _ args: Arguments) throws -> Value? {
        switch name {
        case "cycle":
            guard !args.positional.isEmpty else { throw JinjaError.type("no items for cycling given") }
            return args.positional[index0 % args.positional.count]
        case "changed":
            if let last = lastChanged, last == args.positional { return .bool(false) }
            lastChanged = args.positional
            return .bool(true)
        default: return nil
        }
    }

    func attribute(_ name: String) -> Value? {
        let n = items.count
        switch name {
        case "index": return .int(index0 + 1)
        case "index0": return .int(index0)
        case "revindex": return .int(n - index0)
        case "revindex0": return .int(n - index0 - 1)
        case "first": return .bool(index0 == 0)
        case "last": return .bool(index0 == n - 1)
        case "length": return .int(n)
        case "depth": return .int(depth0 + 1)
        case "depth0": return .int(depth0)
        case "previtem":
            return index0 > 0 ? items[index0 - 1] : .undefined(Undefined(hint: "there is no previous item"))
        case "nextitem":
            return index0 + 1 < n ? items[index0 + 1] : .undefined(Undefined(hint: "there is no next item"))
        case "cycle":
            return .object(NativeFunction("cycle", holding: [.object(self)]) { [self] args, _ in
                guard !args.positional.isEmpty else { throw JinjaError.type("no items for cycling given") }
                return args.positional[self.index0 % args.positional.count]
            })
        case "changed":
            return .object(NativeFunction("changed", holding: [.object(self)]) { [self] args, _ in
                if let last = self.lastChanged, last == args.positional { return .bool(false) }
                self.lastChanged = args.positional
                return .bool(true)
            })
        default: return nil
        }
    }

    var stringValue: String { "<LoopContext \(index0 + 1)/\(items.count)>" }
}

/// A macro bound to the scope it was defined in.
///
/// `@unchecked Sendable`: a macro lives inside a single render, which runs on one thread.
final class Macro: JinjaObject, @unchecked Sendable {
    let def: MacroDef
    let closure: Frame
    let autoescape: Bool
    let templateName: String?
    let isCaller: Bool

    init(def: MacroDef, closure: Frame, autoescape: Bool, templateName: String?, isCaller: Bool = false) {
        self.def = def
        self.closure = closure
        self.autoescape = autoescape
        self.templateName = templateName
        self.isCaller = isCaller
    }

    var typeName: String { "Macro" }
    var isCallable: Bool { true }

    func call(_ args: Arguments, _ context: CallContext) throws -> Value {
        try context.interpreter.callMacro(self, args)
    }

    func attribute(_ name: String) -> Value? {
        switch name {
        case "name": return .string(def.name)
        case "arguments": return .tuple(def.params.map { .string($0) })
        case "catch_kwargs": return .bool(def.usesKwargs)
        case "catch_varargs": return .bool(def.usesVarargs)
        case "caller": return .bool(def.usesCaller)
        default: return nil
        }
    }

    var stringValue: String { isCaller ? "<Macro anonymous>" : "<Macro \(pyStringRepr(def.name))>" }
}

/// An imported template: its exported macros and top-level variables.
final class TemplateModule: JinjaObject, @unchecked Sendable {
    let name: String
    let exports: [String: Value]
    let body: String
    init(name: String, exports: [String: Value], body: String) {
        self.name = name
        self.exports = exports
        self.body = body
    }
    var typeName: String { "TemplateModule" }
    func attribute(_ name: String) -> Value? { exports[name] }
    var stringValue: String { body }
}

/// Jinja2's `cycler()`.
final class Cycler: JinjaObject, @unchecked Sendable {
    let items: [Value]
    var pos = 0
    init(_ items: [Value]) { self.items = items }
    var typeName: String { "Cycler" }
    func attribute(_ name: String) -> Value? {
        switch name {
        case "current": return items.isEmpty ? .none : items[pos]
        case "next":
            return .object(NativeFunction("next", holding: [.object(self)]) { [self] _, _ in
                guard !self.items.isEmpty else { throw JinjaError.runtime("cycler has no items") }
                let v = self.items[self.pos]
                self.pos = (self.pos + 1) % self.items.count
                return v
            })
        case "reset":
            return .object(NativeFunction("reset", holding: [.object(self)]) { [self] _, _ in
                self.pos = 0
                return .none
            })
        default: return nil
        }
    }
}

/// Jinja2's `joiner()`.
final class Joiner: JinjaObject, @unchecked Sendable {
    let sep: String
    var used = false
    init(_ sep: String) { self.sep = sep }
    var typeName: String { "Joiner" }
    var isCallable: Bool { true }
    func call(_ args: Arguments, _ context: CallContext) throws -> Value {
        if !used { used = true; return .string("") }
        return .string(sep)
    }
}

/// A variable scope.
///
/// Scopes are small (a loop variable, macro arguments), so names live in a short array searched
/// linearly, which beats hashing; large scopes (a render context) switch to a dictionary.
///
/// `@unchecked Sendable`: frames belong to a single render, which runs on one thread.
final class Frame: @unchecked Sendable {
    private var names: [String] = []
    private var values: [Value] = []
    private var table: [String: Value]?
    /// Names this scope assigns somewhere; until assigned, nested scopes see them as undefined.
    var declared: [String] = []
    /// A soft scope (`set` and `filter` block bodies) keeps its own assignments but reads like
    /// its parent scope.
    var soft = false
    /// The root of an included template or a block: Jinja2 hands these the values assigned so
    /// far, so names declared but unassigned further out are looked up normally.
    var barrier = false
    let parent: Frame?

    /// A scope backed directly by a dictionary (large scopes such as the globals).
    init(parent: Frame?, table: [String: Value]) {
        self.parent = parent
        self.table = table
    }

    init(parent: Frame?, vars: [String: Value] = [:]) {
        self.parent = parent
        if vars.count > 8 {
            table = vars
        } else {
            for (k, v) in vars {
                names.append(k)
                values.append(v)
            }
        }
    }

    /// The variables defined directly in this scope.
    var vars: [String: Value] {
        if let table { return table }
        var d: [String: Value] = [:]
        for (k, v) in zip(names, values) { d[k] = v }
        return d
    }

    @inline(__always) func local(_ name: String) -> Value? {
        if let table { return table[name] }
        var i = 0
        let n = names.count
        while i < n {
            if names[i] == name { return values[i] }
            i += 1
        }
        return nil
    }

    func set(_ name: String, _ value: Value) {
        if table != nil {
            table![name] = value
            return
        }
        if let i = names.firstIndex(of: name) {
            values[i] = value
            return
        }
        if names.count >= 8 {
            var d: [String: Value] = [:]
            for (k, v) in zip(names, values) { d[k] = v }
            d[name] = value
            table = d
            names = []
            values = []
            return
        }
        names.append(name)
        values.append(value)
    }

    /// Empties the scope for reuse (loop iterations).
    func reset() {
        if table != nil {
            table = nil
        }
        names.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    @inline(__always) func lookup(_ name: String) -> Value? {
        var f: Frame? = self
        var sameScope = true
        var crossedBarrier = false
        while let x = f {
            if let v = x.local(name) { return v }
            if !sameScope && !crossedBarrier && !x.declared.isEmpty && x.declared.contains(name) { return nil }
            if x.barrier { crossedBarrier = true }
            if !x.soft { sameScope = false }
            f = x.parent
        }
        return nil
    }
}

/// The `self` variable: `self.blockname()` renders a block of the current template again.
///
/// `@unchecked Sendable`: it lives inside a single render, which runs on one thread.
final class TemplateSelf: JinjaObject, @unchecked Sendable {
    unowned let interpreter: Interpreter
    let frame: Frame
    let blocks: [String: [BlockDef]]?

    init(interpreter: Interpreter, frame: Frame) {
        self.interpreter = interpreter
        self.frame = frame
        self.blocks = nil
    }

    var typeName: String { "TemplateReference" }

    func attribute(_ name: String) -> Value? {
        .object(NativeFunction(name) { [self] _, _ in
            let interp = self.interpreter
            guard interp.blocks[name] != nil else {
                throw JinjaError.undefined("'TemplateReference object' has no attribute '\(name)'")
            }
            let s = try interp.capture { try interp.renderBlock(name, level: 0, frame: self.frame) }
            return interp.markupIfEscaping(s)
        })
    }
}

/// A one-shot iterator, as Jinja2's generator-returning filters (`select`, `map`, `batch`, ...)
/// and `reverse` produce: it has no length, is always true, and is used up by iterating.
///
/// Results are computed eagerly, but an error raised while computing them surfaces only when the
/// iterator is consumed, as with a Python generator. `@unchecked Sendable`: lives inside one render.
final class LazyIterator: JinjaObject, @unchecked Sendable {
    let kind: String
    let items: [Value]
    let error: JinjaError?
    var position = 0

    init(_ kind: String, _ items: [Value], error: JinjaError? = nil) {
        self.kind = kind
        self.items = items
        self.error = error
    }

    var typeName: String { kind.hasPrefix("generator") ? "generator" : String(kind.split(separator: " ").first ?? "iterator") }

    func iterate() throws -> [Value]? {
        let rest = Array(items[position...])
        position = items.count
        if let error { throw error }
        return rest
    }

    /// Python's `next()`: the next item, or `nil` when exhausted.
    func next() throws -> Value? {
        if position < items.count {
            position += 1
            return items[position - 1]
        }
        if let error { throw error }
        return nil
    }

    /// Python's repr shape, `<generator object select_or_reject at 0x7f…>` (the address is this object's).
    var stringValue: String {
        let address = UInt(bitPattern: ObjectIdentifier(self).hashValue) & 0xFFFF_FFFF_FFFF
        return "<\(kind) at 0x\(String(repeating: "0", count: max(0, 12 - String(address, radix: 16).count)))\(String(address, radix: 16))>"
    }
}

/// Python's `range` object: re-iterable, with a length and indexing, printed as `range(0, 3)`.
/// Its items are produced when iterated (the size is capped by `RenderLimits.maxRange`).
final class RangeObject: JinjaObject, @unchecked Sendable {
    let start: Int
    let stop: Int
    let step: Int
    let count: Int

    init(start: Int, stop: Int, step: Int, count: Int) {
        self.start = start
        self.stop = stop
        self.step = step
        self.count = count
    }

    var typeName: String { "range" }

    func element(_ i: Int) -> Value { .int(start &+ i &* step) }

    func iterate() throws -> [Value]? {
        var out: [Value] = []
        out.reserveCapacity(count)
        var v = start
        for _ in 0..<count {
            out.append(.int(v))
            v &+= step
        }
        return out
    }

    func callMethod(_ name: String, _ args: Arguments) throws -> Value? {
        switch name {
        case "count", "index":
            guard let x = args.positional.first?.intIndex else {
                if name == "count" { return .int(0) }
                throw JinjaError.value("value is not in range")
            }
            // Checked arithmetic: a number far outside the range (or `Int.min % -1`) is simply not in it.
            let (offset, o1) = x.subtractingReportingOverflow(start)
            let (rest, o2) = offset.remainderReportingOverflow(dividingBy: step)
            let (q, o3) = offset.dividedReportingOverflow(by: step)
            let hit = step != 0 && !o1 && !o2 && !o3 && rest == 0 && q >= 0 && q < count
            if name == "count" { return .int(hit ? 1 : 0) }
            if !hit { throw JinjaError.value("\(x) is not in range") }
            return .int(q)
        default: return nil
        }
    }

    func attribute(_ name: String) -> Value? {
        switch name {
        case "start": return .int(start)
        case "stop": return .int(stop)
        case "step": return .int(step)
        default: return nil
        }
    }

    var stringValue: String { step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))" }
}

extension NativeFunction: ValueHolder {
    var heldValues: [Value] { held }
}

/// The loop's items (not `lastChanged`, which the loop empties when it ends).
extension LoopContext: ValueHolder {
    var heldValues: [Value] { items }
}

extension Cycler: ValueHolder {
    var heldValues: [Value] { items }
}

extension TemplateModule: ValueHolder {
    var heldValues: [Value] { Array(exports.values) }
}
