import Foundation

/// Executes a parsed template. One interpreter serves one render and is not shared.
///
/// `@unchecked Sendable`: closures handed to templates (`super`, recursive `loop`) capture the
/// interpreter, but an interpreter only ever runs on the thread that called `render`.
final class Interpreter: @unchecked Sendable {
    let env: Environment
    let limits: RenderLimits
    let strict: Bool
    var out = ""
    var autoescape = false
    var templateName: String?
    /// The position being executed, packed as `line << 16 | column` (see `Parser.line(_:)`).
    var currentLine = 0

    var lineNumber: Int { currentLine >> 16 }
    var columnNumber: Int? {
        let c = currentLine & 0xFFFF
        return c == 0 ? nil : c
    }
    var steps = 0
    var loopIterations = 0
    var depth = 0
    /// Bytes built and time spent, against `limits`.
    let budget: RenderBudget
    /// How many `capture` calls are running: output written inside one becomes a value and is charged.
    var capturing = 0
    /// The texts of the last captures, not yet written anywhere (see `rememberCaptured`).
    private var captured: [(UnsafeRawPointer, Int)] = []
    /// Scalar positions of the last long strings indexed or sliced (see `ScalarIndex`).
    var scalarIndexes: [ScalarIndex] = []
    /// Scopes and namespaces that can end up in a reference cycle (a scope holding a macro that
    /// holds the scope, a namespace holding itself); `breakCycles()` empties them after the render.
    var cyclic: [AnyObject] = []
    let globalsFrame: Frame
    /// Blocks of the inheritance chain being rendered, most derived first.
    var blocks: [String: [BlockDef]] = [:]
    var parentTemplate: Template?
    /// The output to restore after each top-level node once `extends` ran.
    var keepOutput: String?
    /// Nesting of blocks and macro calls (where `extends` is not allowed).
    var nonTopLevel = 0
    var rootFrame: Frame

    init(environment: Environment) {
        env = environment
        limits = environment.configuration.limits
        strict = environment.configuration.undefined == .strict
        budget = RenderBudget(limits: limits)
        globalsFrame = Frame(parent: nil, table: environment.globalVariables)
        rootFrame = globalsFrame
    }

    // MARK: - Errors and limits

    func undefined(_ hint: String) -> Value {
        .undefined(Undefined(hint: hint, strict: strict))
    }

    /// Adds the template name and line to errors that lack them.
    func locate(_ error: Error) -> Error {
        guard var e = error as? JinjaError else {
            return JinjaError(.runtime, "\(error)", templateName: templateName, line: lineNumber, column: columnNumber)
        }
        if e.line == nil {
            e.line = lineNumber
            e.column = columnNumber
            e.templateName = templateName
        }
        return e
    }

    @inline(__always) func step() throws {
        steps += 1
        if let m = limits.maxSteps, steps > m {
            throw JinjaError(.limitExceeded, "the template exceeded the limit of \(m) steps; simplify it or raise maxSteps")
        }
        if steps & 63 == 0, budget.deadline != nil { try budget.checkClock() }
    }

    @inline(__always) func write(_ s: String) throws {
        if capturing > 0 {
            let n = s.utf8.count
            // Only texts of 256 bytes or more are remembered; short ones are charged at once.
            if n < 256 {
                try budget.charge(n)
            } else {
                if captured.isEmpty || !takeCaptured(s) { try budget.charge(n) }
                // An empty buffer would take over the string's storage, and the capture's text
                // could not be told from that string (see `rememberCaptured`): copy it instead.
                if out.isEmpty { out.reserveCapacity(n) }
            }
        }
        out += s
        if let m = limits.maxOutputBytes, out.utf8.count > m {
            throw JinjaError(.limitExceeded, "the output exceeded the limit of \(m) bytes")
        }
    }

    func enter() throws {
        depth += 1
        if depth > limits.maxRecursionDepth {
            throw JinjaError(.limitExceeded, "maximum recursion depth (\(limits.maxRecursionDepth)) exceeded in macros, includes or recursive loops")
        }
    }

    /// Runs `body` with a fresh output buffer and returns what it wrote.
    func capture(_ body: () throws -> Void) throws -> String {
        let saved = out
        out = ""
        capturing += 1
        defer {
            out = saved
            capturing -= 1
        }
        try body()
        let result = out
        rememberCaptured(result)
        return result
    }

