import Foundation

/// Builds the syntax tree from tokens, reporting errors in Jinja2's words.
struct Parser {
    let tokens: [Token]
    let map: SourceMap
    let name: String?
    var pos = 0
    /// Open tags, innermost last, with the end tags they wait for.
    var tagStack: [(tag: String, ends: [String])] = []
    var blockNames: Set<String> = []
    var depth = 0

    init(tokens: [Token], map: SourceMap, name: String?) {
        self.tokens = tokens
        self.map = map
        self.name = name
    }

    var current: Token { tokens[pos] }
    func peek(_ k: Int = 1) -> Token { tokens[min(pos + k, tokens.count - 1)] }

    /// The position of `t` packed as `line << 16 | column` (column capped at 65535); nodes store
    /// this so runtime errors can report both.
    func line(_ t: Token) -> Int {
        let (l, c) = map.location(t.offset)
        return l << 16 | min(c, 0xFFFF)
    }

    func fail(_ message: String, _ t: Token? = nil) -> JinjaError {
        let tok = t ?? current
        let (l, c) = map.location(tok.offset)
        return .syntax(message, line: l, column: c, name: name)
    }

    /// Limits how deeply expressions and statements nest, so evaluation cannot exhaust the stack.
    static let maxDepth = 120

    mutating func deeper(_ n: Int = 1) throws {
        depth += n
        if depth > Parser.maxDepth { throw fail("template nesting too deep (more than \(Parser.maxDepth) levels)") }
    }

    mutating func next() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    /// Whether any name token in the template is `name` (a cheap, conservative usage check).
    func mentions(_ name: String) -> Bool {
        tokens.contains { $0.kind == .name && $0.text == name }
    }

    func isOp(_ s: String) -> Bool { current.kind == .op && current.text == s }
    func isName(_ s: String) -> Bool { current.kind == .name && current.text == s }

    mutating func skipOp(_ s: String) -> Bool {
        if isOp(s) { pos += 1; return true }
        return false
    }

    mutating func skipName(_ s: String) -> Bool {
        if isName(s) { pos += 1; return true }
        return false
    }

    func describe(_ t: Token) -> String { t.describe }

    mutating func expectOp(_ s: String) throws {
        if isOp(s) { pos += 1; return }
        if current.kind == .eof { throw fail("unexpected end of template, expected '\(s)'.") }
        throw fail("expected token '\(s)', got '\(describe(current))'")
    }

    mutating func expect(_ kind: TokenKind) throws -> Token {
        if current.kind == kind { return next() }
        let want = Token(kind: kind, text: "", offset: 0).describe
        if current.kind == .eof { throw fail("unexpected end of template, expected '\(want)'.") }
        throw fail("expected token '\(want)', got '\(describe(current))'")
    }

    mutating func expectName() throws -> String {
        if current.kind == .name { return next().text }
        if current.kind == .eof { throw fail("unexpected end of template, expected 'name'.") }
        throw fail("expected token 'name', got '\(describe(current))'")
    }

    // MARK: - Template structure

    mutating func parseTemplate() throws -> [Node] {
        let (body, _) = try subparse(ends: [])
        if current.kind != .eof { throw fail("unexpected '\(describe(current))'") }
        return body
    }

    /// Parses nodes until one of `ends` appears as a tag name (left current) or the end.
    mutating func subparse(ends: [String]) throws -> ([Node], String?) {
        var body: [Node] = []
        try deeper()
        defer { depth -= 1 }
        while true {
            let t = current
            switch t.kind {
            case .data:
                pos += 1
                body.append(.output(t.text))
            case .variableBegin:
                pos += 1
                let e = try parseTuple(withCondexpr: true)
                _ = try expect(.variableEnd)
                body.append(.print(e, line: line(t)))
            case .blockBegin:
                pos += 1
                if current.kind == .name, ends.contains(current.text) {
                    return (body, next().text)
                }
                if let n = try parseStatement() { body.append(n) }
            case .eof:
                if !ends.isEmpty { throw endOfTemplateError() }
                return (body, nil)
            default:
                throw fail("unexpected '\(describe(t))'")
            }
        }
    }

