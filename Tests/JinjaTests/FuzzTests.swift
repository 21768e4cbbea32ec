import Foundation
import HeraldTestSupport
import Testing
@testable import Jinja

/// Throws random and mutated input at the lexer, parser and interpreter; the engine must never crash.
@Suite struct FuzzTests {
    typealias RNG = SplitMix64

    static let fragments = [
        "{{", "}}", "{%", "%}", "{#", "#}", "-", "+", "|", "(", ")", "[", "]", "{", "}", ",", ".", ":", "'", "\"", "\\",
        " if ", " else ", " for ", " in ", " endfor ", " endif ", " set ", " macro ", " endmacro ", " call ", " block ",
        " endblock ", " extends ", " include ", " import ", " raw ", " endraw ", " with ", " not ", " and ", " or ",
        " is ", "loop", "x", "1", "2.5", "'s'", "none", "range(3)", "upper", "join", "map", "attribute", "=", "==", "~",
        "*", "**", "//", "%", "\n", "  ", "ü", "\u{0}", "\r\n", "caller()", "super()", "loop.index", "namespace()", "-}}",
    ]

    static func seeds() -> [String] {
        var out = [
            "{% for x in xs %}{{ loop.index }}{{ x|upper }}{% else %}none{% endfor %}",
            "{% macro m(a, b=2) %}{{ a ~ b }}{{ caller() if caller }}{% endmacro %}{% call m(1) %}c{% endcall %}",
            "{% set ns = namespace(a=1) %}{% set ns.a = ns.a + 1 %}{{ ns.a }}{% raw %}{{ x }}{% endraw %}",
            "{{ xs|map('string')|join(', ') }} {{ d|dictsort }} {{ '%s-%d'|format('a', 3) }} {{ 'a' if x else 'b' }}",
            "{%- if x is defined and x > 1 -%} {{ x // 2 }} {%- elif x %}{{ -x }}{% endif %}{# c #}",
        ]
        let dir = TestPaths.corpusDirectory
        if let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) {
            for f in files.sorted() where f.hasSuffix(".json") {
                guard let text = try? String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8),
                      case .list(let items)? = try? Value.fromJSON(text) else { continue }
                for item in items { if let s = item["source"]?.stringOrNil { out.append(s) } }
            }
        }
        return out
    }

    func mutate(_ s: String, _ rng: inout RNG) -> String {
        var scalars = Array(s.unicodeScalars)
        let ops = Int.random(in: 1...4, using: &rng)
        for _ in 0..<ops {
            let pos = scalars.isEmpty ? 0 : Int.random(in: 0..<scalars.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !scalars.isEmpty:
                scalars.remove(at: pos)
            case 1:
                let frag = Self.fragments.randomElement(using: &rng)!
                scalars.insert(contentsOf: frag.unicodeScalars, at: min(pos, scalars.count))
            case 2 where scalars.count > 2:
                let end = min(scalars.count, pos + Int.random(in: 1...8, using: &rng))
                let piece = Array(scalars[pos..<end])
                scalars.insert(contentsOf: piece, at: Int.random(in: 0...scalars.count, using: &rng))
            default:
                if !scalars.isEmpty { scalars.swapAt(pos, Int.random(in: 0..<scalars.count, using: &rng)) }
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    func exercise(_ source: String, _ env: Environment, _ context: PyDict) {
        do {
            let t = try env.template(source: source, name: "fuzz")
            _ = try t.render(dict: context)
        } catch is JinjaError {
            // Any JinjaError is an acceptable outcome; crashes and other errors are not.
        } catch {
            Issue.record("non-Jinja error \(error) for \(String(reflecting: source))")
        }
    }

    @Test func mutatedAndRandomInputsNeverCrash() async throws {
        var config = Configuration()
        config.limits = RenderLimits(maxSteps: 20_000, maxRenderTime: 0.5, maxLoopIterations: 10_000, maxOutputBytes: 100_000,
                                     maxRange: 1000, maxRecursionDepth: 16)
        let env = Environment(loader: DictionaryLoader(["a": "{{ x }}", "b": "{% extends 'a' %}"]), configuration: config)
        var context = PyDict()
        context["xs"] = .list([1, "a", 2.5, .none])
        context["x"] = 3
        context["d"] = ["b": 1, "a": [1, 2]]
        var rng = RNG(seed: 0x5EED)
        let seeds = Self.seeds()
        // JINJA_FUZZ_ITERATIONS / JINJA_FUZZ_SEED allow long runs on demand; the default keeps `swift test` fast.
        let env2 = ProcessInfo.processInfo.environment
        let iterations = env2["JINJA_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 2500
        if let seed = env2["JINJA_FUZZ_SEED"].flatMap(UInt64.init) { rng = RNG(seed: seed) }
        for i in 0..<iterations {
            let source: String
            if i % 5 == 4 {
                source = (0..<Int.random(in: 1...25, using: &rng)).map { _ in Self.fragments.randomElement(using: &rng)! }.joined()
            } else {
                source = mutate(seeds[i % seeds.count], &rng)
            }
            exercise(source, env, context)
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let env = Environment()
        for source in [
            String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
            "{{ " + String(repeating: "[", count: 5000) + " }}",
            String(repeating: "{% if true %}", count: 3000) + "x",
            "{{ " + String(repeating: "-", count: 5000) + "1 }}",
            "{{ x" + String(repeating: "|upper", count: 5000) + " }}",
            "{{ " + String(repeating: "not ", count: 5000) + "x }}",
        ] {
            exercise("{{ " + source + " }}", env, PyDict())
            exercise(source, env, PyDict())
        }
    }
}

@Suite struct StackSafetyTests {
    /// The deepest nesting the parser accepts must render without exhausting a task's stack.
    @Test func deepestAcceptedNestingRenders() async throws {
        let env = Environment()
        var levels = 100
        var source = ""
        while true {
            source = String(repeating: "{% for i in [1] %}{% if true %}{% with x = i %}", count: levels) + "{{ (((x + 1) * 2) | string) ~ loop.index }}"
                + String(repeating: "{% endwith %}{% endif %}{% endfor %}", count: levels)
            do {
                _ = try env.template(source: source)
                break
            } catch {
                levels -= 5
                if levels <= 0 { Issue.record("nothing parses"); return }
            }
        }
        _ = try env.render(source: source)
        let macro = "{% macro r(n) %}{% if n > 0 %}{% for i in [1] %}{% with x = n %}{{ r(n - 1)|upper }}{% endwith %}{% endfor %}{% endif %}{% endmacro %}{{ r(60) }}"
        _ = try env.render(source: macro)
    }
}

@Suite struct NumericEdgeTests {
    static let sources = [
        "{{ -9223372036854775807 - 1 }}", "{{ (-9223372036854775807 - 1) // -1 }}", "{{ (-9223372036854775807 - 1) % -1 }}",
        "{{ 1e300|int }}", "{{ '%c' % 1e300 }}", "{{ '%d' % 1e300 }}", "{{ 9223372036854775807|round(-1) }}",
        "{{ range(-9223372036854775807, 9223372036854775807)|length }}", "{{ range(0, 10, -9223372036854775807 - 1)|list }}",
        "{{ -1e300|filesizeformat }}", "{{ 'x'|wordwrap(0) }}", "{{ 'x y'|wordwrap(-5) }}", "{{ '%.*f' % (-3, 1.5) }}",
        "{{ 'abc'[-9223372036854775807:9223372036854775807:-9223372036854775807] }}", "{{ [1, 2, 3][::-9223372036854775807] }}",
        "{{ (1e308 * 10)|int }}", "{{ 'nan'|float|int }}", "{{ 'nan'|float|round }}", "{{ 1e300|round(2) }}", "{{ 2 ** 62 * 4 }}",
        "{{ [5]|batch(-1)|list }}", "{{ [1]|slice(-1)|list }}", "{{ 'a'|center(-5) }}", "{{ 'a'|indent(-3) }}", "{{ 'a'|truncate(-1) }}",
        "{{ 'a'.zfill(-3) }}", "{{ 'a\tb'.expandtabs(-1) }}", "{{ 'ab'.split('b', -5) }}", "{{ ('%' * 1001) % () }}",
        "{{ '{:>-5}'.format(1) }}", "{{ '{0[999]}'.format([1]) }}", "{{ '{}'.format() }}", "{{ 1|round(-20) }}", "{{ 1.5|round(400) }}",
        "{{ 1.5|round(-400) }}", "{{ '%.400f' % 1 }}", "{{ 'x' * -9223372036854775807 }}", "{{ [1] * 9223372036854775807 }}",
        "{{ 9223372036854775807 + 1 }}", "{{ -9223372036854775807 - 2 }}", "{{ 2 ** 64 }}", "{{ (2 ** 62)|filesizeformat }}",
        "{{ 1e308|filesizeformat }}", "{{ '%e' % 1e308 }}", "{{ '{:e}'.format(-0.0) }}", "{{ '%x' % -255 }}", "{{ 9223372036854775807|abs }}",
        "{{ -9223372036854775807|round(-18) }}", "{{ 5 // -9223372036854775807 }}", "{{ 7 % (-9223372036854775807 - 1) }}",
        "{{ 'a'.center(9223372036854775807) }}", "{{ 'a' ~ 1e400 }}", "{{ -1e400|int }}", "{{ [1,2]|sum(start=9223372036854775807) }}",
    ]

    @Test(arguments: sources)
    func edgeNumbersNeverCrash(_ source: String) {
        do {
            _ = try Environment().render(source: source)
        } catch is JinjaError {
        } catch {
            Issue.record("non-Jinja error \(error)")
        }
    }
}

extension NumericEdgeTests {
    static let extremes = ["9223372036854775807", "(-9223372036854775807 - 1)", "-1", "0", "1", "2", "63", "1e308", "-1e308", "5e-324",
                           "1e400", "(0.0 / 1)", "'nan'|float", "-0.0", "'x'", "''", "[]", "[1, 2]", "none", "true", "'%s%d'", "'{}{:>9}'"]
    static let binaryOps = ["+", "-", "*", "/", "//", "%", "**", "~", "<", "==", "in"]
    static let filters = ["int", "float", "abs", "round", "round(-30)", "round(30)", "round(2, 'floor')", "string", "filesizeformat",
                          "center(5)", "truncate(3)", "wordwrap(1)", "batch(3)|list", "slice(3)|list", "first", "last", "sum", "max",
                          "format(1, 2)", "length", "tojson", "pprint", "urlencode", "title", "indent(3)", "list", "unique|list",
                          "sort", "reverse", "e", "striptags", "wordcount", "trim"]

    @Test func randomNumericSoupNeverCrashes() {
        var rng = FuzzTests.RNG(seed: 0xC0FFEE)
        let env = Environment()
        for _ in 0..<3000 {
            let a = Self.extremes.randomElement(using: &rng)!
            let b = Self.extremes.randomElement(using: &rng)!
            let op = Self.binaryOps.randomElement(using: &rng)!
            let f = Self.filters.randomElement(using: &rng)!
            let source = Int.random(in: 0..<2, using: &rng) == 0 ? "{{ (\(a) \(op) \(b))|\(f) }}" : "{{ \(a)|\(f) \(op) \(b) }}"
            do {
                _ = try env.render(source: source)
            } catch is JinjaError {
            } catch {
                Issue.record("non-Jinja error \(error) for \(source)")
            }
        }
    }
}