    /// Remembers a capture's text, which was charged as it was written, so that writing it into
    /// the enclosing capture (a macro's output in a `call` block in a `filter` block) is not
    /// charged again at every level. Only the next write of that very text is excused.
    private func rememberCaptured(_ s: String) {
        guard s.utf8.count >= 256, let p = s.utf8.withContiguousStorageIfAvailable({ $0.baseAddress }) ?? nil else { return }
        if captured.count >= 8 { captured.removeFirst() }
        captured.append((UnsafeRawPointer(p), s.utf8.count))
    }

    /// Whether `s` is a remembered capture (forgetting it if so).
    private func takeCaptured(_ s: String) -> Bool {
        let n = s.utf8.count
        guard n >= 256, let p = s.utf8.withContiguousStorageIfAvailable({ $0.baseAddress }) ?? nil else { return false }
        guard let i = captured.lastIndex(where: { $0.0 == UnsafeRawPointer(p) && $0.1 == n }) else { return false }
        captured.remove(at: i)
        return true
    }

    func markupIfEscaping(_ s: String) -> Value { autoescape ? .markup(s) : .string(s) }

    // MARK: - Templates

    func renderRoot(_ t: Template, context: PyDict) throws -> String {
        defer { breakCycles() }
        var vars: [String: Value] = [:]
        for (k, v) in context.pairs { vars[k.plainString] = v }
        let ctx = Frame(parent: globalsFrame, vars: vars)
        out.reserveCapacity(4096)
        try renderTemplate(t, root: Frame(parent: ctx))
        return out
    }

    /// Renders `t` (following `extends`) with `root` as its top-level scope.
    func renderTemplate(_ t: Template, root: Frame) throws {
        let saved = (blocks, parentTemplate, rootFrame, templateName, autoescape, currentLine, keepOutput, nonTopLevel)
        defer { (blocks, parentTemplate, rootFrame, templateName, autoescape, currentLine, keepOutput, nonTopLevel) = saved }
        nonTopLevel = 0
        blocks = [:]
        rootFrame = root

        var current: Template? = t
        while let cur = current {
            templateName = cur.name
            autoescape = env.configuration.autoescape.isEnabled(for: cur.name)
            for n in cur.rootStores where !root.declared.contains(n) { root.declared.append(n) }
            for b in cur.blocks { blocks[b.name, default: []].append(b) }
            if cur.usesSelf && root.local("self") == nil {
                track(root)
                root.set("self", .object(TemplateSelf(interpreter: self, frame: root)))
            }
            parentTemplate = nil
            keepOutput = nil
            do {
                try execTop(cur.nodes, root)
            } catch {
                throw locate(error)
            }
            current = parentTemplate
        }
    }

    /// Executes top-level nodes; once `extends` ran, their output is dropped.
    func execTop(_ nodes: [Node], _ frame: Frame) throws {
        for n in nodes {
            if parentTemplate != nil {
                switch n {
                case .output, .print, .block: continue
                default: break
                }
            }
            try exec(n, frame)
            if parentTemplate != nil, let keep = keepOutput { out = keep }
        }
    }

    func runExtends(_ e: Expr, _ frame: Frame) throws {
        if nonTopLevel > 0 { throw JinjaError(.runtime, "extends can only be used at the top level of a template") }
        if parentTemplate != nil { throw JinjaError(.runtime, "extended multiple times") }
        let name = try eval(e, frame)
        guard case .string(let s) = name else {
            throw JinjaError.type("extends needs a template name, got '\(name.typeName)'")
        }
        parentTemplate = try loadTemplate(s)
        keepOutput = out
    }

    /// All `block` definitions in `nodes`, outermost first (computed once per template).
    static func collectBlocks(_ nodes: [Node]) -> [BlockDef] {
        var out: [BlockDef] = []
        func registerBlocks(_ nodes: [Node]) {
            for n in nodes {
                switch n {
                case .block(let b):
                    out.append(b)
                    registerBlocks(b.body)
            case .ifChain(let br, let el, _):
                for (_, b) in br { registerBlocks(b) }
                registerBlocks(el)
            case .forLoop(let f): registerBlocks(f.body); registerBlocks(f.elseBody)
            case .macro(let m): registerBlocks(m.body)
            case .callBlock(_, let m, _): registerBlocks(m.body)
            case .autoescape(_, let b), .filterBlock(let b, _, _), .setBlock(_, let b, _, _):
                registerBlocks(b)
                case .with(let w): registerBlocks(w.body)
                default: break
                }
            }
        }
        registerBlocks(nodes)
        return out
    }

