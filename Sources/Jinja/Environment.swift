import Foundation

/// Limits that keep untrusted templates from exhausting the service.
public struct RenderLimits: Sendable, Hashable {
    /// Maximum interpreter steps (statements, expressions calls and loop iterations); `nil` for no limit.
    public var maxSteps: Int?
    /// Maximum wall-clock render time in seconds; `nil` for no limit.
    public var maxRenderTime: Double?
    /// Maximum loop iterations over the whole render; `nil` for no limit.
    public var maxLoopIterations: Int?
    /// Maximum output size in UTF-8 bytes; `nil` for no limit.
    public var maxOutputBytes: Int?
    /// The largest sequence `range()` may produce (Jinja2's sandbox uses 100,000).
    public var maxRange: Int
    /// Maximum nesting of macro calls, includes and recursive loops.
    public var maxRecursionDepth: Int
    /// Maximum bytes of values one render may build, counted cumulatively: every string, list,
    /// tuple and dict a template builds (concatenation, filters, methods, literals, captured
    /// `set` blocks and macro output) is charged when it is built, even if it is dropped again,
    /// so a value built ten times counts ten times. A list or dict entry counts as
    /// `MemoryLayout<Value>.stride` (32) bytes, a string as its UTF-8 bytes. `nil` for no limit.
    /// Independently of this, no single string or list may exceed `maxValueSize`.
    public var maxValueBytes: Int?
    /// The largest single string (in UTF-8 bytes) or list, tuple or dict (in items) a template may
    /// build: a joined, serialised or repeated value past it is refused. 10,000,000 by default;
    /// raise it for documents whose output is allowed to be larger (with `maxOutputBytes`).
    public var maxValueSize: Int

    /// The deepest values a template may build, and context data may have: 200 levels of lists,
    /// tuples, dicts and namespaces. Printing, comparing, hashing, serialising and freeing a value
    /// recurse once per level; 200 levels need well under 512 KiB of stack even in a debug build,
    /// while real mail and report data rarely nest more than ten levels. Not configurable,
    /// because the stack it protects is not.
    public static let maxNesting = 200

    /// Creates limits; the defaults allow ordinary templates and stop runaway ones.
    public init(maxSteps: Int? = nil, maxRenderTime: Double? = nil, maxLoopIterations: Int? = nil,
                maxOutputBytes: Int? = nil, maxRange: Int = 100_000, maxRecursionDepth: Int = 64,
                maxValueBytes: Int? = nil, maxValueSize: Int = 10_000_000) {
        self.maxSteps = maxSteps
        self.maxRenderTime = maxRenderTime
        self.maxLoopIterations = maxLoopIterations
        self.maxOutputBytes = maxOutputBytes
        self.maxRange = maxRange
        self.maxRecursionDepth = maxRecursionDepth
        self.maxValueBytes = maxValueBytes
        self.maxValueSize = maxValueSize
    }

    /// No limits except Jinja2's `range()` cap, the recursion depth that protects the stack and
    /// the per-value size cap.
    public static let standard = RenderLimits()

    /// Limits for templates uploaded by users: 5 s, 10 M steps, 1 M loop iterations, 10 MB output,
    /// 64 MiB of values built.
    public static let sandboxed = RenderLimits(maxSteps: 10_000_000, maxRenderTime: 5, maxLoopIterations: 1_000_000,
                                               maxOutputBytes: 10_000_000, maxValueBytes: 64 << 20)
}

/// When output is HTML-escaped.
public enum AutoescapePolicy: Sendable, Hashable {
    /// Never escape (Jinja2's default `Environment`).
    case disabled
    /// Always escape.
    case enabled
    /// Escape templates whose name ends in `.html`, `.htm` or `.xml` after dropping `.j2` / `.jinja`
    /// (Jinja2's `select_autoescape` as Herald configures it).
    case byExtension

    /// Whether a template named `name` starts with autoescaping on.
    public func isEnabled(for name: String?) -> Bool {
        switch self {
        case .disabled: return false
        case .enabled: return true
        case .byExtension:
            guard var n = name?.lowercased() else { return false }
            for suffix in [".j2", ".jinja"] where n.hasSuffix(suffix) {
                n.removeLast(suffix.count)
                break
            }
            return n.hasSuffix(".html") || n.hasSuffix(".htm") || n.hasSuffix(".xml")
        }
    }
}

