import Foundation
import HeraldTestSupport
import Jinja

/// One generated input: a template, the partials it may include, and its context data.
struct FuzzInput {
    var source: String
    var partials: [String: String]
    var data: Value
}

/// Generates templates from a grammar of Jinja2: loops, conditionals, macros with `caller`,
/// filters with arguments, `set` (also blocks and namespace attributes), includes, tests, string
/// and list building, and now and then a known attack shape (doubling, deep wrapping, huge
/// repetition, quadratic-looking filters), so limits are exercised as well as the happy path.
struct TemplateGenerator {
    var rng: SplitMix64
    /// Names in scope (context keys, loop and `set` variables).
    private var names: [String] = ["user", "items", "n", "s", "d", "xs", "html"]
    private var depth = 0

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &rng) }
    mutating func pick<T>(_ a: [T]) -> T { a[int(0...(a.count - 1))] }

    mutating func input() -> FuzzInput {
        names = ["user", "items", "n", "s", "d", "xs", "html"]
        var partials: [String: String] = [:]
        for i in 0..<int(0...2) { partials["part\(i).txt"] = block(statements: int(1...3)) }
        partials["macros.txt"] = "{% macro shout(x) %}{{ x|string|upper }}!{% endmacro %}{% macro wrap(t='p') %}<{{ t }}>{{ caller() }}</{{ t }}>{% endmacro %}"
        return FuzzInput(source: block(statements: int(1...8)), partials: partials, data: data())
    }

    // MARK: - Statements

    mutating func block(statements: Int) -> String {
        (0..<statements).map { _ in statement() }.joined()
    }

    mutating func statement() -> String {
        depth += 1
        defer { depth -= 1 }
        if depth > 4 { return chance(50) ? text() : "{{ \(expr()) }}" }
        switch int(0...19) {
        case 0, 1: return text()
        case 2, 3, 4: return "{{ \(expr()) }}"
        case 5:
            var s = "{% if \(condition()) %}\(block(statements: int(1...2)))"
            if chance(40) { s += "{% elif \(condition()) %}\(block(statements: 1))" }
            if chance(50) { s += "{% else %}\(block(statements: 1))" }
            return s + "{% endif %}"
        case 6, 7:
            let v = pick(["x", "item", "row", "c"])
            let head = chance(20) ? "\(v), \(v)2" : v
            let iter = iterable()
            let filter = chance(20) ? " if \(condition())" : ""
            names.append(v)
            defer { names.removeLast() }
            let body = block(statements: int(1...3)) + (chance(30) ? "{{ loop.index }}{% if loop.last %}.{% endif %}" : "")
            let elseBody = chance(20) ? "{% else %}\(text())" : ""
            return "{% for \(head) in \(iter)\(filter) %}\(body)\(elseBody){% endfor %}"
        case 8:
            let v = pick(["a", "b", "acc", "t"])
            names.append(v)
            return "{% set \(v) = \(expr()) %}"
        case 9:
            names.append("ns")
            return "{% set ns = namespace(v=\(expr()), l=[]) %}"
        case 10:
            return names.contains("ns") ? "{% set ns.v = \(expr()) %}{% set ns.l = ns.l + [\(expr())] %}" : text()
        case 11:
            let v = pick(["cap", "buf"])
            let body = block(statements: int(1...2))
            names.append(v)
            return "{% set \(v) %}\(body){% endset %}"
        case 12:
            let params = pick(["", "p", "p, q=2", "p=none"])
            let body = block(statements: int(1...2)) + (chance(50) ? "{{ caller() }}" : "") + (params.isEmpty ? "" : "{{ p }}")
            let args = params.isEmpty ? "" : expr()
            let def = "{% macro m\(depth)(\(params)) %}\(body){% endmacro %}"
            if chance(60) { return def + "{% call m\(depth)(\(args)) %}\(block(statements: 1)){% endcall %}" }
            return def + "{{ m\(depth)(\(args)) }}"
        case 13:
            return chance(50) ? "{% include 'part\(int(0...2)).txt' ignore missing %}" : "{% from 'macros.txt' import shout, wrap %}{{ shout(\(expr())) }}{% call wrap() %}\(text()){% endcall %}"
        case 14:
            return "{% with w = \(expr()) %}\(block(statements: 1)){{ w }}{% endwith %}"
        case 15:
            return "{% filter \(filterChain()) %}\(block(statements: 1)){% endfilter %}"
        case 16:
            return "{% autoescape \(chance(50) ? "true" : "false") %}\(block(statements: 1)){% endautoescape %}"
        case 17:
            return attack()
        default:
            return "{% if \(expr()) is \(test()) %}\(text()){% endif %}"
        }
    }

    /// Shapes that used to crash, stall or exhaust memory, with random sizes.
    mutating func attack() -> String {
        switch int(0...9) {
        case 0: return "{% set big = 'x' * \(pick([1000, 100000, 9000000])) %}" + String(repeating: "{% set big = big ~ big %}", count: int(1...12))
        case 1: return "{% set w = namespace(l=[]) %}{% for i in range(\(int(10...100000))) %}{% set w.l = [w.l] %}{% endfor %}{{ w.l|length }}"
        case 2: return "{{ ('<' * \(int(1...300000)))|striptags|length }}"
        case 3: return "{{ ('x' * \(int(1...300000)))|wordwrap(\(int(1...80)))|length }}"
        case 4: return "{% set me = namespace() %}{% set me.me = me %}{{ me }}"
        case 5: return "{% set l = [] %}{% for i in range(\(int(1...50000))) %}{% set _ = l.append(i) %}{% endfor %}{{ l|length }}"
        case 6: return "{{ (range(\(int(1...10000)))|list * \(int(1...1000)))|sort|length }}"
        case 7: return "{{ ('a@' * \(int(1...100000)))|urlize|length }}"
        case 8: return "{% set h = namespace(n=none) %}{% for i in range(\(int(1...5000))) %}{% set h.n = namespace(next=h.n) %}{% endfor %}{{ h.n|string|length }}"
        default: return "{{ ('a' * \(int(1...200000))).find('a' * \(int(1...100000)) ~ 'b') }}"
        }
    }

    mutating func text() -> String {
        pick(["hello ", "<b>", " & ", "\n", "ü", "{ ", "}", " x ", "Ω", "\t", "'\"", "%s", "{}", "-"])
    }

    // MARK: - Expressions

    mutating func expr() -> String {
        depth += 1
        defer { depth -= 1 }
        if depth > 7 { return atom() }
        switch int(0...15) {
        case 0, 1, 2: return atom()
        case 3: return "\(expr()) ~ \(expr())"
        case 4: return "(\(expr()) \(pick(["+", "-", "*", "//", "%", "/", "**"])) \(expr()))"
        case 5, 6: return "\(expr())|\(filterChain())"
        case 7: return "[\(list())]"
        case 8: return "{ \(pick(["'k'", "1", "'a'"])): \(expr()), 'z': \(expr()) }"
        case 9: return "(\(expr()) if \(condition()) else \(expr()))"
        case 10: return "(\(expr())).\(method())"
        case 11: return "\(pick(names))\(pick(["", ".name", "[0]", ".k", "['a']", "|first", "[1:3]"]))"
        case 12: return "\(pick(["range", "dict", "cycler", "joiner", "namespace", "lipsum"]))(\(list()))"
        case 13: return "'\(pick(["%s-%d", "{}:{}", "%(a)s", "{0!r:>8}"]))' % (\(expr()), \(expr()))"
        case 14: return "(\(expr()) \(pick(["==", "!=", "<", ">=", "in", "not in"])) \(expr()))"
        default: return "\(expr()) \(pick(["and", "or"])) \(expr())"
        }
    }

    mutating func atom() -> String {
        switch int(0...9) {
        case 0: return String(pick([0, 1, -1, 2, 3, 7, 63, 100, 9223372036854775807, -9223372036854775807]))
        case 1: return pick(["1.5", "-0.0", "1e300", "0.1"])
        case 2: return "'\(pick(["", "a", "a b c", "<i>x</i>", "a-b-c", "x@y.de", "www.example.com", "Ünï", "%", "{}"]))'"
        case 3: return pick(["none", "true", "false"])
        case 4: return "range(\(int(0...20)))"
        case 5: return "loop.index0"
        default: return pick(names)
        }
    }

    mutating func list() -> String {
        (0..<int(0...3)).map { _ in expr() }.joined(separator: ", ")
    }

    mutating func iterable() -> String {
        pick(["items", "xs", "range(\(int(0...30)))", "d", "s", "d|dictsort", "xs|batch(2)", "items|groupby('k')", "[\(list())]", "user.tags", "html|list"])
    }

    mutating func condition() -> String {
        chance(50) ? "\(expr()) is \(test())" : expr()
    }

    mutating func test() -> String {
        pick(["defined", "undefined", "none", "number", "string", "sequence", "mapping", "iterable", "odd", "even",
              "divisibleby(3)", "sameas(none)", "in([1, 2])", "lower", "upper", "escaped", "callable", "eq(1)"])
    }

    mutating func method() -> String {
        pick(["upper()", "lower()", "split()", "split(',')", "strip()", "replace('a', 'bb')", "join(['x', 'y'])", "title()",
              "center(9, '*')", "zfill(5)", "startswith('a')", "find('b')", "count('a')", "format(1, 2)", "items()", "keys()",
              "get('k')", "append(1)", "pop()", "copy()", "partition('-')", "ljust(6)"])
    }

    mutating func filterChain() -> String {
        (0..<int(1...3)).map { _ in filter() }.joined(separator: "|")
    }

    mutating func filter() -> String {
        pick(["upper", "lower", "title", "capitalize", "trim", "striptags", "escape", "e", "safe", "string", "length", "first",
              "last", "list", "sort", "reverse", "unique", "join(', ')", "replace('a', 'b')", "default('d')", "int", "float",
              "abs", "round(1)", "center(12)", "indent(2)", "truncate(9)", "wordwrap(5)", "wordcount", "urlize", "urlencode",
              "tojson", "pprint", "batch(2)", "slice(2)", "map('string')", "select('odd')", "reject('none')", "sum",
              "dictsort", "items", "groupby('k')", "format('x')", "max", "min", "xmlattr", "filesizeformat", "attr('name')",
              "selectattr('k')", "map(attribute='k')", "join(attribute='k')", "forceescape", "count"])
    }

    // MARK: - Data

    mutating func data() -> Value {
        var d = PyDict()
        d["user"] = .dict(PyDict([(.string("name"), .string("Ada <admin>")), (.string("tags"), .list(["x", "y", .int(int(0...9))])),
                                  (.string("age"), .int(int(0...99)))]))
        d["items"] = .list((0..<int(0...6)).map { _ in .dict(PyDict([(.string("k"), randomScalar()), (.string("v"), randomValue(2))])) })
        d["n"] = .int(int(-5...50))
        d["s"] = .string(pick(["", "hello world", "a,b,c", "<p>x &amp; y</p>", "ünïcødé", String(repeating: "ab ", count: int(0...50))]))
        d["d"] = randomValue(3)
        d["xs"] = .list((0..<int(0...8)).map { _ in randomScalar() })
        d["html"] = .markup("<em>safe</em>")
        return .dict(d)
    }

    mutating func randomScalar() -> Value {
        switch int(0...5) {
        case 0: return .int(int(-1000...1000))
        case 1: return .float(Double(int(-1000...1000)) / 7)
        case 2: return .bool(chance(50))
        case 3: return .none
        default: return .string(pick(["a", "B", "<x>", "a b", "", "ü", "1", "k"]))
        }
    }

    mutating func randomValue(_ levels: Int) -> Value {
        if levels == 0 || chance(30) { return randomScalar() }
        if chance(50) { return .list((0..<int(0...4)).map { _ in randomValue(levels - 1) }) }
        var d = PyDict()
        for _ in 0..<int(0...4) { d[.string(pick(["a", "b", "k", "name", "v"]))] = randomValue(levels - 1) }
        return .dict(d)
    }
}
