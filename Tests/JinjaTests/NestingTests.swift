import Foundation
import Testing
@testable import Jinja

/// Runs `body` on a thread with a 1 MiB stack and waits for it. The deepest value allowed needs
/// under 128 KiB of stack in a release build and under 1 MiB in a debug build (measured with
/// `tojson`, the deepest recursion); Herald renders on threads of 8 MiB.
func onSmallStack(_ body: @escaping @Sendable () -> Void) {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        body()
        done.signal()
    }
    thread.stackSize = 1 << 20
    thread.start()
    done.wait()
}

/// Values are refused when they are built deeper than `RenderLimits.maxNesting`; whatever can be
/// built can be printed, compared, hashed, serialised and freed without overflowing the stack.
@Suite struct NestingTests {
    static let wraps: [BudgetCase] = [
        BudgetCase("list literal", "{% set ns.v = [ns.v] %}"),
        BudgetCase("tuple literal", "{% set ns.v = (ns.v,) %}"),
        BudgetCase("dict literal", "{% set ns.v = {'k': ns.v} %}"),
        BudgetCase("list.append", "{% set m = [] %}{% set _ = m.append(ns.v) %}{% set ns.v = m %}"),
        BudgetCase("list.insert", "{% set m = [1] %}{% set _ = m.insert(0, ns.v) %}{% set ns.v = m %}"),
        BudgetCase("dict.update", "{% set m = {} %}{% set _ = m.update(k=ns.v) %}{% set ns.v = m %}"),
        BudgetCase("dict.setdefault", "{% set m = {} %}{% set _ = m.setdefault('k', ns.v) %}{% set ns.v = m %}"),
        BudgetCase("dict()", "{% set ns.v = dict(k=ns.v) %}"),
        BudgetCase("batch", "{% set ns.v = [ns.v]|batch(1)|first %}"),
        BudgetCase("slice", "{% set ns.v = [ns.v]|slice(1)|first %}"),
        BudgetCase("map", "{% set ns.v = [ns.v]|map('batch', 1)|list %}"),
        BudgetCase("groupby", "{% set ns.v = [[1, ns.v]]|groupby(0)|first %}"),
        BudgetCase("items", "{% set ns.v = {'k': ns.v}|items|list %}"),
        BudgetCase("varargs", "{% macro m() %}{{ varargs|length }}{% set ns.v = varargs %}{% endmacro %}{% set _ = m(ns.v) %}"),
    ]

    @Test(arguments: wraps)
    func wrappingAValueOverAndOverIsRefusedAtTheLimit(_ c: BudgetCase) throws {
        let source = "{% set ns = namespace(v=1) %}\n{% for i in range(100000) %}" + c.source + "{% endfor %}{{ ns.v|length }}"
        let e = try #require(renderError(source, limits: .standard), "\(c.name) built a value 100,000 levels deep")
        #expect(e.code == .limitExceeded, "\(c.name): \(e)")
        #expect(e.message.contains("nested more than 200 levels"), "\(c.name): \(e)")
        #expect(e.templateName == "t.txt" && e.line == 2 && e.column != nil, "\(c.name): \(e)")
    }

    @Test func theIssuesNestedListAttackStopsAt200Levels() async throws {
        let e = try #require(renderError("{% set ns = namespace(l=[]) %}\n{% for i in range(100000) %}{% set ns.l = [ns.l] %}{% endfor %}{{ ns.l|length }}"))
        #expect(e.code == .limitExceeded)
        #expect(e.line == 2)
    }

