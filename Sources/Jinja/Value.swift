import Foundation

/// A template value, modelled on the Python values Jinja2 works with.
///
/// Integers are 64-bit with Python's floor-division and modulo semantics; strings are Unicode
/// strings indexed by code point as in Python; dictionaries keep insertion order; `markup` is a
/// string already safe for HTML (MarkupSafe's `Markup`).
public enum Value: Sendable {
    /// A missing value (Jinja2's `Undefined`, or `StrictUndefined` in strict mode).
    case undefined(Undefined)
    /// Python's `None`.
    case none
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating point number.
    case float(Double)
    /// A string.
    case string(String)
    /// A string marked safe for HTML output.
    case markup(String)
    /// A list.
    case list([Value])
    /// A tuple.
    case tuple([Value])
    /// An ordered dictionary.
    case dict(PyDict)
    /// A callable or an object with attributes (macros, `loop`, namespaces, ...).
    case object(any JinjaObject)
}

/// Information carried by an undefined value: what was missing, and whether any use must fail.
public struct Undefined: Sendable {
    /// The message an error about this value carries (for example `'user' is undefined`).
    public var hint: String
    /// `true` for `StrictUndefined` semantics.
    public var strict: Bool
    /// Creates undefined information.
    public init(hint: String, strict: Bool = false) {
        self.hint = hint
        self.strict = strict
    }

    var error: JinjaError { JinjaError(.undefined, hint) }
}

/// Arguments of a call: positional and keyword arguments in source order.
public struct Arguments: Sendable {
    /// Positional arguments.
    public var positional: [Value]
    /// Keyword arguments in order.
    public var keywords: [(String, Value)]

    /// Creates an argument list.
    public init(_ positional: [Value] = [], keywords: [(String, Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }

    /// The argument at position `index`, or else the keyword argument `name`, if given.
    public func get(_ index: Int, _ name: String) -> Value? {
        if index < positional.count { return positional[index] }
        for (k, v) in keywords where k == name { return v }
        return nil
    }

    /// Fails if more than `max` positional arguments or unknown keywords were given.
    func check(_ function: String, max: Int, names: [String]) throws {
        if positional.count > max {
            throw JinjaError.type("\(function)() takes at most \(max) positional arguments (\(positional.count) given)")
        }
        for (k, _) in keywords where !names.contains(k) {
            throw JinjaError.type("\(function)() got an unexpected keyword argument '\(k)'")
        }
    }
}

/// An object a template can call or read attributes from.
///
/// Implement this to expose Swift objects to templates beyond plain data.
public protocol JinjaObject: AnyObject, Sendable {
    /// The Python-like type name used in error messages (for example `function`).
    var typeName: String { get }
    /// The attribute `name`, or `nil` when there is none.
    func attribute(_ name: String) -> Value?
    /// Whether the object can be called.
    var isCallable: Bool { get }
    /// Calls the object. Throws `JinjaError` when the call fails.
    func call(_ args: Arguments, _ context: CallContext) throws -> Value
    /// The text `str()` gives.
    var stringValue: String { get }
    /// Iterates the object, if it is iterable.
    func iterate() throws -> [Value]?
    /// Calls method `name` directly (`obj.name(args)`) without creating a bound method;
    /// `nil` when the object has no such method (then the attribute is looked up and called).
    func callMethod(_ name: String, _ args: Arguments) throws -> Value?
}

extension JinjaObject {
    /// Default: no attributes.
    public func attribute(_ name: String) -> Value? { nil }
    /// Default: not callable.
    public var isCallable: Bool { false }
    /// Default: throws `TypeError` (not callable).
    public func call(_ args: Arguments, _ context: CallContext) throws -> Value {
        throw JinjaError.type("'\(typeName)' object is not callable")
    }
    /// Default: `<typeName object>`.
    public var stringValue: String { "<\(typeName) object>" }
    /// Default: not iterable.
    public func iterate() throws -> [Value]? { nil }
    /// Default: no direct methods (attribute lookup and call are used instead).
    public func callMethod(_ name: String, _ args: Arguments) throws -> Value? { nil }
}

/// What a called object may use from the rendering in progress.
public struct CallContext {
    let interpreter: Interpreter
}

/// A Swift closure callable from templates.
public final class NativeFunction: JinjaObject {
    /// The function body.
    public typealias Body = @Sendable (Arguments, CallContext) throws -> Value
    let name: String
    let body: Body
    /// Values the body keeps (a bound method's receiver), so nesting checks can see them.
    let held: [Value]
    /// Creates a function named `name`.
    public init(_ name: String, _ body: @escaping Body) {
        self.name = name
        self.body = body
        self.held = []
    }

    init(_ name: String, holding held: [Value], _ body: @escaping Body) {
        self.name = name
        self.body = body
        self.held = held
    }
    /// `function`.
    public var typeName: String { "function" }
    /// Always callable.
    public var isCallable: Bool { true }
    /// Runs the body; rethrows its error.
    public func call(_ args: Arguments, _ context: CallContext) throws -> Value { try body(args, context) }
    /// `<function name>`.
    public var stringValue: String { "<function \(name)>" }
}

extension Value {
    /// `true` unless undefined.
    var isDefined: Bool {
        if case .undefined = self { return false }
        return true
    }

    /// Whether the value is a string or markup.
    var isString: Bool {
        switch self {
        case .string, .markup: return true
        default: return false
        }
    }

    var isMarkup: Bool {
        if case .markup = self { return true }
        return false
    }

    var isNumber: Bool {
        switch self {
        case .int, .float, .bool: return true
        default: return false
        }
    }

    /// Python truthiness. Strict undefined values throw.
    func truthy() throws -> Bool {
        switch self {
        case .undefined(let u):
            if u.strict { throw u.error }
            return false
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .string(let s), .markup(let s): return !s.isEmpty
        case .list(let a), .tuple(let a): return !a.isEmpty
        case .dict(let d): return d.count > 0
        case .object(let o):
            if let r = o as? RangeObject { return r.count > 0 }
            return true
        }
    }

    /// The Python type name, for error messages.
    var typeName: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .markup: return "Markup"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .object(let o): return o.typeName
        }
    }