/// How undefined values behave.
public enum UndefinedBehavior: Sendable, Hashable {
    /// Jinja2's `Undefined`: prints empty, is falsy, iterates empty; other uses raise.
    case lenient
    /// Jinja2's `StrictUndefined`: any use raises.
    case strict
}

/// Configuration of an environment.
public struct Configuration: Sendable {
    /// Remove the first newline after a block tag (off by default, as in Jinja2).
    public var trimBlocks = false
    /// Strip spaces and tabs before a block tag at the start of a line (off by default).
    public var lstripBlocks = false
    /// Keep a single trailing newline of the template (off by default).
    public var keepTrailingNewline = false
    /// When output is escaped.
    public var autoescape: AutoescapePolicy = .disabled
    /// How undefined values behave.
    public var undefined: UndefinedBehavior = .lenient
    /// Resource limits applied to every render.
    public var limits: RenderLimits = .standard
    /// Whether parsed templates loaded by name are cached.
    public var cacheTemplates = true

    /// Creates the default configuration (Jinja2's default `Environment`).
    public init() {}
}

/// A custom filter: receives the value and the filter's arguments. Throw `JinjaError` on failure.
public typealias FilterFunction = @Sendable (Value, Arguments) throws -> Value
/// A custom filter that also reads the render's context, as Jinja2's `@pass_context` filters
/// do: `context(name)` is the value of the template's top-level variable or global `name`, nil
/// when there is none.
public typealias ContextFilterFunction = @Sendable (Value, Arguments, _ context: (String) -> Value?) throws -> Value
/// A custom test (`x is name`): receives the value and the test's arguments.
public typealias TestFunction = @Sendable (Value, Arguments) throws -> Bool

/// The entry point: configuration, loader, globals and a cache of parsed templates.
///
/// Safe to share between tasks; rendering does not mutate the environment except for the cache.
public final class Environment: Sendable {
    /// The configuration.
    public let configuration: Configuration
    /// Where named templates come from (`nil` for string templates only).
    public let loader: (any TemplateLoader)?
    /// Values visible to every template (beyond the built-in `range`, `dict`, `cycler`, ...).
    public let globals: [String: Value]
    /// Filters added to (or replacing) the built-in ones.
    public let filters: [String: FilterFunction]
    /// Filters that read the render's context, added to (or replacing) the built-in ones.
    public let contextFilters: [String: ContextFilterFunction]
    /// Tests added to (or replacing) the built-in ones.
    public let tests: [String: TestFunction]
    private let cache = TemplateCache()
    /// Built-in and user globals, built once.
    let globalVariables: [String: Value]

    /// Creates an environment.
    public init(loader: (any TemplateLoader)? = nil, configuration: Configuration = Configuration(), globals: [String: Value] = [:],
                filters: [String: FilterFunction] = [:], contextFilters: [String: ContextFilterFunction] = [:],
                tests: [String: TestFunction] = [:]) {
        self.loader = loader
        self.configuration = configuration
        self.globals = globals
        self.filters = filters
        self.contextFilters = contextFilters
        self.tests = tests
        var g = Builtins.globals(limits: configuration.limits)
        for (k, v) in globals { g[k] = v }
        self.globalVariables = g
    }

    func filter(_ name: String) -> Filters.Filter? {
        if !filters.isEmpty, let f = filters[name] { return { _, v, a in try f(v, a) } }
        if !contextFilters.isEmpty, let f = contextFilters[name] {
            return { interpreter, v, a in try f(v, a) { interpreter.rootFrame.lookup($0) } }
        }
        return Filters.checked[name]
    }

    func test(_ name: String) -> Tests.Test? {
        if !tests.isEmpty, let t = tests[name] { return { _, v, a in try t(v, a) } }
        return Tests.checked[name]
    }

    var lexerOptions: LexerOptions {
        LexerOptions(trimBlocks: configuration.trimBlocks, lstripBlocks: configuration.lstripBlocks,
                     keepTrailingNewline: configuration.keepTrailingNewline)
    }

    /// Parses `source` into a template. Throws `JinjaError` with code `.syntax` (and line/column) when malformed.
    public func template(source: String, name: String? = nil) throws -> Template {
        var lexer = Lexer(source: source, options: lexerOptions, name: name)
        let tokens = try lexer.tokenize()
        var parser = Parser(tokens: tokens, map: lexer.map, name: name)
        let nodes = try parser.parseTemplate()
        try Checker(name: name, map: lexer.map, environment: self).check(nodes)
        return Template(name: name, nodes: nodes, environment: self, rootStores: NameScanner.stores(nodes),
                        blocks: Interpreter.collectBlocks(nodes), usesSelf: parser.mentions("self"))
    }