    func lookingFor() -> String {
        guard let top = tagStack.last else { return "" }
        var ends: [String] = []
        for s in tagStack.reversed() { ends.append(contentsOf: s.ends) ; break }
        let quoted = ends.map { "'\($0)'" }
        let list = quoted.joined(separator: " or ")
        return " Jinja was looking for the following tags: \(list). The innermost block that needs to be closed is '\(top.tag)'."
    }

    func endOfTemplateError() -> JinjaError {
        fail("Unexpected end of template." + lookingFor())
    }

    mutating func expectBlockEnd() throws {
        if current.kind == .blockEnd { pos += 1; return }
        if current.kind == .eof { throw fail("unexpected end of template, expected 'end of statement block'.") }
        throw fail("expected token 'end of statement block', got '\(describe(current))'")
    }

    /// Parses the body of a tag up to one of its end tags; returns the end tag found (already consumed as name).
    mutating func body(_ tag: String, ends: [String]) throws -> ([Node], String) {
        tagStack.append((tag, ends))
        defer { tagStack.removeLast() }
        let (nodes, end) = try subparse(ends: ends)
        guard let end else { throw endOfTemplateError() }
        return (nodes, end)
    }

    mutating func parseStatement() throws -> Node? {
        let t = current
        guard t.kind == .name else {
            if t.kind == .eof { throw fail("unexpected end of template") }
            throw fail("tag name expected")
        }
        let ln = line(t)
        switch t.text {
        case "if": pos += 1; return try parseIf(ln)
        case "for": pos += 1; return try parseFor(ln)
        case "set": pos += 1; return try parseSet(ln)
        case "block": pos += 1; return try parseBlock(ln)
        case "extends":
            pos += 1
            let e = try parseExpression(withCondexpr: true)
            try expectBlockEnd()
            return .extends(e, line: ln)
        case "include": pos += 1; return try parseInclude(ln)
        case "import": pos += 1; return try parseImport(ln)
        case "from": pos += 1; return try parseFrom(ln)
        case "macro": pos += 1; return try parseMacro(ln)
        case "call": pos += 1; return try parseCallBlock(ln)
        case "filter": pos += 1; return try parseFilterBlock(ln)
        case "with": pos += 1; return try parseWith(ln)
        case "autoescape":
            pos += 1
            let e = try parseExpression(withCondexpr: true)
            try expectBlockEnd()
            let (b, _) = try body("autoescape", ends: ["endautoescape"])
            try expectBlockEnd()
            return .autoescape(e, b)
        default:
            var msg = "Encountered unknown tag '\(t.text)'."
            if !tagStack.isEmpty { msg += lookingFor() }
            throw fail(msg, t)
        }
    }

    mutating func parseIf(_ ln: Int) throws -> Node {
        var branches: [(Expr, [Node])] = []
        var elseBody: [Node] = []
        var cond = try parseTuple(withCondexpr: false)
        while true {
            try expectBlockEnd()
            let (b, end) = try body("if", ends: ["elif", "else", "endif"])
            branches.append((cond, b))
            if end == "elif" {
                cond = try parseTuple(withCondexpr: false)
                continue
            }
            if end == "else" {
                try expectBlockEnd()
                let (eb, _) = try body("if", ends: ["endif"])
                elseBody = eb
            }
            try expectBlockEnd()
            return .ifChain(branches, elseBody, line: ln)
        }
    }

    mutating func parseFor(_ ln: Int) throws -> Node {
        let target = try parseAssignTarget(extraEnd: ["in"])
        if !skipName("in") { throw fail("expected token 'in', got '\(describe(current))'") }
        let iter = try parseTuple(withCondexpr: false, extraEnd: ["recursive"])
        var filter: Expr?
        if skipName("if") { filter = try parseExpression(withCondexpr: true) }
        let recursive = skipName("recursive")
        try expectBlockEnd()
        let (b, end) = try body("for", ends: ["endfor", "else"])
        var elseBody: [Node] = []
        if end == "else" {
            try expectBlockEnd()
            (elseBody, _) = try body("for", ends: ["endfor"])
        }
        try expectBlockEnd()
        var loop = ForLoop(target: target, iter: iter, body: b, elseBody: elseBody, filter: filter, recursive: recursive, line: ln)
        loop.bodyCapturesScope = NameScanner.definesClosures(b)
        let targets = NameScanner.targetNames(target)
        loop.stores = NameScanner.stores(b).filter { !targets.contains($0) && $0 != "loop" }
        return .forLoop(loop)
    }

