import Foundation
import Testing
@testable import Jinja

@Suite struct SandboxTests {
    func env(_ limits: RenderLimits) -> Environment {
        var config = Configuration()
        config.limits = limits
        return Environment(configuration: config)
    }

    func expectLimit(_ env: Environment, _ source: String, _ fragment: String) {
        do {
            _ = try env.render(source: source)
            Issue.record("expected the limit to stop \(source)")
        } catch let e as JinjaError {
            #expect(e.code == .limitExceeded)
            #expect(e.message.contains(fragment), "message was: \(e.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func rangeIsCapped() {
        expectLimit(env(.standard), "{{ range(100001)|length }}", "MAX_RANGE")
        #expect((try? env(.standard).render(source: "{{ range(100000)|length }}")) == "100000")
    }

    @Test func loopIterations() {
        expectLimit(env(RenderLimits(maxLoopIterations: 1000)), "{% for i in range(100) %}{% for j in range(100) %}{% endfor %}{% endfor %}", "loop iterations")
    }

    @Test func steps() {
        expectLimit(env(RenderLimits(maxSteps: 500)), "{% for i in range(1000) %}{{ i }}{% endfor %}", "steps")
    }

    @Test func renderTime() {
        let start = Date()
        expectLimit(env(RenderLimits(maxRenderTime: 0.2)),
                    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "render time")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func outputSize() {
        expectLimit(env(RenderLimits(maxOutputBytes: 1000)), "{% for i in range(1000) %}xxxxxxxxxx{% endfor %}", "output")
    }

    @Test func recursionDepth() {
        expectLimit(env(.standard), "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}", "recursion")
        let e = Environment(loader: DictionaryLoader(["self.txt": "{% include 'self.txt' %}"]))
        #expect(throws: JinjaError.self) { try e.render(named: "self.txt") }
    }

    @Test func sandboxedDefaultsStopRunawayTemplates() {
        expectLimit(env(.sandboxed), "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}", "limit")
    }

    @Test func loaderCannotEscapeSearchPath() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jinja-sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("inner"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "secret".write(to: dir.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        let env = Environment(loader: DirectoryLoader(searchPath: [dir.appendingPathComponent("inner")]))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("inner/link.txt"),
                                                   withDestinationURL: dir.appendingPathComponent("secret.txt"))
        for name in ["../secret.txt", "/etc/passwd", "a/../../secret.txt", "..\\secret.txt", "link.txt"] {
            #expect(throws: JinjaError.self) { try env.render(named: name) }
            #expect(throws: JinjaError.self) { try env.render(source: "{% include '\(name)' %}") }
        }
    }
}

@Suite struct AllocationCapTests {
    @Test(arguments: [
        "{{ 'x' * 100000000 }}", "{{ [1, 2] * 100000000 }}", "{{ 'a'|center(100000000) }}", "{{ 'a'.ljust(100000000) }}",
        "{{ '%100000000d' % 1 }}", "{{ '{:100000000}'.format(1) }}", "{{ [1]|batch(100000000, 0)|list }}",
        "{{ 'a\nb'|indent(100000000) }}", "{{ '%.100000000d' % 1 }}",
    ])
    func hugeAllocationsFailCleanly(_ source: String) {
        do {
            _ = try Environment().render(source: source)
            Issue.record("expected a limit error")
        } catch let e as JinjaError {
            #expect(e.code == .limitExceeded)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func concurrentRendersShareOneEnvironment() async throws {
        let env = Environment(loader: DictionaryLoader(["t.txt": "{% for i in range(n) %}{{ i }}{% endfor %}"]))
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for n in 0..<32 {
                group.addTask {
                    let out = try env.render(named: "t.txt", context: ["n": .int(n)])
                    return out == (0..<n).map(String.init).joined()
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
