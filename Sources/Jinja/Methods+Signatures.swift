import Foundation

/// Argument rules of the Python `str`, `dict` and `list` methods, so bad calls fail as in Python.
extension Methods {
    enum ParamKind {
        case any, int, intOrNone, str, strOrNone, char
    }

    struct MethodSignature {
        let params: [ParamKind]
        let required: Int
        let keywords: [String]

        init(_ params: [ParamKind] = [], required: Int = 0, keywords: [String] = []) {
            self.params = params
            self.required = required
            self.keywords = keywords
        }
    }

    static let stringSignatures: [String: MethodSignature] = {
        var s: [String: MethodSignature] = [:]
        for n in ["upper", "lower", "title", "capitalize", "swapcase", "casefold", "isdigit", "isalpha", "isalnum", "isspace",
                  "islower", "isupper", "isnumeric", "isdecimal", "istitle"] {
            s[n] = MethodSignature()
        }
        for n in ["strip", "lstrip", "rstrip"] { s[n] = MethodSignature([.strOrNone]) }
        for n in ["split", "rsplit"] { s[n] = MethodSignature([.strOrNone, .int], keywords: ["sep", "maxsplit"]) }
        s["splitlines"] = MethodSignature([.any], keywords: ["keepends"])
        s["replace"] = MethodSignature([.str, .str, .int], required: 2)
        for n in ["startswith", "endswith"] { s[n] = MethodSignature([.any, .intOrNone, .intOrNone], required: 1) }
        for n in ["find", "rfind", "index", "rindex", "count"] { s[n] = MethodSignature([.str, .intOrNone, .intOrNone], required: 1) }
        s["join"] = MethodSignature([.any], required: 1)
        for n in ["center", "ljust", "rjust"] { s[n] = MethodSignature([.int, .char], required: 1) }
        s["zfill"] = MethodSignature([.int], required: 1)
        for n in ["partition", "rpartition", "removeprefix", "removesuffix"] { s[n] = MethodSignature([.str], required: 1) }
        s["expandtabs"] = MethodSignature([.int], keywords: ["tabsize"])
        s["format_map"] = MethodSignature([.any], required: 1)
        return s
    }()

    static let dictSignatures: [String: MethodSignature] = [
        "items": MethodSignature(), "keys": MethodSignature(), "values": MethodSignature(), "copy": MethodSignature(),
        "clear": MethodSignature(), "popitem": MethodSignature(),
        "get": MethodSignature([.any, .any], required: 1), "pop": MethodSignature([.any, .any], required: 1),
        "setdefault": MethodSignature([.any, .any], required: 1),
    ]

    static let listSignatures: [String: MethodSignature] = [
        "index": MethodSignature([.any, .int, .int], required: 1), "count": MethodSignature([.any], required: 1),
        "copy": MethodSignature(), "append": MethodSignature([.any], required: 1), "extend": MethodSignature([.any], required: 1),
        "insert": MethodSignature([.int, .any], required: 2), "pop": MethodSignature([.int]),
        "remove": MethodSignature([.any], required: 1), "reverse": MethodSignature(), "clear": MethodSignature(),
        "sort": MethodSignature([], keywords: ["key", "reverse"]),
    ]

    /// Checks `args` against the method's rules; unknown methods pass (they are reported elsewhere).
    static func checkArguments(_ receiver: Value, _ name: String, _ args: Arguments) throws {
        let table: [String: MethodSignature]
        let typeName: String
        switch receiver {
        case .string, .markup: table = stringSignatures; typeName = "str"
        case .dict: table = dictSignatures; typeName = "dict"
        case .list, .tuple: table = listSignatures; typeName = receiver.typeName
        default: return
        }
        guard let sig = table[name] else { return }
        let n = args.positional.count
        if n > sig.params.count {
            throw JinjaError.type("\(typeName).\(name)() takes at most \(sig.params.count) argument\(sig.params.count == 1 ? "" : "s") (\(n) given)")
        }
        var given = n
        for (k, _) in args.keywords {
            guard let i = sig.keywords.firstIndex(of: k) else {
                throw JinjaError.type("\(typeName).\(name)() takes no keyword argument '\(k)'")
            }
            if i < n { throw JinjaError.type("argument for \(typeName).\(name)() given by name ('\(k)') and position") }
            given = max(given, i + 1)
        }
        if given < sig.required {
            throw JinjaError.type("\(typeName).\(name)() takes at least \(sig.required) argument\(sig.required == 1 ? "" : "s") (\(given) given)")
        }
        for (i, v) in args.positional.enumerated() {
            try checkKind(sig.params[i], v, typeName, name)
        }
        for (k, v) in args.keywords {
            if let i = sig.keywords.firstIndex(of: k), i < sig.params.count { try checkKind(sig.params[i], v, typeName, name) }
        }
    }

    static func checkKind(_ kind: ParamKind, _ v: Value, _ typeName: String, _ name: String) throws {
        switch kind {
        case .any: return
        case .int:
            if v.intIndex == nil { throw JinjaError.type("'\(v.typeName)' object cannot be interpreted as an integer") }
        case .intOrNone:
            if v.intIndex == nil && !v.isNone { throw JinjaError.type("slice indices must be integers or None or have an __index__ method") }
        case .str:
            if !v.isString { throw JinjaError.type("must be str, not \(v.typeName)") }
        case .strOrNone:
            if !v.isString && !v.isNone { throw JinjaError.type("\(name) arg must be None or str") }
        case .char:
            if !v.isString || v.plainString.unicodeScalars.count != 1 {
                throw JinjaError.type("The fill character must be exactly one character long")
            }
        }
    }
}