    mutating func parseSet(_ ln: Int) throws -> Node {
        let target = try parseAssignTarget(withNamespace: true)
        if skipOp("=") {
            let e = try parseTuple(withCondexpr: true)
            try expectBlockEnd()
            return .set(target, e, line: ln)
        }
        var filter: Expr?
        if isOp("|") { filter = try parseFilterChain(nil) }
        try expectBlockEnd()
        let (b, _) = try body("set", ends: ["endset"])
        try expectBlockEnd()
        return .setBlock(target, b, filter, line: ln)
    }

    mutating func parseBlock(_ ln: Int) throws -> Node {
        let nameTok = current
        let name = try expectName()
        if blockNames.contains(name) {
            throw fail("block '\(name)' defined twice", nameTok)
        }
        blockNames.insert(name)
        var scoped = false, required = false
        while current.kind == .name {
            if skipName("scoped") { scoped = true } else if skipName("required") { required = true } else { break }
        }
        if isOp("-") { throw fail("Use an underscore instead") }
        try expectBlockEnd()
        let (b, _) = try body("block", ends: ["endblock"])
        if current.kind == .name {
            let endName = next().text
            if endName != name { throw fail("mismatching name in endblock: expected '\(name)', got '\(endName)'") }
        }
        try expectBlockEnd()
        if required {
            for n in b {
                switch n {
                case .output(let s) where s.allSatisfy({ $0.isWhitespace }): continue
                default: throw fail("Required blocks can only contain comments or whitespace")
                }
            }
        }
        return .block(BlockDef(name: name, body: b, scoped: scoped, required: required, usesSuper: mentions("super"),
                               templateName: self.name))
    }

    mutating func parseContextModifier(default value: Bool) throws -> Bool {
        if (isName("with") || isName("without")) && peek().kind == .name && peek().text == "context" {
            let w = next().text == "with"
            pos += 1
            return w
        }
        return value
    }

    mutating func parseInclude(_ ln: Int) throws -> Node {
        let e = try parseExpression(withCondexpr: true)
        var ignore = false
        if isName("ignore") && peek().kind == .name && peek().text == "missing" {
            pos += 2
            ignore = true
        }
        let ctx = try parseContextModifier(default: true)
        try expectBlockEnd()
        return .include(e, ignoreMissing: ignore, withContext: ctx, line: ln)
    }

    mutating func parseImport(_ ln: Int) throws -> Node {
        let e = try parseExpression(withCondexpr: true)
        if !skipName("as") { throw fail("expected token 'as', got '\(describe(current))'") }
        let alias = try expectName()
        let ctx = try parseContextModifier(default: false)
        try expectBlockEnd()
        return .importAs(e, alias, withContext: ctx, line: ln)
    }

    mutating func parseFrom(_ ln: Int) throws -> Node {
        let e = try parseExpression(withCondexpr: true)
        if !skipName("import") { throw fail("expected token 'import', got '\(describe(current))'") }
        var names: [(String, String)] = []
        var ctx = false
        while true {
            if !names.isEmpty {
                if !skipOp(",") { break }
            }
            if (isName("with") || isName("without")) && peek().kind == .name && peek().text == "context" {
                break
            }
            if current.kind != .name { break }
            let n = next().text
            if n.hasPrefix("_") { throw fail("names starting with an underline can not be imported") }
            var alias = n
            if skipName("as") { alias = try expectName() }
            names.append((n, alias))
        }
        ctx = try parseContextModifier(default: false)
        if names.isEmpty { throw fail("expected token 'name', got '\(describe(current))'") }
        try expectBlockEnd()
        return .fromImport(e, names, withContext: ctx, line: ln)
    }