    @Test func theDeepestValueAllowedCanBeUsedEveryWayOnASmallStack() {
        let source = """
            {% set ns = namespace(v=1, t=1, d=1) %}{% for i in range(199) %}{% set ns.v = [ns.v] %}{% set ns.t = (ns.t,) %}\
            {% set ns.d = {'k': ns.d} %}{% endfor %}{% set v = [ns.v] %}{% set t = (ns.t,) %}{% set d = {'k': ns.d} %}\
            {{ v|length }}{{ (v ~ '')|length }}{{ t|string|length }}{{ d|string|length }}{{ v == v }}{{ t < t }}{{ t in t }}\
            {{ t|unique|list|length }}{{ v|sort|length }}{{ v|tojson|length }}{{ d|tojson|length }}{{ v|pprint|length }}\
            {{ ns|string|length }}{{ ns.d|dictsort|length }}{{ t|max|length }}
            """
        onSmallStack {
            do {
                let out = try Environment().render(source: source)
                #expect(out.contains("True"), "\(out)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func contextDataDeeperThanTheLimitIsRefusedClearly() async throws {
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        _ = try Value.fromJSON(ok)
        for deep in [String(repeating: "[", count: 201) + String(repeating: "]", count: 201),
                     String(repeating: "{\"a\":", count: 201) + "1" + String(repeating: "}", count: 201),
                     String(repeating: "[", count: 1_000_000)] {
            #expect {
                try Value.fromJSON(deep)
            } throws: { error in
                (error as? JinjaError)?.message.contains("nested more than 200 levels") == true
            }
        }
    }

    final class Node: Encodable {
        let next: Node?
        init(_ next: Node?) { self.next = next }
    }

    @Test func encodableContextDeeperThanTheLimitIsRefusedClearly() async throws {
        var node: Node? = nil
        for _ in 0..<300 { node = Node(node) }
        #expect(throws: JinjaError.self) { try Value.from(encodable: ["root": node]) }
        let template = try Environment().template(source: "{{ root }}")
        #expect(throws: JinjaError.self) { try template.render(encodable: ["root": node]) }
    }

    @Test func aNamespaceHoldingItselfPrintsLikeJinja2() async throws {
        let env = Environment()
        #expect(try env.render(source: "{% set ns = namespace(a=1) %}{{ ns }}") == "<Namespace {'a': 1}>")
        #expect(try env.render(source: "{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}") == "<Namespace {'me': <Namespace {...}>}>")
        #expect(try env.render(source: "{% set ns = namespace(l=[]) %}{% set ns.l = [ns] %}{{ ns }}") == "<Namespace {'l': [<Namespace {...}>]}>")
        #expect(try env.render(source: "{% set a = namespace() %}{% set b = namespace(a=a) %}{% set a.b = b %}{{ a }}|{{ a == a }}|{{ a in [b, a] }}")
                == "<Namespace {'b': <Namespace {'a': <Namespace {...}>}>}>|True|True")
        #expect(try env.render(source: "{% set ns = namespace() %}{% set ns.me = ns %}{{ ns|pprint }}") == "<Namespace {'me': <Namespace {...}>}>")
        // As in Jinja2: the json module cannot serialise a namespace.
        #expect(renderError("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns|tojson }}", limits: .standard)?.code == .type)
    }

    @Test func aLongChainOfNamespacesFailsToPrintAndIsFreedSafely() async throws {
        let chain = "{% set h = namespace(ns=none) %}{% for i in range(100000) %}{% set h.ns = namespace(next=h.ns) %}{% endfor %}"
        let source = chain + "\n{{ h.ns }}"
        onSmallStack {
            let e = renderError(source, limits: .standard)
            #expect(e?.code == .limitExceeded)
            #expect(e?.line == 2)
            // Rendered but not printed: freeing the chain must not recurse either.
            #expect((try? Environment().render(source: chain + "x")) == "x")
        }
    }

    @Test func rendersThatDefineMacrosOrSelfReferencesDoNotLeak() async throws {
        // The scope held its macros and each macro its scope: every such render leaked its values.
        let t = try Environment().template(source: "{% macro m() %}{{ p }}{% endmacro %}{% set ns = namespace() %}{% set ns.me = ns %}"
                                           + "{% set ns.p = p %}{{ m() }}{% block b %}{{ self.b }}{% endblock %}")
        for _ in 0..<10 { _ = try t.render(["p": .object(Probe())]) }
        #expect(Probe.alive == 0)
    }
}

/// Counts its live instances (for the leak test).
final class Probe: JinjaObject, @unchecked Sendable {
    // @unchecked / nonisolated(unsafe): only `rendersThatDefineMacrosOrSelfReferencesDoNotLeak` creates probes.
    nonisolated(unsafe) static var alive = 0
    init() { Probe.alive += 1 }
    deinit { Probe.alive -= 1 }
    var typeName: String { "Probe" }
}
