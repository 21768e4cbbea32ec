import Foundation
import Testing
@testable import Jinja

@Suite struct ErrorTests {
    struct SyntaxCase: Sendable, CustomStringConvertible {
        let source: String
        let message: String
        let line: Int
        let column: Int
        var description: String { source }
    }

    static let syntaxCases: [SyntaxCase] = [
        SyntaxCase(source: "{% if true %}x", message: "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.", line: 1, column: 15),
        SyntaxCase(source: "a\n{% for x in y %}{% endif %}", message: "Encountered unknown tag 'endif'. Jinja was looking for the following tags: 'endfor' or 'else'. The innermost block that needs to be closed is 'for'.", line: 2, column: 20),
        SyntaxCase(source: "{% foo %}", message: "Encountered unknown tag 'foo'.", line: 1, column: 4),
        SyntaxCase(source: "{% endif %}", message: "Encountered unknown tag 'endif'.", line: 1, column: 4),
        SyntaxCase(source: "{{ x ", message: "unexpected end of template, expected 'end of print statement'.", line: 1, column: 6),
        SyntaxCase(source: "{{ (1 + 2 }}", message: "unexpected '}', expected ')'", line: 1, column: 11),
        SyntaxCase(source: "{{ [1, 2) }}", message: "unexpected ')', expected ']'", line: 1, column: 9),
        SyntaxCase(source: "x\n\n  {# x", message: "Missing end of comment tag", line: 3, column: 3),
        SyntaxCase(source: "{% raw %}x", message: "Missing end of raw directive", line: 1, column: 1),
        SyntaxCase(source: "{{ 1 ! 2 }}", message: "unexpected char '!' at 5", line: 1, column: 6),
        SyntaxCase(source: "{{ }}", message: "Expected an expression, got 'end of print statement'", line: 1, column: 4),
        SyntaxCase(source: "{% for x %}{% endfor %}", message: "expected token 'in', got 'end of statement block'", line: 1, column: 10),
        SyntaxCase(source: "{{ a..b }}", message: "expected name or number", line: 1, column: 6),
        SyntaxCase(source: "{{ f(a=1, 2) }}", message: "invalid syntax for function call expression", line: 1, column: 11),
        SyntaxCase(source: "line1\n{{ 1 +* 2 }}", message: "unexpected '*'", line: 2, column: 7),
        SyntaxCase(source: "{% macro m(a=1, b) %}{% endmacro %}", message: "non-default argument follows default argument", line: 1, column: 18),
        SyntaxCase(source: "{% block a %}{% endblock %}{% block a %}{% endblock %}", message: "block 'a' defined twice", line: 1, column: 37),
        SyntaxCase(source: "ü{{ 'ö' ! }}", message: "unexpected char '!' at 8", line: 1, column: 9),
    ]