    /// Loads and parses the template `name` through the loader (cached).
    /// Throws `.templateNotFound` when the loader has no such template, `.syntax` when malformed.
    public func template(named name: String) throws -> Template {
        if configuration.cacheTemplates, let t = cache.get(name) { return t }
        guard let loader, let source = try loader.source(for: name) else {
            throw JinjaError(.templateNotFound, name, templateName: name)
        }
        let t = try template(source: source, name: name)
        if configuration.cacheTemplates { cache.put(name, t) }
        return t
    }

    /// Renders the template `name` with `context`.
    public func render(named name: String, context: [String: Value] = [:]) throws -> String {
        try template(named: name).render(context)
    }

    /// Renders the template `name` with a context given as a JSON object (key order kept).
    public func render(named name: String, json: Data) throws -> String {
        try template(named: name).render(json: json)
    }

    /// Renders a template given as source text.
    public func render(source: String, context: [String: Value] = [:]) throws -> String {
        try template(source: source).render(context)
    }

    /// Drops all cached templates (for example after templates changed in the database).
    public func clearCache() { cache.clear() }
}

/// Parsed templates by name.
///
/// `@unchecked Sendable`: all access to `storage` goes through `lock`.
final class TemplateCache: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String: Template] = [:]

    func get(_ name: String) -> Template? {
        lock.lock()
        defer { lock.unlock() }
        return storage[name]
    }

    func put(_ name: String, _ t: Template) {
        lock.lock()
        defer { lock.unlock() }
        storage[name] = t
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        storage = [:]
    }
}

/// A parsed template, ready to render any number of times.
public struct Template: Sendable {
    /// The name it was loaded under (`nil` for a string template).
    public let name: String?
    let nodes: [Node]
    /// The environment it belongs to.
    public let environment: Environment
    /// Names assigned at the top level.
    let rootStores: [String]
    /// Every `block` in the template, outermost first.
    let blocks: [BlockDef]
    /// Whether the template refers to `self` anywhere.
    let usesSelf: Bool

    /// Renders with `context`. Throws `JinjaError` (with template name and line) on failure.
    public func render(_ context: [String: Value] = [:]) throws -> String {
        var d = PyDict()
        for k in context.keys.sorted() { d[k] = context[k]! }
        return try render(dict: d)
    }

    /// Renders with a context given in order (`["b": 1, "a": 2]` keeps `b` first).
    public func render(pairs context: KeyValuePairs<String, Value>) throws -> String {
        var d = PyDict()
        for (k, v) in context { d[k] = v }
        return try render(dict: d)
    }

    /// Renders with an ordered context.
    public func render(dict context: PyDict) throws -> String {
        let interp = Interpreter(environment: environment)
        return try interp.renderRoot(self, context: context)
    }

    /// Renders with a context given as a JSON object. Throws `.value` when the data is not a JSON object.
    public func render(json: Data) throws -> String {
        let v = try Value.fromJSON(json)
        guard case .dict(let d) = v else { throw JinjaError(.value, "the context data must be a JSON object") }
        return try render(dict: d)
    }

    /// Renders with a context taken from an `Encodable` value that encodes as an object.
    public func render<T: Encodable>(encodable: T) throws -> String {
        let v = try Value.from(encodable: encodable)
        guard case .dict(let d) = v else { throw JinjaError(.value, "the context value must encode as an object") }
        return try render(dict: d)
    }
}

extension Environment {
    /// Loads the template file at `file` the way `herald template render/check` does: the file's
    /// own directory is searched first, then `searchPaths`; autoescaping follows the file name
    /// (`.html`, `.htm`, `.xml` after dropping `.j2` / `.jinja`) unless `configuration` says otherwise.
    /// Throws `JinjaError` (`.templateNotFound`, `.syntax` with line and column).
    public static func loadTemplateFile(_ file: URL, searchPaths: [URL] = [], configuration: Configuration? = nil,
                                        contextFilters: [String: ContextFilterFunction] = [:]) throws -> Template {
        var config = configuration ?? Configuration()
        if configuration == nil { config.autoescape = .byExtension }
        let dir = file.deletingLastPathComponent()
        let env = Environment(loader: DirectoryLoader(searchPath: [dir] + searchPaths), configuration: config, contextFilters: contextFilters)
        return try env.template(named: file.lastPathComponent)
    }
}
