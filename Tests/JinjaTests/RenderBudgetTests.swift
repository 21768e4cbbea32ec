import Foundation
import Testing
@testable import Jinja

/// Renders `source` as a template named `t.txt` and returns the error it fails with, if any.
func renderError(_ source: String, limits: RenderLimits = .sandboxed, context: [String: Value] = [:]) -> JinjaError? {
    var config = Configuration()
    config.limits = limits
    let env = Environment(configuration: config)
    do {
        _ = try env.template(source: source, name: "t.txt").render(context)
        return nil
    } catch let e as JinjaError {
        return e
    } catch {
        Issue.record("not a JinjaError: \(error)")
        return nil
    }
}

/// A case: what it attacks and the template (the offending statement is on line 2).
struct BudgetCase: Sendable, CustomStringConvertible {
    let name: String
    let source: String
    var description: String { name }
    init(_ name: String, _ source: String) {
        self.name = name
        self.source = source
    }
}

/// The byte budget: every operation that builds a value counts against one cumulative budget per
/// render, charged before the value is allocated.
@Suite struct RenderBudgetTests {
    /// The sandbox's limits with an 8 MiB budget, so each case passes it after a few cheap steps
    /// (and a generous time limit, so a slow machine does not turn the answer into a timeout).
    static let limits: RenderLimits = {
        var l = RenderLimits.sandboxed
        l.maxValueBytes = 8 << 20
        l.maxRenderTime = 120
        return l
    }()
    /// 0.9 MB and a list of 10,000 items; ten of the first pass the budget.
    static let big = "{% set a = 'x' * 900000 %}{% set l = range(10000)|list %}\n"

