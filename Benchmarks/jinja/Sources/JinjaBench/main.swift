// Render and compile throughput of the Jinja module on the templates of bench.json
// (written by bench_data.py), to compare with bench_jinja2.py side by side:
//
//   python3 Benchmarks/jinja/bench_data.py /tmp/bench.json
//   swift run -c release JinjaBench /tmp/bench.json && python3 Benchmarks/jinja/bench_jinja2.py /tmp/bench.json
import Foundation
import Jinja

let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "bench.json"
let raw = try Data(contentsOf: URL(fileURLWithPath: path))
guard case .dict(let b) = try Value.fromJSON(raw), case .dict(let tdict)? = b["templates"], case .dict(let data)? = b["data"] else {
    fatalError("bench.json has an unexpected shape")
}
var templates: [String: String] = [:]
for (k, v) in tdict.pairs { templates[k.description] = v.description }
var config = Configuration()
config.autoescape = .enabled
let env = Environment(loader: DictionaryLoader(templates), configuration: config)
let clock = ContinuousClock()
for name in ["table.html", "alert.html", "page.html"] {
    let t = try env.template(named: name)
    _ = try t.render(dict: data)
    var n = 0
    let start = clock.now
    while clock.now - start < .seconds(2) {
        _ = try t.render(dict: data)
        n += 1
    }
    let renderSeconds = (clock.now - start) / .seconds(1) / Double(n)
    var c = 0
    let s2 = clock.now
    while clock.now - s2 < .seconds(1) {
        _ = try Environment(configuration: config).template(source: templates[name]!)
        c += 1
    }
    let compileSeconds = (clock.now - s2) / .seconds(1) / Double(c)
    print("swift  \(name): render \(Int(renderSeconds * 1e6)) us, compile \(Int(compileSeconds * 1e6)) us")
}