    func loadTemplate(_ name: String) throws -> Template {
        do {
            return try env.template(named: name)
        } catch let e as JinjaError where e.code == .templateNotFound {
            throw JinjaError(.templateNotFound, name, templateName: templateName, line: lineNumber, column: columnNumber)
        }
    }

    func renderBlock(_ name: String, level: Int, frame: Frame) throws {
        guard let chain = blocks[name], level < chain.count else {
            throw JinjaError(.runtime, "no block named '\(name)'")
        }
        let def = chain[level]
        if def.required && level == 0 || (def.required && chain.count == level + 1) {
            throw JinjaError(.runtime, "Required block '\(name)' not found")
        }
        nonTopLevel += 1
        let saved = (templateName, autoescape)
        templateName = def.templateName
        autoescape = env.configuration.autoescape.isEnabled(for: def.templateName)
        defer {
            nonTopLevel -= 1
            (templateName, autoescape) = saved
        }
        let f = Frame(parent: frame)
        f.declared = def.stores
        f.barrier = true
        if !def.usesSuper {
            // The body never mentions `super`.
        } else if level + 1 < chain.count {
            f.set("super", .object(NativeFunction("super") { [unowned self] _, _ in
                let s = try self.capture { try self.renderBlock(name, level: level + 1, frame: frame) }
                return self.markupIfEscaping(s)
            }))
        } else {
            f.set("super", undefined("there is no parent block called '\(name)'."))
        }
        do {
            try execBody(def.body, f)
        } catch {
            throw locate(error)
        }
    }

    // MARK: - Statements

    @inline(__always) func execBody(_ nodes: [Node], _ frame: Frame) throws {
        for n in nodes { try exec(n, frame) }
    }

    func exec(_ node: Node, _ frame: Frame) throws {
        try step()
        switch node {
        case .output(let s):
            try write(s)
        case .print(let e, let line):
            currentLine = line
            let v = try eval(e, frame)
            try writeValue(v)
        case .ifChain(let branches, let elseBody, let line):
            currentLine = line
            for (cond, body) in branches {
                if try eval(cond, frame).truthy() {
                    try execBody(body, frame)
                    return
                }
            }
            try execBody(elseBody, frame)
        case .forLoop(let loop):
            currentLine = loop.line
            let iterable = try eval(loop.iter, frame)
            try runLoop(loop, iterable, frame, depth0: 0)
        case .set(let target, let e, let line):
            currentLine = line
            if case .binary(.add, let l, let r) = e, Interpreter.assignsItself(target, l), try accumulate(target, l, [r], concat: false, frame) {
                return
            }
            if case .concat(let parts) = e, let first = parts.first, Interpreter.assignsItself(target, first),
               try accumulate(target, first, parts.dropFirst(), concat: true, frame) {
                return
            }
            try assign(target, try eval(e, frame), frame)
        case .setBlock(let target, let body, let filter, let line):
            currentLine = line
            let inner = Frame(parent: frame)
            inner.soft = true
            let s = try capture { try execBody(body, inner) }
            var v = markupIfEscaping(s)
            if let filter { v = try evalFilterChain(filter, input: v, frame) }
            try assign(target, v, frame)
        case .block(let def):
            if parentTemplate != nil { return }
            try renderBlock(def.name, level: 0, frame: def.scoped ? frame : rootFrame)
        case .extends(let e, let line):
            currentLine = line
            try runExtends(e, frame)
        case .include(let e, let ignoreMissing, let withContext, let line):
            currentLine = line
            try include(e, ignoreMissing: ignoreMissing, withContext: withContext, frame)
        case .importAs(let e, let alias, let withContext, let line):
            currentLine = line
            frame.set(alias, .object(try importModule(e, withContext: withContext, frame)))
        case .fromImport(let e, let names, let withContext, let line):
            currentLine = line
            let module = try importModule(e, withContext: withContext, frame)
            for (name, alias) in names {
                frame.set(alias, module.exports[name] ?? undefined(
                    "the template '\(module.name)' (imported on line \(line >> 16)) does not export the requested name '\(name)'"))
            }
        case .macro(let def):
            // The scope holds the macro and the macro its scope: emptied after the render.
            track(frame)
            frame.set(def.name, .object(Macro(def: def, closure: frame, autoescape: autoescape, templateName: templateName)))
        case .callBlock(let call, let def, let line):
            currentLine = line
            let caller = Macro(def: def, closure: frame, autoescape: autoescape, templateName: templateName, isCaller: true)
            guard case .call(let callee, let args, _) = call else { return }
            var a = try evalArgs(args, frame)
            a.keywords.append(("caller", .object(caller)))
            let fn = try eval(callee, frame)
            let v = try callValue(fn, a)
            try writeValue(v)
        case .filterBlock(let body, let filter, let line):
            currentLine = line
            let inner = Frame(parent: frame)
            inner.soft = true
            let s = try capture { try execBody(body, inner) }
            let v = try evalFilterChain(filter, input: markupIfEscaping(s), frame)
            try writeValue(v)
        case .with(let w):
            let f = Frame(parent: frame)
            f.declared = w.stores
            for (t, e) in w.assigns { try assign(t, try eval(e, frame), f) }
            try execBody(w.body, f)
        case .autoescape(let e, let body):
            let saved = autoescape
            autoescape = try eval(e, frame).truthy()
            defer { autoescape = saved }
            let inner = Frame(parent: frame)
            inner.soft = true
            try execBody(body, inner)
        }
    }

