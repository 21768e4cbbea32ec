// jinja-fuzz: renders generated templates under sandbox limits for a bounded time.
//
//   jinja-fuzz [--seconds N] [--seed S] [--current FILE]   fuzz; one summary line
//   jinja-fuzz --replay FILE                                render one saved input
//
// Each input is written to FILE (`--current`) before it is rendered, so that if the process
// dies by a signal, `scripts/fuzz-templates` can keep the input that killed it. Exits 1 when a
// render overran its time limit by more than `overrunMargin`, or failed with an error that is
// not a `JinjaError`; the input and its seed are printed.
import Foundation
import Jinja

let timeLimit = 0.5
/// `JINJA_FUZZ_VERBOSE=1` prints every error with its template (for tuning the grammar).
let verbose = ProcessInfo.processInfo.environment["JINJA_FUZZ_VERBOSE"] != nil
let overrunMargin = 0.25

struct Options {
    var seconds = 10.0
    var seed = UInt64(Date().timeIntervalSince1970 * 1000) & 0xFFFF_FFFF
    var current: String?
    var replay: String?

    init(_ args: [String]) {
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { fail("\(args[i - 1]) needs a value") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--seconds": seconds = Double(value()) ?? { fail("--seconds needs a number") }()
            case "--seed": seed = UInt64(value()) ?? { fail("--seed needs a non-negative integer") }()
            case "--current": current = value()
            case "--replay": replay = value()
            default: fail("unknown argument \(args[i]); usage: jinja-fuzz [--seconds N] [--seed S] [--current FILE] | --replay FILE")
            }
            i += 1
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("jinja-fuzz: \(message)\n".utf8))
    exit(2)
}

/// The input as the JSON that `scripts/fuzz-templates` keeps and `FuzzCorpusTests` replays.
func json(_ input: FuzzInput, seed: UInt64, index: Int) -> String {
    var partials = PyDict()
    for (k, v) in input.partials.sorted(by: { $0.key < $1.key }) { partials[k] = .string(v) }
    var d = PyDict()
    d["seed"] = .int(Int(truncatingIfNeeded: seed))
    d["index"] = .int(index)
    d["source"] = .string(input.source)
    d["partials"] = .dict(partials)
    d["data"] = input.data
    return encode(.dict(d))
}

func encode(_ v: Value) -> String {
    switch v {
    case .none, .undefined: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .float(let d): return d.isFinite ? "\(d)" : "null"
    case .string(let s), .markup(let s):
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    case .list(let a), .tuple(let a): return "[" + a.map(encode).joined(separator: ",") + "]"
    case .dict(let d): return "{" + d.pairs.map { encode(.string($0.0.description)) + ":" + encode($0.1) }.joined(separator: ",") + "}"
    case .object: return "null"
    }
}

enum Outcome {
    case rendered
    case failed(JinjaError.Code)
    case foreign(String)
}

func render(_ input: FuzzInput) -> Outcome {
    var config = Configuration()
    config.limits = .sandboxed
    config.limits.maxRenderTime = timeLimit
    config.autoescape = .byExtension
    let env = Environment(loader: DictionaryLoader(input.partials), configuration: config)
    do {
        guard case .dict(let d) = input.data else { return .foreign("data is not an object") }
        _ = try env.template(source: input.source, name: "fuzz.html").render(dict: d)
        return .rendered
    } catch let e as JinjaError {
        if verbose { print("\(e)\n  in: \(input.source.prefix(400))") }
        return .failed(e.code)
    } catch {
        return .foreign("\(error)")
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))

if let path = options.replay {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8), case .dict(let d) = try Value.fromJSON(text),
          case .string(let source)? = d["source"] else { fail("\(path) is not a saved fuzz input") }
    var partials: [String: String] = [:]
    if case .dict(let p)? = d["partials"] { for (k, v) in p.pairs { partials[k.description] = v.description } }
    let start = Date()
    let outcome = render(FuzzInput(source: source, partials: partials, data: d["data"] ?? .dict(PyDict())))
    print("jinja-fuzz: replayed \(path): \(outcome) in \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
    exit(0)
}

let start = Date()
var count = 0
var byCode: [String: Int] = [:]
var slowest = (seconds: 0.0, index: 0)
var problems: [String] = []
while Date().timeIntervalSince(start) < options.seconds {
    // Each input has its own generator, so `--seed S` and the index reproduce it alone.
    var generator = TemplateGenerator(seed: options.seed &+ UInt64(count) &* 0x9E37_79B9_7F4A_7C15)
    let input = generator.input()
    if let current = options.current {
        _ = FileManager.default.createFile(atPath: current, contents: Data(json(input, seed: options.seed, index: count).utf8))
    }
    let t0 = Date()
    let outcome = render(input)
    let seconds = Date().timeIntervalSince(t0)
    switch outcome {
    case .rendered: byCode["ok", default: 0] += 1
    case .failed(let code): byCode[code.pythonClassName, default: 0] += 1
    case .foreign(let message):
        byCode["foreign", default: 0] += 1
        problems.append("not a JinjaError (\(message)) for seed \(options.seed) index \(count):\n\(input.source)")
    }
    if seconds > slowest.seconds { slowest = (seconds, count) }
    if seconds > timeLimit + overrunMargin {
        problems.append("render took \(String(format: "%.3f", seconds)) s (limit \(timeLimit) s) for seed \(options.seed) index \(count):\n"
                        + input.source)
    }
    count += 1
}

let codes = byCode.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
let elapsed = String(format: "%.1f", Date().timeIntervalSince(start))
print("jinja-fuzz: seed \(options.seed), \(count) templates in \(elapsed) s (\(codes)), "
      + "slowest \(String(format: "%.3f", slowest.seconds)) s (index \(slowest.index))")
for p in problems { print(p) }
exit(problems.isEmpty ? 0 : 1)
