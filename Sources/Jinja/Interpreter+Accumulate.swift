import Foundation

/// `~` and accumulating assignments (`set x = x + [...]`, `set ns.s = ns.s ~ line`).
extension Interpreter {
    /// Whether `~` on these parts gives markup: with autoescaping, when a part is markup (Jinja2
    /// folds all-constant concatenations at compile time into a plain string).
    func concatEscapes(_ parts: some Collection<Value>, constant: Bool) -> Bool {
        autoescape && !constant && parts.contains(where: { $0.isMarkup })
    }

    /// `~` of already evaluated parts. Each part's text replaces it in `parts` first, then the
    /// total is charged before the result is allocated (no second array of texts).
    func concatenate(_ parts: inout [Value], constant: Bool) throws -> Value {
        let escaping = concatEscapes(parts, constant: constant)
        var total = 0
        for i in parts.indices {
            let t = try text(of: parts[i], escaping: escaping)
            total &+= t.utf8.count
            parts[i] = .string(t)
        }
        try budget.chargeString(total)
        var s = ""
        s.reserveCapacity(total)
        for p in parts { if case .string(let t) = p { s += t } }
        return escaping ? .markup(s) : .string(s)
    }

    /// A part's text in a `~`: escaped when the result is markup and the part is not.
    @inline(__always) private func text(of p: Value, escaping: Bool) throws -> String {
        if escaping && !p.isMarkup { return htmlEscape(try str(p)) }
        return try str(p)
    }

    /// Whether `set target = left ...` assigns to the variable or attribute `left` reads.
    @inline(__always) static func assignsItself(_ target: Target, _ left: Expr) -> Bool {
        switch (target, left) {
        case (.name(let n), .name(let m)): return n == m
        case (.attr(let ns, let a), .getattr(.name(let m), let b)): return ns == m && a == b
        default: return false
        }
    }

    /// `set x = x + rest` and `set x = x ~ rest` (or `ns.a` for `x`) in place: the value is
    /// taken out of its variable so it is the only reference, the new part is appended to its
    /// storage, and only what was added is charged. Building a list of rows or a text line by
    /// line was quadratic in time and in charged bytes, and refused long before Jinja2 slows down.
    ///
    /// Python semantics hold: the right side is evaluated first (it may read or change `x`), and
    /// when another variable shares the value, appending copies it (and the copy is charged).
    /// Returns `false`, having evaluated nothing, when the statement is not of this shape.
    func accumulate(_ target: Target, _ left: Expr, _ rest: ArraySlice<Expr>, concat: Bool, _ frame: Frame) throws -> Bool {
        // Where the left side lives: the variable being assigned, in the scope it is assigned in
        // (a loop body's `set` creates a new variable there), or the namespace attribute.
        var namespace: Namespace?
        let name: String
        switch (target, left) {
        case (.name(let n), .name(let m)) where n == m:
            guard frame.local(n) != nil else { return false }
            name = n
        case (.attr(let ns, let a), .getattr(.name(let m), let b)) where ns == m && a == b:
            guard case .object(let o)? = frame.lookup(ns), let n = o as? Namespace, n.attrs[a] != nil else { return false }
            namespace = n
            name = a
        default:
            return false
        }
        var parts: [Value] = []
        parts.reserveCapacity(rest.count + 1)
        for e in rest { parts.append(try eval(e, frame)) }
        func load() -> Value { namespace?.attrs[name] ?? frame.local(name) ?? .none }
        func store(_ v: Value) {
            if let namespace { namespace.attrs[name] = v } else { frame.set(name, v) }
        }
        var value = load()
        if concat {
            let constant = false
            let escaping = concatEscapes(CollectionOfOne(value), constant: constant) || concatEscapes(parts, constant: constant)
            // The left text stays as it is only if it needs no escaping.
            guard case .string(var s) = value.asText(markup: escaping) else {
                parts.insert(value, at: 0)
                try assign(target, try concatenate(&parts, constant: constant), frame)
                return true
            }
            var added = 0
            for i in parts.indices {
                let t = try text(of: parts[i], escaping: escaping)
                added &+= t.utf8.count
                parts[i] = .string(t)
            }
            value = .none
            store(.none)
            do {
                try appendText(&s, parts, added: added)
            } catch {
                store(escaping ? .markup(s) : .string(s))
                throw error
            }
            store(escaping ? .markup(s) : .string(s))
            return true
        }
        let right = parts[0]
        // Decided before any `switch` on `value`: a switch keeps a copy of its subject alive, and
        // the list must have a single owner to grow in place.
        if value.isList, case .list(let items) = right {
            if namespace != nil { try checkNesting(items, levels: 2) }
            var a = value.takeItems()
            store(.none)
            defer { store(.list(a)) }
            try appendItems(&a, items)
            return true
        }
        switch (value, right) {
        case (.string, .string), (.markup, .markup), (.markup, .string):
            let markup = value.isMarkup
            var t = right.plainString
            if markup && !right.isMarkup {
                let extra = htmlEscapeGrowth(t)
                if extra > 0 {
                    try budget.chargeString(t.utf8.count &+ extra)
                    t = htmlEscape(t)
                }
            }
            guard case .string(var s) = value.asText(markup: markup) else {
                try assign(target, try Operators.binary(.add, value, right, budget), frame)
                return true
            }
            value = .none
            store(.none)
            do {
                try appendText(&s, [.string(t)], added: t.utf8.count)
            } catch {
                store(markup ? .markup(s) : .string(s))
                throw error
            }
            store(markup ? .markup(s) : .string(s))
        default:
            try assign(target, try Operators.binary(.add, value, right, budget), frame)
        }
        return true
    }

    /// Appends the texts in `parts` to `s`, charging `added` bytes, or the whole result when
    /// `s` had to be copied (it was shared, or its buffer was full: geometric growth keeps that
    /// linear overall).
    private func appendText(_ s: inout String, _ parts: [Value], added: Int) throws {
        try budget.checkSize(s.utf8.count &+ added)
        let before = s.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil
        for p in parts { if case .string(let t) = p { s += t } }
        let after = s.utf8.withContiguousStorageIfAvailable { $0.baseAddress } ?? nil
        try budget.charge(before != nil && before == after ? added : s.utf8.count)
    }

    /// Appends `items` to `a` in place (see `appendText` for what is charged), keeping a known
    /// nesting depth of `a` up to date.
    func appendItems(_ a: inout [Value], _ items: [Value]) throws {
        try budget.checkSize(a.count &+ items.count)
        let big = a.count >= NestingCache.minimumCount
        // Identities only: holding the buffer would make it shared, and the append would copy it.
        let before: ObjectIdentifier? = a.isEmpty ? nil : NestingCache.identity(of: a)
        let known = big ? before.flatMap { budget.nesting.depth($0) } : nil
        if big, let before { budget.nesting.forget(before) }
        a.append(contentsOf: items)
        let after = NestingCache.identity(of: a)
        try budget.charge((before == after ? items.count : a.count) &* RenderBudget.itemBytes)
        if let known {
            var scan = NestingScan(cache: budget.nesting)
            let d = max(known, 1 + scan.items(items, limit: RenderLimits.maxNesting))
            budget.nesting.record(NestingCache.storage(of: a), d)
        }
    }
}

extension Value {
    /// The text of a string, or of markup when `markup` is set (as `.string`); `nil` otherwise.
    func asText(markup: Bool) -> Value? {
        switch self {
        case .string(let s): return markup ? nil : .string(s)
        case .markup(let s): return .string(s)
        default: return nil
        }
    }
}