    static let cases: [BudgetCase] = [
        BudgetCase("concatenation ~", "{% for i in range(10) %}{% set b = a ~ i %}{% endfor %}"),
        BudgetCase("+ on strings", "{% for i in range(10) %}{% set b = a + 'y' %}{% endfor %}"),
        BudgetCase("+ on lists", "{% for i in range(100) %}{% set m = l + l %}{% endfor %}"),
        BudgetCase("+ on tuples", "{% macro m() %}{% for i in range(100) %}{% set t = varargs + varargs %}{% endfor %}{% endmacro %}{{ m(*l) }}"),
        BudgetCase("* on strings", "{% for i in range(10) %}{% set b = 'y' * 9000000 %}{% endfor %}"),
        BudgetCase("* on lists", "{% for i in range(100) %}{% set m = l * 3 %}{% endfor %}"),
        BudgetCase("% formatting", "{% for i in range(10) %}{% set b = '%s.' % a %}{% endfor %}"),
        BudgetCase("str.replace", "{% for i in range(10) %}{% set b = a.replace('x', 'y') %}{% endfor %}"),
        BudgetCase("str.join", "{% for i in range(10) %}{% set b = ''.join([a]) %}{% endfor %}"),
        BudgetCase("str.format", "{% for i in range(10) %}{% set b = '{}!'.format(a) %}{% endfor %}"),
        BudgetCase("str.center", "{% for i in range(10) %}{% set b = 'x'.center(9000000) %}{% endfor %}"),
        BudgetCase("str.ljust", "{% for i in range(10) %}{% set b = 'x'.ljust(9000000) %}{% endfor %}"),
        BudgetCase("str.zfill", "{% for i in range(10) %}{% set b = '1'.zfill(9000000) %}{% endfor %}"),
        BudgetCase("str.upper", "{% for i in range(10) %}{% set b = a.upper() %}{% endfor %}"),
        BudgetCase("str.split", "{% set b = (a[:300000] ~ ' ')|replace('x', 'x ') %}{% set c = b.split() %}"),
        BudgetCase("replace filter", "{% for i in range(10) %}{% set b = a|replace('x', 'y') %}{% endfor %}"),
        BudgetCase("join filter", "{% for i in range(10) %}{% set b = [a]|join %}{% endfor %}"),
        BudgetCase("indent filter", "{% for i in range(10) %}{% set b = a|indent(2, true) %}{% endfor %}"),
        BudgetCase("center filter", "{% for i in range(10) %}{% set b = 'x'|center(9000000) %}{% endfor %}"),
        BudgetCase("wordwrap filter", "{% for i in range(10) %}{% set b = a[:100000]|wordwrap(1, wrapstring='----------') %}{% endfor %}"),
        BudgetCase("format filter", "{% for i in range(10) %}{% set b = '%s'|format(a) %}{% endfor %}"),
        BudgetCase("batch filter", "{% for i in range(100) %}{% set b = l|batch(2)|list %}{% endfor %}"),
        BudgetCase("slice filter", "{% for i in range(100) %}{% set b = l|slice(2)|list %}{% endfor %}"),
        BudgetCase("dictsort filter", "{% set d = dict(l|batch(2)|list) %}{% for i in range(100) %}{% set b = d|dictsort %}{% endfor %}"),
        BudgetCase("tojson filter", "{% for i in range(10) %}{% set b = a|tojson %}{% endfor %}"),
        BudgetCase("urlize filter", "{% set w = ('www.example.com ' * 10000) %}{% for i in range(20) %}{% set b = w|urlize %}{% endfor %}"),
        BudgetCase("striptags filter", "{% for i in range(10) %}{% set b = a|striptags %}{% endfor %}"),
        BudgetCase("truncate filter", "{% for i in range(10) %}{% set b = a|truncate(899990) %}{% endfor %}"),
        BudgetCase("map filter", "{% for i in range(100) %}{% set b = l|map('string')|list %}{% endfor %}"),
        BudgetCase("list filter", "{% for i in range(100) %}{% set b = l|list %}{% endfor %}"),
        BudgetCase("unique filter", "{% for i in range(100) %}{% set b = l|unique|list %}{% endfor %}"),
        BudgetCase("groupby filter", "{% set rows = l|map('string')|batch(1)|list %}{% for i in range(100) %}{% set b = rows|groupby(0) %}{% endfor %}"),
        BudgetCase("sum on lists", "{% set parts = [l] * 30 %}{% set b = parts|sum(start=[]) %}"),
        BudgetCase("xmlattr filter", "{% for i in range(10) %}{% set b = {'a': a}|xmlattr %}{% endfor %}"),
        BudgetCase("pprint filter", "{% for i in range(10) %}{% set b = a|pprint %}{% endfor %}"),
        BudgetCase("lower filter", "{% for i in range(10) %}{% set b = a|lower %}{% endfor %}"),
        BudgetCase("escape filter", "{% set q = '<' * 300000 %}{% for i in range(10) %}{% set b = q|forceescape %}{% endfor %}"),
        BudgetCase("list literals", "{% for i in range(20000) %}{% set b = [i, i, i, i, i, i, i, i, i, i, i, i, i, i, i, i] %}{% endfor %}"),
        BudgetCase("dict literals", "{% for i in range(20000) %}{% set b = {'a': i, 'b': i, 'c': i, 'd': i, 'e': i, 'f': i, 'g': i, 'h': i} %}{% endfor %}"),
        BudgetCase("list.extend", "{% set m = [] %}{% for i in range(100) %}{% set _ = m.extend(l) %}{% endfor %}"),
        BudgetCase("dict.update", "{% set src = dict(l|batch(2)|list) %}{% set d = {} %}{% for i in range(100) %}{% set _ = d.update(src) %}{% endfor %}"),
        BudgetCase("namespace attributes", "{% set ns = namespace() %}{% for i in range(10) %}{% set ns.b = a ~ i %}{% endfor %}"),
        BudgetCase("set block", "{% for i in range(10) %}{% set b %}{{ a }}{% endset %}{% endfor %}"),
        BudgetCase("macro output", "{% macro m() %}{{ a }}{% endmacro %}{% for i in range(10) %}{% set b = m() %}{% endfor %}"),
        BudgetCase("caller output", "{% macro m() %}{{ caller() }}{% endmacro %}{% for i in range(10) %}{% set b %}{% call m() %}{{ a }}{% endcall %}{% endset %}{% endfor %}"),
        BudgetCase("str() of a list", "{% for i in range(100) %}{% set b = l ~ '' %}{% endfor %}"),
        BudgetCase("iterating a string", "{% for i in range(10) %}{% set b = a|list %}{% endfor %}"),
    ]