    /// Iterates like Python's `iter()`: lists and tuples give items, dicts keys, strings characters.
    func iterate() throws -> [Value] {
        switch self {
        case .list(let a), .tuple(let a): return a
        case .dict(let d): return d.keys
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .markup(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .undefined(let u):
            if u.strict { throw u.error }
            return []
        case .object(let o):
            if let items = try o.iterate() { return items }
            throw JinjaError.type("'\(o.typeName)' object is not iterable")
        default:
            throw JinjaError.type("'\(typeName)' object is not iterable")
        }
    }

    /// Python's `str()`. Strict undefined values throw, and so do values too deep to print.
    func str() throws -> String {
        switch self {
        case .undefined(let u):
            if u.strict { throw u.error }
            return ""
        case .string(let s), .markup(let s): return s
        case .object(let o) where !(o is Namespace): return o.stringValue
        default: return try checkedRepr(nil)
        }
    }

    /// `str()` that never throws and builds little: undefined gives the empty string, and a
    /// container or namespace its `shortRepr` (where a string is expected, as a name or an
    /// argument, a list's text only appears in a message; its whole `repr` may be terabytes).
    /// Text a template prints goes through the charged `Interpreter.str` instead.
    var plainString: String {
        switch self {
        case .undefined: return ""
        case .string(let s), .markup(let s): return s
        case .object(let o) where !(o is Namespace): return o.stringValue
        case .list, .tuple, .dict, .object: return shortRepr()
        default: return scalarRepr()
        }
    }
}

/// Python's `repr()` of a float: the shortest string that round-trips.
func pyFloatRepr(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
    let mag = abs(d)
    if mag < 1e15, d == d.rounded(.towardZero) { return String(Int(d)) + ".0" }
    // Swift's description matches Python's repr except between 2^53 and 1e16, where Swift
    // switches to exponent notation earlier.
    if mag < 9.0e15 || mag >= 1e16 { return d.description }
    let (digits, exp) = shortestDigits(mag)
    let sign = d < 0 ? "-" : ""
    if exp >= -4 && exp < 16 {
        var out = ""
        if exp >= 0 {
            if digits.count <= exp + 1 {
                out = digits + String(repeating: "0", count: exp + 1 - digits.count) + ".0"
            } else {
                let i = digits.index(digits.startIndex, offsetBy: exp + 1)
                out = String(digits[..<i]) + "." + String(digits[i...])
            }
        } else {
            out = "0." + String(repeating: "0", count: -exp - 1) + digits
        }
        return sign + out
    }
    var m = String(digits.first!)
    if digits.count > 1 { m += "." + digits.dropFirst() }
    let es = exp < 0 ? "-" : "+"
    let ev = abs(exp)
    return sign + m + "e" + es + (ev < 10 ? "0\(ev)" : "\(ev)")
}

private let powersOfTen: [Double] = (0...22).map { Foundation.pow(10.0, Double($0)) }

/// `%.{precision}f` of `d`, correctly rounded (half to even on the exact binary value) like C's printf.
func fixedFormat(_ d: Double, _ precision: Int) -> String {
    if precision >= 0 && precision <= 15 && d.isFinite && abs(d) < 1e15 {
        let scaled = abs(d) * powersOfTen[precision]
        let floor = scaled.rounded(.down)
        let frac = scaled - floor
        // Away from a tie the scaled product rounds the same way as the exact value.
        if abs(frac - 0.5) > 1e-6 && scaled < 9e15 {
            var n = Int64(floor) + (frac > 0.5 ? 1 : 0)
            var digits = String(n)
            if precision > 0 {
                if digits.count <= precision { digits = String(repeating: "0", count: precision - digits.count + 1) + digits }
                digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -precision))
            }
            n = 0
            let negative = d < 0 || (d == 0 && d.sign == .minus)
            return negative ? "-" + digits : digits
        }
    }
    return String(format: "%.\(precision)f", d)
}

