import Foundation
@testable import Jinja

/// Finds files shared with the main repository (`shared/conformance/...`) by walking up from this file.
enum TestPaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The conformance suite: `shared/conformance/jinja2-suite.jsonl` next to some ancestor of the package.
    static var conformanceSuite: URL? {
        var dir = packageRoot
        for _ in 0..<8 {
            let candidate = dir.appendingPathComponent("shared/conformance/jinja2-suite.jsonl")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static var corpusDirectory: URL { packageRoot.appendingPathComponent("Tests/JinjaTests/Corpus") }
    static var oracleScript: URL { packageRoot.appendingPathComponent("Tests/Peers/jinja_oracle.py") }
}

/// One rendered outcome: output text or the Python-style error class.
enum Outcome: Equatable, CustomStringConvertible {
    case output(String)
    case error(String)

    var description: String {
        switch self {
        case .output(let s): return "output \(String(reflecting: s))"
        case .error(let e): return "error \(e)"
        }
    }
}

extension Value {
    subscript(key: String) -> Value? {
        if case .dict(let d) = self { return d[key] }
        return nil
    }

    var stringOrNil: String? {
        switch self {
        case .string(let s): return s
        default: return nil
        }
    }
}

/// Renders `source` with an environment configured the way a corpus case asks.
func renderCase(source: String, context: Value, autoescape: Bool = false, templates: [String: String] = [:],
                options: Value? = nil, name: String? = nil) -> Outcome {
    var config = Configuration()
    config.autoescape = autoescape ? .enabled : .disabled
    if let options {
        if case .bool(let b)? = options["trim_blocks"] { config.trimBlocks = b }
        if case .bool(let b)? = options["lstrip_blocks"] { config.lstripBlocks = b }
        if case .bool(let b)? = options["keep_trailing_newline"] { config.keepTrailingNewline = b }
        if case .bool(true)? = options["strict"] { config.undefined = .strict }
    }
    let env = Environment(loader: DictionaryLoader(templates), configuration: config)
    do {
        let t = try env.template(source: source, name: name)
        guard case .dict(let d) = context else { return .output(try t.render()) }
        return .output(try t.render(dict: d))
    } catch let e as JinjaError {
        return .error(e.code.pythonClassName)
    } catch {
        return .error("\(error)")
    }
}
