import Foundation

/// Expression grammar, in Jinja2's precedence order.
extension Parser {

    mutating func parseTuple(withCondexpr: Bool, extraEnd: [String] = [], explicitParens: Bool = false) throws -> Expr {
        var items: [Expr] = []
        var isTuple = false
        while true {
            if !items.isEmpty {
                if !skipOp(",") { break }
                isTuple = true
            }
            if isTupleEnd(extraEnd) { break }
            items.append(try parseExpression(withCondexpr: withCondexpr))
        }
        if !isTuple {
            if let only = items.first { return only }
            if !explicitParens {
                if current.kind == .eof { throw fail("unexpected end of template") }
                throw fail("Expected an expression, got '\(describe(current))'")
            }
        }
        return .tuple(items)
    }

    func isTupleEnd(_ extraEnd: [String]) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .eof: return true
        case .op: return current.text == ")"
        case .name: return extraEnd.contains(current.text)
        default: return false
        }
    }

    mutating func parseExpression(withCondexpr: Bool) throws -> Expr {
        try deeper()
        defer { depth -= 1 }
        return withCondexpr ? try parseCondexpr() : try parseOr()
    }

    mutating func parseCondexpr() throws -> Expr {
        var e = try parseOr()
        let base = depth
        defer { depth = base }
        while skipName("if") {
            try deeper()
            let cond = try parseOr()
            var other: Expr?
            if skipName("else") { other = try parseCondexpr() }
            e = .condexpr(cond, e, other)
        }
        return e
    }

    mutating func parseOr() throws -> Expr {
        var e = try parseAnd()
        let base = depth
        defer { depth = base }
        while skipName("or") { try deeper(); e = .or(e, try parseAnd()) }
        return e
    }

    mutating func parseAnd() throws -> Expr {
        var e = try parseNot()
        let base = depth
        defer { depth = base }
        while skipName("and") { try deeper(); e = .and(e, try parseNot()) }
        return e
    }

    mutating func parseNot() throws -> Expr {
        if skipName("not") {
            try deeper()
            defer { depth -= 1 }
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    mutating func parseCompare() throws -> Expr {
        let e = try parseMath1()
        var ops: [(CmpOp, Expr)] = []
        while true {
            if current.kind == .op, let op = CmpOp(rawValue: current.text), op != .in, op != .notin {
                pos += 1
                ops.append((op, try parseMath1()))
            } else if skipName("in") {
                ops.append((.in, try parseMath1()))
            } else if isName("not") && peek().kind == .name && peek().text == "in" {
                pos += 2
                ops.append((.notin, try parseMath1()))
            } else { break }
        }
        return ops.isEmpty ? e : .compare(e, ops)
    }

    mutating func parseMath1() throws -> Expr {
        var e = try parseConcat()
        let base = depth
        defer { depth = base }
        while current.kind == .op && (current.text == "+" || current.text == "-") {
            try deeper()
            let op: BinOp = next().text == "+" ? .add : .sub
            e = .binary(op, e, try parseConcat())
        }
        return e
    }

    mutating func parseConcat() throws -> Expr {
        var items = [try parseMath2()]
        while skipOp("~") { items.append(try parseMath2()) }
        return items.count == 1 ? items[0] : .concat(items)
    }

    mutating func parseMath2() throws -> Expr {
        var e = try parsePow()
        let base = depth
        defer { depth = base }
        while current.kind == .op, let op = BinOp(rawValue: current.text), op == .mul || op == .div || op == .floordiv || op == .mod {
            try deeper()
            pos += 1
            e = .binary(op, e, try parsePow())
        }
        return e
    }

    mutating func parsePow() throws -> Expr {
        var e = try parseUnary()
        let base = depth
        defer { depth = base }
        while skipOp("**") { try deeper(); e = .binary(.pow, e, try parseUnary()) }
        return e
    }

    mutating func parseUnary(withFilter: Bool = true) throws -> Expr {
        try deeper()
        defer { depth -= 1 }
        var e: Expr
        if skipOp("-") {
            e = .neg(try parseUnary(withFilter: false))
        } else if skipOp("+") {
            e = .pos(try parseUnary(withFilter: false))
        } else {
            e = try parsePrimary()
        }
        e = try parsePostfix(e)
        if withFilter { e = try parseFilterExpr(e) }
        return e
    }

    mutating func parsePrimary() throws -> Expr {
        let t = current
        switch t.kind {
        case .name:
            pos += 1
            switch t.text {
            case "true", "True": return .const(.bool(true))
            case "false", "False": return .const(.bool(false))
            case "none", "None": return .const(.none)
            default: return .name(t.text)
            }
        case .string:
            pos += 1
            var s = t.text
            while current.kind == .string { s += next().text }
            return .const(.string(s))
        case .integer:
            pos += 1
            return .const(.int(t.int))
        case .float:
            pos += 1
            return .const(.float(t.float))
        case .op:
            if t.text == "(" {
                pos += 1
                let e = try parseTuple(withCondexpr: true, explicitParens: true)
                try expectOp(")")
                return e
            }
            if t.text == "[" {
                pos += 1
                var items: [Expr] = []
                while !isOp("]") {
                    if !items.isEmpty { try expectOp(",") }
                    if isOp("]") { break }
                    items.append(try parseExpression(withCondexpr: true))
                }
                try expectOp("]")
                return .list(items)
            }
            if t.text == "{" {
                pos += 1
                var items: [(Expr, Expr)] = []
                while !isOp("}") {
                    if !items.isEmpty { try expectOp(",") }
                    if isOp("}") { break }
                    let k = try parseExpression(withCondexpr: true)
                    try expectOp(":")
                    items.append((k, try parseExpression(withCondexpr: true)))
                }
                try expectOp("}")
                return .dict(items)
            }
            throw fail("unexpected '\(t.text)'")
        case .eof:
            throw fail("unexpected end of template")
        default:
            throw fail("unexpected '\(describe(t))'")
        }
    }

    mutating func parsePostfix(_ start: Expr) throws -> Expr {
        var e = start
        let base = depth
        defer { depth = base }
        while true {
            try deeper()
            if isOp(".") {
                pos += 1
                let t = current
                if t.kind == .name { pos += 1; e = .getattr(e, t.text) }
                else if t.kind == .integer { pos += 1; e = .getitem(e, .const(.int(t.int))) }
                else { throw fail("expected name or number") }
            } else if isOp("[") {
                pos += 1
                var subs: [Expr] = []
                while !isOp("]") {
                    if !subs.isEmpty { try expectOp(",") }
                    if isOp("]") { break }
                    subs.append(try parseSubscribed())
                }
                try expectOp("]")
                if subs.isEmpty { throw fail("expected subscript expression") }
                e = .getitem(e, subs.count == 1 ? subs[0] : .tuple(subs))
            } else if isOp("(") {
                let ln = line(current)
                e = .call(e, try parseCallArgs(), line: ln)
            } else { break }
        }
        return e
    }

    mutating func parseSubscribed() throws -> Expr {
        var parts: [Expr?] = []
        if isOp(":") {
            pos += 1
            parts = [nil]
        } else {
            let e = try parseExpression(withCondexpr: true)
            if !skipOp(":") { return e }
            parts = [e]
        }
        if isOp("]") || isOp(",") { parts.append(nil) }
        else if !isOp(":") { parts.append(try parseExpression(withCondexpr: true)) }
        else { parts.append(nil) }
        if skipOp(":") {
            if isOp("]") || isOp(",") { parts.append(nil) } else { parts.append(try parseExpression(withCondexpr: true)) }
        } else { parts.append(nil) }
        return .slice(parts[0], parts[1], parts[2])
    }

    mutating func parseCallArgs() throws -> CallArgs {
        try expectOp("(")
        var a = CallArgs()
        var first = true
        while !isOp(")") {
            if !first { try expectOp(","); if isOp(")") { break } }
            first = false
            if skipOp("*") {
                a.star = try parseExpression(withCondexpr: true)
            } else if skipOp("**") {
                a.starstar = try parseExpression(withCondexpr: true)
            } else if current.kind == .name && peek().kind == .op && peek().text == "=" {
                let kTok = current
                let k = next().text
                if a.kwargs.contains(where: { $0.0 == k }) { throw fail("keyword argument repeated: \(k)", kTok) }
                pos += 1
                a.kwargs.append((k, try parseExpression(withCondexpr: true)))
            } else {
                if !a.kwargs.isEmpty || a.star != nil || a.starstar != nil {
                    throw fail("invalid syntax for function call expression")
                }
                a.args.append(try parseExpression(withCondexpr: true))
            }
        }
        try expectOp(")")
        return a
    }

    mutating func parseFilterExpr(_ start: Expr) throws -> Expr {
        var e = start
        let base = depth
        defer { depth = base }
        while true {
            try deeper()
            if isOp("|") {
                e = try parseFilterChain(e)
            } else if isName("is") {
                e = try parseTest(e)
            } else if isOp("(") {
                let ln = line(current)
                e = .call(e, try parseCallArgs(), line: ln)
            } else { break }
        }
        return e
    }

    mutating func parseDottedName() throws -> String {
        var n = try expectName()
        while isOp(".") && peek().kind == .name {
            pos += 1
            n += "." + next().text
        }
        return n
    }

    /// Parses `|f(args)|g ...`; with `requirePipe: false` the first filter has no leading pipe.
    mutating func parseFilterChain(_ input: Expr?, requirePipe: Bool = true) throws -> Expr {
        var e = input
        var first = !requirePipe
        let base = depth
        defer { depth = base }
        while first || isOp("|") {
            try deeper()
            if !first { pos += 1 }
            first = false
            let ln = line(current)
            let n = try parseDottedName()
            var args = CallArgs()
            if isOp("(") { args = try parseCallArgs() }
            e = .filter(e, n, args, line: ln)
        }
        return e!
    }

    mutating func parseTest(_ input: Expr) throws -> Expr {
        pos += 1
        let negated = skipName("not")
        let ln = line(current)
        let n = try parseDottedName()
        var args = CallArgs()
        if isOp("(") {
            args = try parseCallArgs()
        } else if [.name, .string, .integer, .float].contains(current.kind) || isOp("(") || isOp("[") || isOp("{") {
            if !(isName("else") || isName("or") || isName("and")) {
                if isName("is") { throw fail("You cannot chain multiple tests with is") }
                var arg = try parsePrimary()
                arg = try parsePostfix(arg)
                args.args = [arg]
            }
        }
        let t = Expr.test(input, n, args, line: ln)
        return negated ? .not(t) : t
    }
}