/// Shortest round-trip decimal digits of a positive finite double, and the decimal exponent of
/// the first digit (value = d.ddd × 10^exp).
func shortestDigits(_ d: Double) -> (String, Int) {
    let s = d.description
    var mantissa = Substring(s)
    var e = 0
    if let ei = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        mantissa = s[..<ei]
        e = Int(s[s.index(after: ei)...]) ?? 0
    }
    var intPart = mantissa
    var frac: Substring = ""
    if let dot = mantissa.firstIndex(of: ".") {
        intPart = mantissa[..<dot]
        frac = mantissa[mantissa.index(after: dot)...]
    }
    var all = Array(intPart.utf8) + Array(frac.utf8)
    var exp = intPart.count - 1 + e
    while all.count > 1 && all.first == UInt8(ascii: "0") {
        all.removeFirst()
        exp -= 1
    }
    while all.count > 1 && all.last == UInt8(ascii: "0") { all.removeLast() }
    return (String(decoding: all, as: UTF8.self), exp)
}

/// Python's `repr()` of a string.
func pyStringRepr(_ s: String) -> String {
    var hasSingle = false, hasDouble = false, plain = true
    for b in s.utf8 {
        if b == 0x27 { hasSingle = true } else if b == 0x22 { hasDouble = true }
        else if b < 0x20 || b >= 0x7f || b == 0x5c { plain = false }
    }
    let quote: Character = (hasSingle && !hasDouble) ? "\"" : "'"
    // Printable ASCII without a backslash, and without both quotes, is printed as it is (one
    // pass over the bytes, even for a string of megabytes).
    if plain && !(hasSingle && hasDouble) { return String(quote) + s + String(quote) }
    var out = String(quote)
    for u in s.unicodeScalars {
        switch u {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if Character(u) == quote {
                out += "\\" + String(u)
            } else if u.value < 0x20 || u.value == 0x7f {
                out += String(format: "\\x%02x", u.value)
            } else if u.value >= 0x80 && !isPrintableScalar(u) {
                if u.value <= 0xff { out += String(format: "\\x%02x", u.value) }
                else if u.value <= 0xffff { out += String(format: "\\u%04x", u.value) }
                else { out += String(format: "\\U%08x", u.value) }
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    out.append(quote)
    return out
}

private func isPrintableScalar(_ u: Unicode.Scalar) -> Bool {
    switch u.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator:
        return false
    case .spaceSeparator:
        return u == " "
    default:
        return true
    }
}

extension Value {
    /// Whether this is Python's `None`.
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }
}

extension Value: CustomStringConvertible {
    /// What the template prints for this value (Python's `str()`; empty for undefined).
    public var description: String {
        switch self {
        case .list, .tuple, .dict, .object: return repr()
        default: return plainString
        }
    }
}
