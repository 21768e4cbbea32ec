import Foundation

/// The one error type thrown by the `Jinja` module.
///
/// `code` says what kind of failure happened (it mirrors Jinja2's exception classes so callers
/// can compare with Python), `message` says what went wrong in words close to Jinja2's, and
/// `templateName`, `line` and `column` say where. Template data never appears in `description`
/// beyond what the message itself quotes from the template source.
public struct JinjaError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Extensible: new codes may be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case syntax = "TemplateSyntaxError"
            case assertion = "TemplateAssertionError"
            case undefined = "UndefinedError"
            case runtime = "TemplateRuntimeError"
            case notFound = "TemplateNotFound"
            case notFoundMany = "TemplatesNotFound"
            case type = "TypeError"
            case value = "ValueError"
            case zeroDivision = "ZeroDivisionError"
            case limit = "SecurityError"
            case key = "KeyError"
            case attribute = "AttributeError"
            case overflow = "OverflowError"
            case index = "IndexError"
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The template source is malformed (raised when a template is loaded).
        public static let syntax = Code(.syntax)
        /// The template is well-formed but uses something that does not exist (an unknown filter or test).
        public static let assertion = Code(.assertion)
        /// An undefined value was used in a way that needs a value.
        public static let undefined = Code(.undefined)
        /// A generic failure while rendering.
        public static let runtime = Code(.runtime)
        /// A template could not be found by the loader.
        public static let templateNotFound = Code(.notFound)
        /// None of several templates could be found by the loader.
        public static let templatesNotFound = Code(.notFoundMany)
        /// An operation was applied to a value of the wrong type.
        public static let type = Code(.type)
        /// An operation received a value of the right type but a wrong value.
        public static let value = Code(.value)
        /// Division or modulo by zero.
        public static let zeroDivision = Code(.zeroDivision)
        /// A sandbox limit (steps, time, loop iterations, output size, range size) was exceeded.
        public static let limitExceeded = Code(.limit)
        /// A missing key.
        public static let key = Code(.key)
        /// A missing attribute.
        public static let attribute = Code(.attribute)
        /// An integer result does not fit in 64 bits.
        public static let overflow = Code(.overflow)
        /// An index is out of range.
        public static let index = Code(.index)

        /// The name of the Python exception class Jinja2 raises for the same failure.
        public var pythonClassName: String { kind.rawValue }
        /// The Python class name.
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A human message naming the cause (in Jinja2's words where possible).
    public var message: String
    /// The name of the template where the failure happened, when known.
    public var templateName: String?
    /// The 1-based line, when known.
    public var line: Int?
    /// The 1-based column, when known (syntax errors always have one).
    public var column: Int?
    /// The error that caused this one, if any.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, templateName: String? = nil, line: Int? = nil,
                column: Int? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.templateName = templateName
        self.line = line
        self.column = column
        self.underlying = underlying
    }

    /// `NAME:LINE:COL: message` (the form the CLI prints).
    public var description: String {
        let name = templateName ?? "<template>"
        var loc = name
        if let line { loc += ":\(line)" }
        if let column { loc += ":\(column)" }
        return "\(loc): \(message)"
    }
}

extension JinjaError {
    static func syntax(_ message: String, line: Int, column: Int, name: String?) -> JinjaError {
        JinjaError(.syntax, message, templateName: name, line: line, column: column)
    }
    static func type(_ message: String) -> JinjaError { JinjaError(.type, message) }
    static func value(_ message: String) -> JinjaError { JinjaError(.value, message) }
    static func runtime(_ message: String) -> JinjaError { JinjaError(.runtime, message) }
    static func undefined(_ message: String) -> JinjaError { JinjaError(.undefined, message) }
}

/// The cap on any single value a template builds (a string of `RenderLimits.maxValueSize` UTF-8
/// bytes, a list of as many items; `'x' * n`, concatenation, `center(n)`, widths in format
/// strings): far above any real mail, far below what would exhaust memory. It holds with every
/// `RenderLimits`; `RenderLimits.maxValueBytes` bounds the total built over a render.
enum SizeCap {
    /// The default cap (`RenderLimits.maxValueSize`).
    static let maxItems = 10_000_000

    /// Throws when `count` pieces of `unit` elements each would exceed the cap of `budget`'s
    /// render (or the default cap without one).
    @inline(__always) static func check(_ count: Int, unit: Int = 1, _ budget: RenderBudget? = nil) throws {
        let cap = budget?.maxSize ?? maxItems
        if count > 0 && unit > 0 && count > cap / unit { throw error(cap) }
    }

    static func error(_ cap: Int) -> JinjaError {
        JinjaError(.limitExceeded, "the template asked for a single value of more than \(cap) bytes or items "
                   + "(RenderLimits.maxValueSize); build it in smaller pieces, or raise the limit")
    }
}
