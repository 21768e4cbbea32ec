import Foundation

/// The parameters of built-in filters and tests (after the value), to reject calls Python would
/// reject: unknown keywords, too many positional arguments, missing required arguments.
struct Signature: Sendable {
    let params: [String]
    let required: Int
    let variadic: Bool

    init(_ params: [String] = [], required: Int = 0, variadic: Bool = false) {
        self.params = params
        self.required = required
        self.variadic = variadic
    }

    func check(_ name: String, _ args: Arguments) throws {
        if variadic { return }
        if args.positional.count > params.count {
            throw JinjaError.type("\(name)() takes \(params.count + 1) positional argument\(params.isEmpty ? "" : "s") but \(args.positional.count + 1) were given")
        }
        if args.keywords.isEmpty {
            if args.positional.count < required {
                throw JinjaError.type("\(name)() missing 1 required positional argument: '\(params[args.positional.count])'")
            }
            return
        }
        var given = Set(params.prefix(args.positional.count))
        for (k, _) in args.keywords {
            guard params.contains(k) else { throw JinjaError.type("\(name)() got an unexpected keyword argument '\(k)'") }
            if given.contains(k) { throw JinjaError.type("\(name)() got multiple values for argument '\(k)'") }
            given.insert(k)
        }
        for p in params.prefix(required) where !given.contains(p) {
            throw JinjaError.type("\(name)() missing 1 required positional argument: '\(p)'")
        }
    }

    static let filters: [String: Signature] = {
        var s: [String: Signature] = [:]
        for n in ["abs", "capitalize", "count", "length", "e", "escape", "first", "last", "forceescape", "items", "list", "lower",
                  "upper", "pprint", "random", "reverse", "safe", "string", "striptags", "title", "urlencode", "wordcount"] {
            s[n] = Signature()
        }
        for n in ["format", "map", "select", "reject", "selectattr", "rejectattr"] { s[n] = Signature(variadic: true) }
        s["attr"] = Signature(["name"], required: 1)
        s["batch"] = Signature(["linecount", "fill_with"], required: 1)
        s["center"] = Signature(["width"])
        s["default"] = Signature(["default_value", "boolean"])
        s["d"] = s["default"]
        s["dictsort"] = Signature(["case_sensitive", "by", "reverse"])
        s["filesizeformat"] = Signature(["binary"])
        s["float"] = Signature(["default"])
        s["groupby"] = Signature(["attribute", "default", "case_sensitive"], required: 1)
        s["indent"] = Signature(["width", "first", "blank"])
        s["int"] = Signature(["default", "base"])
        s["join"] = Signature(["d", "attribute"])
        s["max"] = Signature(["case_sensitive", "attribute"])
        s["min"] = s["max"]
        s["replace"] = Signature(["old", "new", "count"], required: 2)
        s["round"] = Signature(["precision", "method"])
        s["slice"] = Signature(["slices", "fill_with"], required: 1)
        s["sort"] = Signature(["reverse", "case_sensitive", "attribute"])
        s["sum"] = Signature(["attribute", "start"])
        s["tojson"] = Signature(["indent"])
        s["trim"] = Signature(["chars"])
        s["truncate"] = Signature(["length", "killwords", "end", "leeway"])
        s["unique"] = Signature(["case_sensitive", "attribute"])
        s["urlize"] = Signature(["trim_url_limit", "nofollow", "target", "rel", "extra_schemes"])
        s["wordwrap"] = Signature(["width", "break_long_words", "wrapstring", "break_on_hyphens"])
        s["xmlattr"] = Signature(["autospace"])
        return s
    }()

    static let tests: [String: Signature] = {
        var s: [String: Signature] = [:]
        for n in ["boolean", "callable", "defined", "escaped", "even", "false", "filter", "float", "integer", "iterable", "lower",
                  "mapping", "none", "number", "odd", "sequence", "string", "test", "true", "undefined", "upper"] {
            s[n] = Signature()
        }
        for n in ["eq", "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "sameas"] {
            s[n] = Signature(["other"], required: 1)
        }
        s["divisibleby"] = Signature(["num"], required: 1)
        s["in"] = Signature(["seq"], required: 1)
        return s
    }()
}
