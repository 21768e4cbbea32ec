import Foundation

/// Building values under the render's budget, and releasing them safely afterwards.
extension Interpreter {
    /// `str()` charged to the budget: only text that has to be built (the `repr` of a container
    /// or a number) is charged; a string is returned as it is.
    @inline(__always) func str(_ v: Value) throws -> String {
        try v.str(charging: budget)
    }

    /// MarkupSafe's `soft_str` charged to the budget (see `str(_:)`).
    func softString(_ v: Value) throws -> Value {
        switch v {
        case .markup, .string: return v
        default: return .string(try str(v))
        }
    }

    /// `softString` for filters that build a new text of the same length (`upper`, `title`,
    /// `trim`, ...): that length is charged before the filter builds it.
    func textCopy(_ v: Value) throws -> Value {
        let s = try softString(v)
        try budget.chargeString(s.plainString.utf8.count)
        return s
    }

    /// MarkupSafe's `escape()` charged to the budget: the escaped length is counted first.
    func escape(_ v: Value) throws -> Value {
        if v.isMarkup { return v }
        let s = try str(v)
        let extra = htmlEscapeGrowth(s)
        if extra > 0 { try budget.chargeString(s.utf8.count &+ extra) }
        return .markup(htmlEscape(s))
    }

    /// `iterate()` charged to the budget when it has to build the items (the characters of a
    /// string, the numbers of a range); a list's items and a dict's keys are shared, not built.
    func iterate(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let a), .tuple(let a): return a
        case .string(let s), .markup(let s):
            try budget.chargeItems(s.utf8.count)
        case .object(let o):
            if let r = o as? RangeObject { try budget.chargeItems(r.count) }
            if let it = o as? LazyIterator { try budget.chargeItems(it.items.count - it.position) }
        default: break
        }
        return try v.iterate()
    }

    /// `iterate()` for a filter that returns the items as a new list: the list is charged once,
    /// whether `iterate` had to build the items (a string's characters) or shares them.
    func iterateCopy(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let a), .tuple(let a):
            try budget.chargeItems(a.count)
            return a
        case .dict(let d):
            try budget.chargeItems(d.count)
            return d.keys
        default: return try iterate(v)
        }
    }

    /// Calls a list or dict method that changes its receiver, writing the result back to the
    /// variable (or namespace attribute) the receiver came from.
    ///
    /// The receiver is taken out of its variable while the method runs, so the variable's copy is
    /// the only one and `append` grows the list in place instead of copying it each time (which
    /// made building a list item by item quadratic).
    func callMutating(_ objExpr: Expr, _ obj: inout Value, _ name: String, _ args: Arguments, _ f: Frame) throws -> Value? {
        try chargeMutation(obj, name, args)
        var target = obj
        obj = .none
        let slot = Slot(objExpr, f)
        slot.store(.none)
        defer { slot.store(target) }
        let known = forgetNesting(target)
        let r = try Methods.mutate(&target, name, args, self)
        if r == nil {
            // Not a method of this type: hand the receiver back rather than evaluating it again.
            obj = target
        } else if let known, case .list(let a) = target, name == "append" || name == "insert" || name == "extend",
                  a.count >= NestingCache.minimumCount {
            // A list of rows grown item by item keeps its known depth (the usual `rows.append(row)`).
            let added: [Value] = name == "extend" ? [] : [args.get(name == "append" ? 0 : 1, "object") ?? .none]
            var scan = NestingScan(cache: budget.nesting)
            var d = max(known, 1 + scan.items(added, limit: RenderLimits.maxNesting))
            if name == "extend" { d = RenderLimits.maxNesting + 1 }
            if d <= RenderLimits.maxNesting { budget.nesting.record(NestingCache.storage(of: a), d) }
        }
        return r
    }

    /// Forgets the known nesting depth of a list or dict about to be changed in place (its
    /// storage stays the same while its items change), returning it.
    @inline(never) private func forgetNesting(_ v: Value) -> Int? {
        guard let s = NestingCache.storage(v) else { return nil }
        let id = ObjectIdentifier(s)
        let d = budget.nesting.depth(id)
        budget.nesting.forget(id)
        return d
    }

    /// Charges what a mutating method adds and refuses values it would nest too deeply.
    private func chargeMutation(_ obj: Value, _ name: String, _ args: Arguments) throws {
        switch (obj, name) {
        case (.list, "append"), (.list, "insert"):
            if let x = args.get(name == "append" ? 0 : 1, "object") { try checkNesting(x) }
            try budget.charge(RenderBudget.itemBytes)
        case (.list, "extend"):
            if let x = args.get(0, "iterable") { try budget.chargeItems(x.itemCountEstimate) }
        case (.dict, "update"):
            var added: [Value] = args.keywords.map { $0.1 }
            if case .dict(let other)? = args.positional.first { added += other.values }
            try checkNesting(added)
            try budget.chargeItems(added.count, unit: 2)
        case (.dict, "setdefault"):
            if let x = args.get(1, "default") { try checkNesting(x) }
            try budget.charge(2 * RenderBudget.itemBytes)
        case (.list(let a), "sort"):
            try budget.chargeItems(a.count)
        default: break
        }
    }

    /// Where a receiver lives: a variable of some scope, or a namespace attribute.
    private struct Slot {
        var frame: Frame?
        var namespace: Namespace?
        var name = ""

        init(_ e: Expr, _ f: Frame) {
            switch e {
            case .name(let n):
                var fr: Frame? = f
                while let x = fr {
                    if x.local(n) != nil {
                        frame = x
                        name = n
                        return
                    }
                    fr = x.parent
                }
            case .getattr(.name(let n), let attr):
                if case .object(let o)? = f.lookup(n), let ns = o as? Namespace {
                    namespace = ns
                    name = attr
                }
            default: break
            }
        }

        func store(_ v: Value) {
            if let frame { frame.set(name, v) }
            if let namespace, namespace.attrs[name] != nil { namespace.attrs[name] = v }
        }
    }

    /// Empties the scopes and namespaces that may form reference cycles, once the render is over.
    ///
    /// Without this, a scope that defines a macro (the macro holds the scope) or a namespace that
    /// holds itself is never freed, and every such render leaks its values. Emptying them one by
    /// one while this array still holds them all also means a long chain of namespaces is freed
    /// link by link rather than by one deep recursion.
    func breakCycles() {
        let objects = cyclic
        cyclic = []
        for o in objects {
            if let f = o as? Frame { f.reset() } else if let ns = o as? Namespace { ns.attrs = PyDict() }
        }
    }

    /// Remembers an object to empty after the render (see `breakCycles`).
    func track(_ o: AnyObject) {
        if cyclic.last !== o { cyclic.append(o) }
    }
}

extension Value {
    /// How many items iterating this value gives, without using up a one-shot iterator
    /// (a string counts its UTF-8 bytes, an upper bound of its characters).
    var itemCountEstimate: Int {
        switch self {
        case .list(let a), .tuple(let a): return a.count
        case .string(let s), .markup(let s): return s.utf8.count
        case .dict(let d): return d.count
        case .object(let o):
            if let r = o as? RangeObject { return r.count }
            if let it = o as? LazyIterator { return it.items.count - it.position }
            return 0
        default: return 0
        }
    }
}
