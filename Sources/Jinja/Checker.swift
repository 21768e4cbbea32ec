import Foundation

/// Compile-time checks Jinja2 makes: unknown filters and tests are errors unless they sit in a
/// branch that may not run (then they fail only when reached).
struct Checker {
    let name: String?
    let map: SourceMap
    let environment: Environment

    func fail(_ message: String, line: Int) -> JinjaError {
        JinjaError(.assertion, message, templateName: name, line: line >> 16, column: line & 0xFFFF)
    }

    func check(_ nodes: [Node]) throws {
        for n in nodes { try check(n) }
    }

    func check(_ n: Node) throws {
        switch n {
        case .output: break
        case .print(let e, _): try check(e)
        case .ifChain(let branches, _, _):
            if let first = branches.first { try check(first.0) }
        case .forLoop(let f):
            try check(f.iter)
            try check(f.body)
            try check(f.elseBody)
        case .set(_, let e, _): try check(e)
        case .setBlock(_, let b, let f, _):
            try check(b)
            if let f { try check(f) }
        case .block(let b): try check(b.body)
        case .extends(let e, _), .include(let e, _, _, _), .importAs(let e, _, _, _), .fromImport(let e, _, _, _):
            try check(e)
        case .macro(let m): try check(m.body)
        case .callBlock(let c, let m, _):
            try check(c)
            try check(m.body)
        case .filterBlock(let b, let f, _):
            try check(b)
            try check(f)
        case .with(let w):
            for (_, e) in w.assigns { try check(e) }
            try check(w.body)
        case .autoescape(let e, let b):
            try check(e)
            try check(b)
        }
    }

    func check(_ a: CallArgs) throws {
        for e in a.args { try check(e) }
        for (_, e) in a.kwargs { try check(e) }
        if let s = a.star { try check(s) }
        if let s = a.starstar { try check(s) }
    }

    func check(_ e: Expr) throws {
        switch e {
        case .const, .name: break
        case .list(let a), .tuple(let a), .concat(let a): for x in a { try check(x) }
        case .dict(let p): for (k, v) in p { try check(k); try check(v) }
        case .getattr(let x, _), .neg(let x), .pos(let x), .not(let x): try check(x)
        case .getitem(let a, let b), .binary(_, let a, let b): try check(a); try check(b)
        case .and(let a, _), .or(let a, _): try check(a)
        case .slice(let a, let b, let c): for x in [a, b, c] { if let x { try check(x) } }
        case .compare(let a, let ops):
            try check(a)
            for (_, x) in ops { try check(x) }
        case .condexpr(let cond, _, _): try check(cond)
        case .filter(let x, let name, let a, let line):
            if environment.filter(name) == nil { throw fail("No filter named '\(name)'.", line: line) }
            if let x { try check(x) }
            try check(a)
        case .test(let x, let name, let a, let line):
            if environment.test(name) == nil { throw fail("No test named '\(name)'.", line: line) }
            try check(x)
            try check(a)
        case .call(let x, let a, _):
            try check(x)
            try check(a)
        }
    }
}
