import Foundation
import Testing
@testable import Jinja

/// A loader that counts how often it is asked (to observe the cache).
final class CountingLoader: TemplateLoader, @unchecked Sendable {
    // Only touched from one test at a time; the lock keeps the count exact anyway.
    private let lock = NSLock()
    private var _count = 0
    let templates: [String: String]
    init(_ templates: [String: String]) { self.templates = templates }
    var count: Int { lock.lock(); defer { lock.unlock() }; return _count }
    func source(for name: String) throws -> String? {
        lock.lock()
        _count += 1
        lock.unlock()
        return templates[name]
    }
}

@Suite struct LoaderTests {
    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jinja-loader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("partials"), withIntermediateDirectories: true)
        return dir
    }

    @Test func directoryLoaderSearchesInOrder() async throws {
        let a = try tempDir(), b = try tempDir()
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        try "A{% include 'partials/p.txt' %}".write(to: a.appendingPathComponent("main.txt"), atomically: true, encoding: .utf8)
        try "B-main".write(to: b.appendingPathComponent("main.txt"), atomically: true, encoding: .utf8)
        try "[{{ x }}]".write(to: b.appendingPathComponent("partials/p.txt"), atomically: true, encoding: .utf8)
        let env = Environment(loader: DirectoryLoader(searchPath: [a, b]))
        #expect(try env.render(named: "main.txt", context: ["x": 1]) == "A[1]")
        #expect(try env.render(named: "./partials/p.txt", context: ["x": 2]) == "[2]")
    }

    @Test func missingTemplate() {
        let env = Environment(loader: DictionaryLoader([:]))
        do {
            _ = try env.render(named: "nope.html")
            Issue.record("expected an error")
        } catch let e as JinjaError {
            #expect(e.code == .templateNotFound)
            #expect(e.message == "nope.html")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func parsedTemplatesAreCached() async throws {
        let loader = CountingLoader(["a.txt": "{{ 1 + 1 }}", "b.txt": "{% include 'a.txt' %}{% include 'a.txt' %}"])
        let env = Environment(loader: loader)
        #expect(try env.render(named: "b.txt") == "22")
        #expect(try env.render(named: "b.txt") == "22")
        #expect(loader.count == 2)
        env.clearCache()
        _ = try env.render(named: "a.txt")
        #expect(loader.count == 3)
    }

    @Test func choiceLoader() async throws {
        let env = Environment(loader: ChoiceLoader([DictionaryLoader(["a": "first"]), DictionaryLoader(["a": "second", "b": "B"])]))
        #expect(try env.render(named: "a") == "first")
        #expect(try env.render(named: "b") == "B")
    }

    @Test(arguments: [
        ("mail.html", true), ("mail.htm", true), ("feed.xml", true), ("mail.html.j2", true), ("mail.HTML.jinja", true),
        ("mail.txt", false), ("mail.txt.j2", false), ("html", false), ("mail.j2", false), ("x.html.txt", false),
    ])
    func autoescapeByExtension(_ name: String, _ on: Bool) throws {
        var config = Configuration()
        config.autoescape = .byExtension
        let env = Environment(loader: DictionaryLoader([name: "{{ '<&>' }}"]), configuration: config)
        #expect(try env.render(named: name) == (on ? "&lt;&amp;&gt;" : "<&>"))
    }

    @Test func contextFromJSONKeepsOrder() async throws {
        let t = try Environment().template(source: "{{ data }}|{% for k in data %}{{ k }}{% endfor %}")
        let out = try t.render(json: Data(#"{"data": {"z": 1, "a": [true, null, 1.5, "x"], "m": {}}}"#.utf8))
        #expect(out == "{'z': 1, 'a': [True, None, 1.5, 'x'], 'm': {}}|zam")
    }

    @Test func contextFromCodable() async throws {
        struct Host: Codable { var name: String; var up: Bool }
        struct Alert: Codable { var host: Host; var count: Int }
        let t = try Environment().template(source: "{{ host.name }} {{ host.up }} {{ count + 1 }}")
        #expect(try t.render(encodable: Alert(host: Host(name: "db-1", up: false), count: 2)) == "db-1 False 3")
    }

    @Test func contextFromSwiftValues() async throws {
        let v = Value.from(any: ["items": [1, 2.5, "x", NSNull()] as [Any], "flag": true] as [String: Any])
        guard case .dict(let d) = v else { Issue.record("not a dict"); return }
        #expect(try Environment().template(source: "{{ items }} {{ flag }}").render(dict: d) == "[1, 2.5, 'x', None] True")
    }
}

@Suite struct ExtensionTests {
    @Test func customFiltersTestsAndGlobals() async throws {
        let env = Environment(
            globals: ["brand": "ACME"],
            filters: ["shout": { v, args in .string(v.description.uppercased() + String(repeating: "!", count: args.get(0, "n")?.description.count ?? 1)) }],
            tests: ["long": { v, _ in v.description.count > 3 }])
        #expect(try env.render(source: "{{ brand|shout }} {{ 'ab' is long }} {{ brand is long }} {{ ['x', 'yyyy']|select('long')|list }}") == "ACME! False True ['yyyy']")
        #expect(try env.render(source: "{{ 'shout' is filter }} {{ 'long' is test }}") == "True True")
        #expect(throws: JinjaError.self) { try Environment().template(source: "{{ x|shout }}") }
    }
}

@Suite struct BuiltinCatalogTests {
    static let jinja2Filters: Set<String> = [
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "filesizeformat", "first",
        "float", "forceescape", "format", "groupby", "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max",
        "min", "pprint", "random", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "slice",
        "sort", "string", "striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "urlencode", "urlize",
        "wordcount", "wordwrap", "xmlattr",
    ]

    @Test func allJinja2FiltersAndTestsExist() {
        #expect(Set(Filters.table.keys) == Self.jinja2Filters)
        #expect(Filters.table.count == 54)
        #expect(Set(Tests.table.keys) == Tests.names)
        #expect(Tests.table.count == 39)
    }

    @Test func templateFileHelper() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jinja-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "{% include 'part.txt' %}{{ x }}".write(to: dir.appendingPathComponent("mail.html.j2"), atomically: true, encoding: .utf8)
        try "[{{ x }}]".write(to: dir.appendingPathComponent("part.txt"), atomically: true, encoding: .utf8)
        let t = try Environment.loadTemplateFile(dir.appendingPathComponent("mail.html.j2"))
        #expect(try t.render(json: Data(#"{"x": "<&>"}"#.utf8)) == "[<&>]&lt;&amp;&gt;")
    }
}
