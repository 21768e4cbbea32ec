import Foundation

/// Collects the variable names a piece of template reads (to decide what a macro accepts).
enum NameScanner {
    static func targetNames(_ t: Target) -> [String] {
        switch t {
        case .name(let n): return [n]
        case .tuple(let ts): return ts.flatMap(targetNames)
        case .attr: return []
        }
    }

    /// The names a scope assigns unconditionally (`set`, macros, imports at its own level, not in
    /// `if` branches or nested scopes). Jinja2 resolves such a name, read from a nested scope
    /// before the assignment ran, to undefined rather than to an outer value. (Names assigned in
    /// only some `if` branches fall back to the outer value, so they are not listed.)
    static func stores(_ nodes: [Node]) -> [String] {
        var out: [String] = []
        func visit(_ nodes: [Node]) {
            for n in nodes {
                switch n {
                case .set(let t, _, _), .setBlock(let t, _, _, _):
                    for x in targetNames(t) where !out.contains(x) { out.append(x) }
                case .macro(let m): if !out.contains(m.name) { out.append(m.name) }
                case .importAs(_, let alias, _, _): if !out.contains(alias) { out.append(alias) }
                case .fromImport(_, let names, _, _): for (_, a) in names where !out.contains(a) { out.append(a) }
                default: break
                }
            }
        }
        visit(nodes)
        return out
    }

    /// Whether `nodes` define a macro or call block anywhere (these capture their scope).
    static func definesClosures(_ nodes: [Node]) -> Bool {
        for n in nodes {
            switch n {
            case .macro, .callBlock: return true
            case .ifChain(let br, let el, _):
                if br.contains(where: { definesClosures($0.1) }) || definesClosures(el) { return true }
            case .forLoop(let f): if definesClosures(f.body) || definesClosures(f.elseBody) { return true }
            case .setBlock(_, let b, _, _), .filterBlock(let b, _, _), .autoescape(_, let b):
                if definesClosures(b) { return true }
            case .with(let w): if definesClosures(w.body) { return true }
            case .block(let b): if definesClosures(b.body) { return true }
            default: break
            }
        }
        return false
    }

    static func collect(_ nodes: [Node], into names: inout Set<String>) {
        for n in nodes { collect(n, into: &names) }
    }

    static func collect(_ n: Node, into names: inout Set<String>) {
        switch n {
        case .output: break
        case .print(let e, _): collect(e, into: &names)
        case .ifChain(let br, let el, _):
            for (c, b) in br { collect(c, into: &names); collect(b, into: &names) }
            collect(el, into: &names)
        case .forLoop(let f):
            collect(f.iter, into: &names); collect(f.body, into: &names); collect(f.elseBody, into: &names)
            if let fl = f.filter { collect(fl, into: &names) }
        case .set(_, let e, _): collect(e, into: &names)
        case .setBlock(_, let b, let f, _): collect(b, into: &names); if let f { collect(f, into: &names) }
        case .block(let b): collect(b.body, into: &names)
        case .extends(let e, _), .include(let e, _, _, _), .importAs(let e, _, _, _), .fromImport(let e, _, _, _):
            collect(e, into: &names)
        case .macro: break
        case .callBlock(let c, let m, _):
            collect(c, into: &names)
            for d in m.defaults { if let d { collect(d, into: &names) } }
        case .filterBlock(let b, let f, _): collect(b, into: &names); collect(f, into: &names)
        case .with(let w):
            for (_, e) in w.assigns { collect(e, into: &names) }
            collect(w.body, into: &names)
        case .autoescape(let e, let b): collect(e, into: &names); collect(b, into: &names)
        }
    }

    static func collect(_ a: CallArgs, into names: inout Set<String>) {
        for e in a.args { collect(e, into: &names) }
        for (_, e) in a.kwargs { collect(e, into: &names) }
        if let s = a.star { collect(s, into: &names) }
        if let s = a.starstar { collect(s, into: &names) }
    }

    static func collect(_ e: Expr, into names: inout Set<String>) {
        switch e {
        case .const: break
        case .name(let n): names.insert(n)
        case .list(let a), .tuple(let a), .concat(let a): for x in a { collect(x, into: &names) }
        case .dict(let p): for (k, v) in p { collect(k, into: &names); collect(v, into: &names) }
        case .getattr(let x, _), .neg(let x), .pos(let x), .not(let x): collect(x, into: &names)
        case .getitem(let a, let b), .binary(_, let a, let b), .and(let a, let b), .or(let a, let b):
            collect(a, into: &names); collect(b, into: &names)
        case .slice(let a, let b, let c):
            for x in [a, b, c] { if let x { collect(x, into: &names) } }
        case .compare(let a, let ops):
            collect(a, into: &names)
            for (_, x) in ops { collect(x, into: &names) }
        case .condexpr(let a, let b, let c):
            collect(a, into: &names); collect(b, into: &names); if let c { collect(c, into: &names) }
        case .filter(let x, _, let a, _):
            if let x { collect(x, into: &names) }
            collect(a, into: &names)
        case .test(let x, _, let a, _), .call(let x, let a, _):
            collect(x, into: &names); collect(a, into: &names)
        }
    }
}
