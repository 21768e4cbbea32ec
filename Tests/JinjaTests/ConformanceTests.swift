import Foundation
import Testing
@testable import Jinja

/// Runs the 339 cases recorded from Jinja2's own test suite.
@Suite struct ConformanceTests {
    /// Cases known to differ from Jinja2 (by line number in the suite, 1-based). Any other failure fails the test.
    /// - 58, 59: `foo().__class__.__name__` — Python object internals are not exposed to templates.
    /// - 93: `12345678901234567890|int` — integers are 64-bit; Python's are unbounded.
    static let knownFailures: Set<Int> = [58, 59, 93]
    /// The pass count when last recorded; the test fails if fewer cases pass.
    static let recordedPassCount = 336

    @Test func jinja2Suite() async throws {
        guard let url = TestPaths.conformanceSuite else {
            Issue.record("conformance suite not found (looked for shared/conformance/jinja2-suite.jsonl)")
            return
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        var passed = 0
        var total = 0
        var report: [String] = []
        var unexpected: [Int] = []
        for (i, line) in text.split(separator: "\n").enumerated() {
            let caseNumber = i + 1
            let c = try Value.fromJSON(String(line))
            guard let source = c["source"]?.stringOrNil else { continue }
            total += 1
            let expected: Outcome
            if let err = c["error"]?.stringOrNil { expected = .error(err) } else { expected = .output(c["output"]?.stringOrNil ?? "") }
            let got = renderCase(source: source, context: c["context"] ?? .dict(PyDict()))
            var ok = false
            switch (expected, got) {
            case (.error, .error): ok = true
            case let (.output(a), .output(b)): ok = a == b
            default: ok = false
            }
            if ok {
                passed += 1
            } else {
                report.append("#\(caseNumber) \(c["test"]?.stringOrNil ?? "")\n  source: \(String(reflecting: source))\n  expected: \(expected)\n  got:      \(got)")
                if !Self.knownFailures.contains(caseNumber) { unexpected.append(caseNumber) }
            }
        }
        let summary = "conformance: \(passed)/\(total) passed\n" + report.joined(separator: "\n")
        try? summary.write(toFile: NSTemporaryDirectory() + "jinja-conformance-report.txt", atomically: true, encoding: .utf8)
        print("conformance: \(passed)/\(total) passed")
        #expect(unexpected.isEmpty, "unexpected conformance failures: \(unexpected)")
        #expect(passed >= Self.recordedPassCount, "conformance dropped to \(passed)/\(total) (recorded \(Self.recordedPassCount))")
    }
}
