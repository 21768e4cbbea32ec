import Foundation

/// Binary arithmetic operators.
enum BinOp: String, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", floordiv = "//", mod = "%", pow = "**"
}

/// Comparison operators.
enum CmpOp: String, Sendable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", `in` = "in", notin = "not in"
}

/// Arguments written at a call, filter or test site.
struct CallArgs: Sendable {
    var args: [Expr] = []
    var kwargs: [(String, Expr)] = []
    var star: Expr?
    var starstar: Expr?
}

/// An expression.
indirect enum Expr: Sendable {
    case const(Value)
    case name(String)
    case list([Expr])
    case tuple([Expr])
    case dict([(Expr, Expr)])
    case getattr(Expr, String)
    case getitem(Expr, Expr)
    case slice(Expr?, Expr?, Expr?)
    case binary(BinOp, Expr, Expr)
    case neg(Expr)
    case pos(Expr)
    case not(Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case compare(Expr, [(CmpOp, Expr)])
    case concat([Expr])
    case condexpr(Expr, Expr, Expr?)
    /// A filter application; a `nil` input means the body of a `filter` block.
    case filter(Expr?, String, CallArgs, line: Int)
    case test(Expr, String, CallArgs, line: Int)
    case call(Expr, CallArgs, line: Int)
}

/// The target of an assignment (`set`, `for`, `with`).
indirect enum Target: Sendable {
    case name(String)
    case tuple([Target])
    case attr(String, String)
}

/// A `for` loop.
struct ForLoop: Sendable {
    var target: Target
    var iter: Expr
    var body: [Node]
    var elseBody: [Node]
    var filter: Expr?
    var recursive: Bool
    var line: Int
    /// Whether the body defines macros or call blocks that could keep its scope alive.
    var bodyCapturesScope: Bool = true
    /// Names the body assigns (see `NameScanner.stores`).
    var stores: [String] = []
}

/// A `with` block.
struct WithBlock: Sendable {
    var assigns: [(Target, Expr)]
    var body: [Node]
    var stores: [String]
}

/// A macro definition (also used for the implicit `caller` of a `call` block).
final class MacroDef: Sendable {
    let name: String
    let params: [String]
    let defaults: [Expr?]
    let body: [Node]
    let usesCaller: Bool
    let usesVarargs: Bool
    let usesKwargs: Bool
    /// Names the body assigns (see `NameScanner.stores`).
    let stores: [String]

    init(name: String, params: [String], defaults: [Expr?], body: [Node], usesCaller: Bool, usesVarargs: Bool, usesKwargs: Bool) {
        self.stores = NameScanner.stores(body).filter { !params.contains($0) }
        self.name = name
        self.params = params
        self.defaults = defaults
        self.body = body
        self.usesCaller = usesCaller
        self.usesVarargs = usesVarargs
        self.usesKwargs = usesKwargs
    }
}

/// A `block` definition.
final class BlockDef: Sendable {
    let name: String
    let body: [Node]
    let scoped: Bool
    let required: Bool
    /// Names the body assigns (see `NameScanner.stores`).
    let stores: [String]
    /// Whether the body refers to `super` (so rendering it needs a `super()` function).
    let usesSuper: Bool
    /// The template the block is written in (its autoescape setting and error locations follow it).
    let templateName: String?
    init(name: String, body: [Node], scoped: Bool, required: Bool, usesSuper: Bool = true, templateName: String? = nil) {
        self.templateName = templateName
        self.stores = NameScanner.stores(body)
        self.usesSuper = usesSuper
        self.name = name
        self.body = body
        self.scoped = scoped
        self.required = required
    }
}

/// A template statement.
indirect enum Node: Sendable {
    case output(String)
    case print(Expr, line: Int)
    case ifChain([(Expr, [Node])], [Node], line: Int)
    case forLoop(ForLoop)
    case set(Target, Expr, line: Int)
    case setBlock(Target, [Node], Expr?, line: Int)
    case block(BlockDef)
    case extends(Expr, line: Int)
    case include(Expr, ignoreMissing: Bool, withContext: Bool, line: Int)
    case importAs(Expr, String, withContext: Bool, line: Int)
    case fromImport(Expr, [(String, String)], withContext: Bool, line: Int)
    case macro(MacroDef)
    case callBlock(Expr, MacroDef, line: Int)
    case filterBlock([Node], Expr, line: Int)
    case with(WithBlock)
    case autoescape(Expr, [Node])
}