    @Test(arguments: syntaxCases)
    func syntaxErrorsHaveNameLineColumn(_ c: SyntaxCase) {
        let env = Environment()
        do {
            _ = try env.template(source: c.source, name: "t.txt")
            Issue.record("expected a syntax error")
        } catch let e as JinjaError {
            #expect(e.code == .syntax)
            #expect(e.message == c.message)
            #expect(e.templateName == "t.txt")
            #expect(e.line == c.line)
            #expect(e.column == c.column)
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func descriptionIsNameLineColumnMessage() {
        let e = JinjaError(.syntax, "boom", templateName: "mail.html", line: 3, column: 7)
        #expect(e.description == "mail.html:3:7: boom")
        #expect(e.code.pythonClassName == "TemplateSyntaxError")
    }

    @Test func runtimeErrorsCarryTemplateAndLine() {
        let env = Environment(loader: DictionaryLoader(["page.txt": "a\nb\n{{ 1 // 0 }}", "outer.txt": "x\n{% include 'page.txt' %}"]))
        do {
            _ = try env.render(named: "outer.txt")
            Issue.record("expected an error")
        } catch let e as JinjaError {
            #expect(e.code == .zeroDivision)
            #expect(e.templateName == "page.txt")
            #expect(e.line == 3)
            #expect(e.column == 1)
            #expect(e.description == "page.txt:3:1: integer division or modulo by zero")
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func undefinedAttributeMessage() {
        do {
            _ = try Environment().render(source: "{{ user.name }}")
            Issue.record("expected an error")
        } catch let e as JinjaError {
            #expect(e.code == .undefined)
            #expect(e.message == "'user' is undefined")
            #expect(e.line == 1)
            #expect(e.column == 1)
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func strictUndefinedFailsOnPrint() async throws {
        var config = Configuration()
        config.undefined = .strict
        let env = Environment(configuration: config)
        #expect(throws: JinjaError.self) { try env.render(source: "{{ missing }}") }
        #expect(throws: JinjaError.self) { try env.render(source: "{% for x in missing %}{% endfor %}") }
        #expect(try env.render(source: "{{ missing is defined }}|{{ missing|default('d') }}") == "False|d")
    }

    @Test func unknownFilterIsAssertionError() {
        do {
            _ = try Environment().template(source: "\n{{ x|nope }}")
            Issue.record("expected an error")
        } catch let e as JinjaError {
            #expect(e.code == .assertion)
            #expect(e.message == "No filter named 'nope'.")
            #expect(e.line == 2)
            #expect(e.column == 6)
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }
}

@Suite struct RuntimeLocationTests {
    @Test func errorInsideMacroReportsMacroLine() {
        let source = "{% macro m(x) %}\n  {{ x.a.b }}\n{% endmacro %}\n\n{{ m(1) }}{{ m({}) }}"
        do {
            _ = try Environment().render(source: source)
            Issue.record("expected an error")
        } catch let e as JinjaError {
            #expect(e.code == .undefined)
            #expect(e.line == 2)
            #expect(e.column == 3)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func filterErrorReportsFilterPosition() {
        do {
            _ = try Environment().render(source: "line\n  {{ 'a' ~ ([1, 'x']|sort|join) }}")
            Issue.record("expected an error")
        } catch let e as JinjaError {
            #expect(e.code == .type)
            #expect(e.line == 2)
            #expect(e.column == 22)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

/// Messages for common mistakes, recorded from Jinja2 3.1.6 (`Environment().parse(source)`).
@Suite struct Jinja2WordingTests {
    static let cases: [(String, String)] = [
        ("{{ user.name }", "unexpected '}'"),
        ("{% if x = 1 %}{% endif %}", "expected token 'end of statement block', got '='"),
        ("{% for x in %}{% endfor %}", "Expected an expression, got 'end of statement block'"),
        ("{{ x|default(\"a\" }}", "unexpected '}', expected ')'"),
        ("{% set x = %}", "Expected an expression, got 'end of statement block'"),
        ("{{ \"a\" ~ }}", "unexpected 'end of print statement'"),
        ("{% include %}", "unexpected 'end of statement block'"),
        ("{% macro %}{% endmacro %}", "expected token 'name', got 'end of statement block'"),
        ("{% endfor %}", "Encountered unknown tag 'endfor'."),
        ("{% if x %}{% else %}{% else %}{% endif %}",
         "Encountered unknown tag 'else'. Jinja was looking for the following tags: 'endif'. The innermost block that needs to be closed is 'if'."),
        ("{{ x y }}", "expected token 'end of print statement', got 'y'"),
        ("{% block %}{% endblock %}", "expected token 'name', got 'end of statement block'"),
    ]

    @Test(arguments: cases)
    func sameWordsAsJinja2(_ source: String, _ message: String) {
        do {
            _ = try Environment().template(source: source)
            Issue.record("expected a syntax error")
        } catch let e as JinjaError {
            #expect(e.code == .syntax)
            #expect(e.message == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

extension RuntimeLocationTests {
    @Test func errorsInChildBlocksAndImportedMacrosNameTheirTemplate() {
        let env = Environment(loader: DictionaryLoader([
            "layout.txt": "L\n{% block body %}{% endblock %}",
            "child.txt": "{% extends 'layout.txt' %}\n{% block body %}\n\n{{ 1 // 0 }}{% endblock %}",
            "macros.txt": "{% macro m() %}\n{{ none.x.y }}{% endmacro %}",
            "use.txt": "{% import 'macros.txt' as k %}{{ k.m() }}",
        ]))
        for (name, template, line) in [("child.txt", "child.txt", 4), ("use.txt", "macros.txt", 2)] {
            do {
                _ = try env.render(named: name)
                Issue.record("expected an error")
            } catch let e as JinjaError {
                #expect(e.templateName == template)
                #expect(e.line == line)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func childBlocksKeepTheirOwnAutoescape() async throws {
        var config = Configuration()
        config.autoescape = .byExtension
        let env = Environment(loader: DictionaryLoader([
            "layout.txt": "{{ '<l>' }}{% block b %}{% endblock %}",
            "page.html": "{% extends 'layout.txt' %}{% block b %}{{ '<p>' }}{% endblock %}",
        ]), configuration: config)
        #expect(try env.render(named: "page.html") == "<l>&lt;p&gt;")
    }
}
