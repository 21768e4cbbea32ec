import Foundation
import Testing
@testable import Jinja

/// Replays every input that ever crashed the engine (`FuzzCorpus/crash-*.json`, kept by
/// `scripts/fuzz-templates`, seeded with the attacks of the hardening issue): under the
/// sandbox's limits each must render or fail with a `JinjaError`, within its time limit.
@Suite struct FuzzCorpusTests {
    static var files: [URL] {
        let dir = TestPaths.packageRoot.appendingPathComponent("Tests/JinjaTests/FuzzCorpus")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { dir.appendingPathComponent($0) }
    }

    @Test func theCorpusIsThere() {
        #expect(Self.files.count >= 3)
    }

    @Test(arguments: files)
    func aSavedCrashRendersOrFailsCleanlyWithinTime(_ file: URL) throws {
        let input = try Value.fromJSON(try Data(contentsOf: file))
        let source = try #require(input["source"]?.stringOrNil)
        var partials: [String: String] = [:]
        if case .dict(let p)? = input["partials"] { for (k, v) in p.pairs { partials[k.plainString] = v.plainString } }
        var config = Configuration()
        config.limits = .sandboxed
        config.limits.maxRenderTime = 0.5
        config.autoescape = .byExtension
        let env = Environment(loader: DictionaryLoader(partials), configuration: config)
        let start = Date()
        onSmallStack {
            do {
                let data: PyDict
                if case .dict(let d)? = input["data"] { data = d } else { data = PyDict() }
                _ = try env.template(source: source, name: "fuzz.html").render(dict: data)
            } catch is JinjaError {
            } catch {
                Issue.record("\(file.lastPathComponent): not a JinjaError: \(error)")
            }
        }
        let seconds = Date().timeIntervalSince(start)
        #expect(seconds < 1.0, "\(file.lastPathComponent) took \(seconds) s under a 0.5 s limit")
    }
}