    @Test(arguments: cases)
    func everyValueBuildingOperationCountsAgainstOneBudget(_ c: BudgetCase) throws {
        let e = try #require(renderError(Self.big + c.source, limits: Self.limits), "\(c.name) rendered within the budget")
        #expect(e.code == .limitExceeded, "\(c.name): \(e)")
        #expect(e.message.contains("maxValueBytes") || e.message.contains("per-value cap"), "\(c.name): \(e)")
        #expect(e.templateName == "t.txt", "\(c.name): \(e)")
        #expect(e.line == 2, "\(c.name): \(e)")
        #expect(e.column != nil, "\(c.name): \(e)")
    }

    @Test func theBudgetErrorNamesTheLimitAndItsValue() async throws {
        let e = try #require(renderError("{% set a = 'x' * 9000000 %}\n{% for i in range(10) %}{% set b = a ~ i %}{% endfor %}"))
        #expect(e.code == .limitExceeded)
        #expect(e.message.contains("maxValueBytes"))
        #expect(e.message.contains("\(64 << 20)"))
        #expect(e.description.hasPrefix("t.txt:2:"))
    }

    @Test func doublingAStringStopsBeforeAnyHugeAllocation() async throws {
        // The issue's attack: 9 MB doubled ten times would ask for 4.6 GB.
        let source = "{% set a = 'x' * 9000000 %}\n" + String(repeating: "{% set a = a ~ a %}", count: 10) + "{{ a|length }}"
        for limits in [RenderLimits.sandboxed, .standard] {
            let e = try #require(renderError(source, limits: limits))
            #expect(e.code == .limitExceeded)
            #expect(e.line == 2)
        }
    }

    @Test func aTemplateUnderTheBudgetRendersAsBefore() async throws {
        var config = Configuration()
        config.limits = .sandboxed
        let env = Environment(configuration: config)
        let out = try env.render(source: "{% set ns = namespace(items=[]) %}{% for i in range(50) %}{% set ns.items = ns.items + [i ~ ''] %}{% endfor %}"
                                 + "{{ ns.items|join(',')|length }} {{ ('ab' * 3)|center(10) }} {{ [1, [2, (3,)]] }} {{ {'a': 'x'}|tojson }}")
        #expect(out == "139   ababab   [1, [2, (3,)]] {\"a\": \"x\"}")
    }

    @Test func theStandardLimitsKeepTheBytesUnlimited() async throws {
        // 80 MB built in all, each value under the per-value cap.
        let out = try Environment().render(source: "{% set a = 'x' * 8000000 %}{% set ns = namespace() %}{% for i in range(10) %}{% set ns.b = a ~ i %}{% endfor %}{{ ns.b|length }}")
        #expect(out == "8000001")
    }

    @Test func appendingGrowsAListInPlace() async throws {
        // Each append used to copy the whole list: 50,000 appends were 1.25 × 10^9 item copies.
        let start = Date()
        let out = try Environment().render(source: "{% set l = [] %}{% for i in range(50000) %}{% set _ = l.append(i) %}{% endfor %}{{ l|length }} {{ l[-1] }}")
        #expect(out == "50000 49999")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func mutatingMethodsStillWriteBackAndKeepValueSemantics() async throws {
        let out = try Environment().render(source: "{% set a = [1] %}{% set b = a %}{% set _ = b.append(2) %}{% set ns = namespace(d={}) %}"
                                           + "{% set _ = ns.d.update({'k': 1}) %}{% set _ = ns.d.setdefault('j', 2) %}{{ a }} {{ b }} {{ ns.d }} {{ b.pop() }} {{ b }}")
        #expect(out == "[1] [1, 2] {'k': 1, 'j': 2} 2 [1]")
    }
}