    mutating func parseSignature() throws -> ([String], [Expr?]) {
        var params: [String] = []
        var defaults: [Expr?] = []
        try expectOp("(")
        while !isOp(")") {
            if !params.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            let n = try expectName()
            params.append(n)
            if skipOp("=") {
                defaults.append(try parseExpression(withCondexpr: true))
            } else {
                if defaults.contains(where: { $0 != nil }) { throw fail("non-default argument follows default argument") }
                defaults.append(nil)
            }
        }
        try expectOp(")")
        return (params, defaults)
    }

    mutating func parseMacro(_ ln: Int) throws -> Node {
        let name = try expectName()
        let (params, defaults) = try parseSignature()
        try expectBlockEnd()
        let (b, _) = try body("macro", ends: ["endmacro"])
        if current.kind == .name { pos += 1 }
        try expectBlockEnd()
        return .macro(makeMacro(name, params, defaults, b))
    }

    func makeMacro(_ name: String, _ params: [String], _ defaults: [Expr?], _ body: [Node]) -> MacroDef {
        var names = Set<String>()
        NameScanner.collect(body, into: &names)
        return MacroDef(name: name, params: params, defaults: defaults, body: body,
                        usesCaller: names.contains("caller") && !params.contains("caller"),
                        usesVarargs: names.contains("varargs") && !params.contains("varargs"),
                        usesKwargs: names.contains("kwargs") && !params.contains("kwargs"))
    }

    mutating func parseCallBlock(_ ln: Int) throws -> Node {
        var params: [String] = []
        var defaults: [Expr?] = []
        if isOp("(") { (params, defaults) = try parseSignature() }
        let callTok = current
        let call = try parseExpression(withCondexpr: true)
        guard case .call = call else { throw fail("expected call", callTok) }
        try expectBlockEnd()
        let (b, _) = try body("call", ends: ["endcall"])
        try expectBlockEnd()
        return .callBlock(call, makeMacro("caller", params, defaults, b), line: ln)
    }

    mutating func parseFilterBlock(_ ln: Int) throws -> Node {
        let f = try parseFilterChain(nil, requirePipe: false)
        try expectBlockEnd()
        let (b, _) = try body("filter", ends: ["endfilter"])
        try expectBlockEnd()
        return .filterBlock(b, f, line: ln)
    }

    mutating func parseWith(_ ln: Int) throws -> Node {
        var assigns: [(Target, Expr)] = []
        while current.kind != .blockEnd {
            if !assigns.isEmpty { try expectOp(",") }
            let t = try parseAssignTarget()
            try expectOp("=")
            assigns.append((t, try parseExpression(withCondexpr: true)))
        }
        try expectBlockEnd()
        let (b, _) = try body("with", ends: ["endwith"])
        try expectBlockEnd()
        var declared = NameScanner.stores(b)
        for (t, _) in assigns { declared.removeAll { NameScanner.targetNames(t).contains($0) } }
        return .with(WithBlock(assigns: assigns, body: b, stores: declared))
    }

    // MARK: - Assignment targets

    mutating func parseAssignTarget(withNamespace: Bool = false, extraEnd: [String] = []) throws -> Target {
        if withNamespace && current.kind == .name && peek().kind == .op && peek().text == "." {
            let ns = next().text
            pos += 1
            let attr = try expectName()
            return .attr(ns, attr)
        }
        var items: [Target] = []
        var isTuple = false
        while true {
            if !items.isEmpty {
                if !skipOp(",") { break }
                isTuple = true
            }
            if current.kind == .blockEnd || current.kind == .eof || isOp("=") || isOp(")") { break }
            if current.kind == .name && extraEnd.contains(current.text) { break }
            if skipOp("(") {
                let inner = try parseAssignTarget(extraEnd: extraEnd)
                try expectOp(")")
                items.append(inner)
                continue
            }
            let tok = current
            let n = try expectName()
            if ["true", "false", "none", "True", "False", "None"].contains(n) {
                throw fail("can't assign to '\(n)'", tok)
            }
            items.append(.name(n))
        }
        if items.isEmpty { throw fail("expected token 'name', got '\(describe(current))'") }
        return isTuple || items.count > 1 ? .tuple(items) : items[0]
    }

}