    func writeValue(_ v: Value) throws {
        switch v {
        case .string(let s):
            try write(autoescape ? htmlEscape(s) : s)
        case .markup(let s):
            try write(s)
        default:
            let s = try str(v)
            try write(autoescape ? htmlEscape(s) : s)
        }
    }

    func assign(_ target: Target, _ value: Value, _ frame: Frame) throws {
        switch target {
        case .name(let n):
            frame.set(n, value)
        case .tuple(let targets):
            let items = try value.iterate()
            if items.count < targets.count {
                throw JinjaError.value("not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            if items.count > targets.count {
                throw JinjaError.value("too many values to unpack (expected \(targets.count))")
            }
            for (t, v) in zip(targets, items) { try assign(t, v, frame) }
        case .attr(let ns, let attr):
            guard case .object(let o)? = frame.lookup(ns), let n = o as? Namespace else {
                throw JinjaError(.runtime, "cannot assign attribute on non-namespace object")
            }
            try checkNesting(value)
            if n.attrs[attr] == nil { try budget.chargeItems(1, unit: 2) }
            n.attrs[attr] = value
        }
    }

    func runLoop(_ loop: ForLoop, _ iterable: Value, _ frame: Frame, depth0: Int) throws {
        var items: [Value]
        switch iterable {
        case .none: throw JinjaError.type("'NoneType' object is not iterable")
        default: items = try iterate(iterable)
        }
        if let filter = loop.filter {
            var kept: [Value] = []
            for item in items {
                let f = Frame(parent: frame)
                try assign(loop.target, item, f)
                if try eval(filter, f).truthy() { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            try execBody(loop.elseBody, Frame(parent: frame))
            return
        }
        var recurse: ((Value) throws -> Value)?
        if loop.recursive {
            recurse = { [unowned self] v in
                try self.enter()
                defer { self.depth -= 1 }
                let s = try self.capture { try self.runLoop(loop, v, frame, depth0: depth0 + 1) }
                return self.markupIfEscaping(s)
            }
        }
        let ctx = LoopContext(items: items, depth0: depth0, recurse: recurse)
        // `loop.changed(loop)` makes the context hold itself, and the recursion closure holds the
        // scope, which a template can make hold the context: both cycles are cut when it ends.
        defer {
            ctx.lastChanged = nil
            ctx.recurse = nil
        }
        let loopValue = Value.object(ctx)
        // A body that defines no closures (macros, call blocks) can reuse one scope per loop.
        let shared: Frame? = loop.bodyCapturesScope ? nil : Frame(parent: frame)
        shared?.declared = loop.stores
        for (i, item) in items.enumerated() {
            loopIterations += 1
            if let m = limits.maxLoopIterations, loopIterations > m {
                throw JinjaError(.limitExceeded, "the template exceeded the limit of \(m) loop iterations")
            }
            try step()
            ctx.index0 = i
            let f: Frame
            if let shared {
                shared.reset()
                f = shared
            } else {
                f = Frame(parent: frame)
                f.declared = loop.stores
            }
            f.set("loop", loopValue)
            try assign(loop.target, item, f)
            try execBody(loop.body, f)
        }
    }

    func include(_ e: Expr, ignoreMissing: Bool, withContext: Bool, _ frame: Frame) throws {
        let nameValue = try eval(e, frame)
        var names: [String] = []
        switch nameValue {
        case .string(let s), .markup(let s): names = [s]
        case .list(let a), .tuple(let a): names = a.map { $0.plainString }
        case .undefined(let u): throw u.error
        default: names = [nameValue.plainString]
        }
        var found: Template?
        for n in names {
            do {
                found = try env.template(named: n)
                break
            } catch let err as JinjaError where err.code == .templateNotFound {
                continue
            }
        }
        guard let t = found else {
            if ignoreMissing { return }
            if names.count == 1 {
                throw JinjaError(.templateNotFound, names[0], templateName: templateName, line: lineNumber, column: columnNumber)
            }
            throw JinjaError(.templatesNotFound, "none of the templates given were found: " + names.joined(separator: ", "),
                             templateName: templateName, line: lineNumber, column: columnNumber)
        }
        try enter()
        defer { depth -= 1 }
        let root = Frame(parent: withContext ? frame : globalsFrame)
        root.barrier = true
        try renderTemplate(t, root: root)
    }

    func importModule(_ e: Expr, withContext: Bool, _ frame: Frame) throws -> TemplateModule {
        let nameValue = try eval(e, frame)
        guard case .string(let name) = nameValue else {
            throw JinjaError.type("import needs a template name, got '\(nameValue.typeName)'")
        }
        let t = try loadTemplate(name)
        try enter()
        defer { depth -= 1 }
        let root = Frame(parent: withContext ? frame : globalsFrame)
        root.barrier = true
        let body = try capture { try renderTemplate(t, root: root) }
        var exports: [String: Value] = [:]
        for (k, v) in root.vars where !k.hasPrefix("_") { exports[k] = v }
        return TemplateModule(name: name, exports: exports, body: body)
    }

    func callMacro(_ m: Macro, _ args: Arguments) throws -> Value {
        let def = m.def
        try enter()
        nonTopLevel += 1
        defer {
            depth -= 1
            nonTopLevel -= 1
        }
        let f = Frame(parent: m.closure)
        f.declared = def.stores
        var extra: [Value] = []
        for (i, v) in args.positional.enumerated() {
            if i < def.params.count { f.set(def.params[i], v) } else { extra.append(v) }
        }
        if !extra.isEmpty && !def.usesVarargs {
            throw JinjaError.type("macro '\(def.name)' takes not more than \(def.params.count) argument(s)")
        }
        var kwargs = PyDict()
        var caller: Value?
        for (k, v) in args.keywords {
            if let i = def.params.firstIndex(of: k) {
                if i < args.positional.count {
                    throw JinjaError.type("macro '\(def.name)' got multiple values for argument '\(k)'")
                }
                f.set(k, v)
            } else if k == "caller" && def.usesCaller {
                caller = v
            } else if def.usesKwargs {
                kwargs[k] = v
            } else {
                throw JinjaError.type("macro '\(def.name)' takes no keyword argument '\(k)'")
            }
        }
        for (i, p) in def.params.enumerated() where f.local(p) == nil {
            if let d = def.defaults[i] {
                f.set(p, try eval(d, f))
            } else {
                f.set(p, undefined("parameter '\(p)' was not provided"))
            }
        }
        if def.usesVarargs {
            try checkNesting(extra)
            f.set("varargs", .tuple(extra))
        }
        if def.usesKwargs {
            try checkNesting(kwargs.values)
            f.set("kwargs", .dict(kwargs))
        }
        if def.usesCaller { f.set("caller", caller ?? undefined("No caller defined")) }
        let savedEscape = autoescape
        let savedName = templateName
        let savedLine = currentLine
        let callerEscapes = autoescape
        autoescape = m.autoescape
        templateName = m.templateName
        defer {
            autoescape = savedEscape
            templateName = savedName
        }
        let s: String
        do {
            s = try capture { try execBody(def.body, f) }
        } catch {
            throw locate(error)
        }
        currentLine = savedLine
        return callerEscapes ? .markup(s) : .string(s)
    }

}
