import Foundation

/// The Python `str`, `dict` and `list` methods templates call.
enum Methods {
    static let stringMethods: Set<String> = [
        "upper", "lower", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "replace", "startswith",
        "endswith", "format", "join", "title", "capitalize", "count", "find", "rfind", "index", "rindex", "isdigit",
        "isalpha", "isalnum", "isspace", "islower", "isupper", "isnumeric", "isdecimal", "istitle", "center", "ljust",
        "rjust", "zfill", "partition", "rpartition", "swapcase", "casefold", "removeprefix", "removesuffix",
        "expandtabs", "format_map",
    ]
    static let dictMethods: Set<String> = ["items", "keys", "values", "get", "copy", "pop", "setdefault", "update", "clear", "popitem", "fromkeys"]

    /// `dictMethods.contains(name)` without hashing (attribute lookups on dicts are hot).
    @inline(__always) static func isDictMethod(_ name: String) -> Bool {
        switch name.utf8.count {
        case 3: return name == "get" || name == "pop"
        case 4: return name == "keys" || name == "copy"
        case 5: return name == "items" || name == "clear"
        case 6: return name == "values" || name == "update"
        case 7: return name == "popitem"
        case 8: return name == "fromkeys"
        case 10: return name == "setdefault"
        default: return false
        }
    }
    static let listMethods: Set<String> = ["index", "count", "copy", "append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"]

    /// A method value bound to `receiver` (what `x.upper` evaluates to).
    static func bound(_ receiver: Value, _ name: String) -> Value {
        .object(NativeFunction(name, holding: [receiver]) { args, ctx in
            if let r = try call(receiver, name, args, ctx.interpreter) { return r }
            throw JinjaError.type("'\(receiver.typeName)' object has no method '\(name)'")
        })
    }

    static func str(_ args: Arguments, _ i: Int, _ name: String) throws -> String? {
        guard let v = args.get(i, name) else { return nil }
        if case .none = v { return nil }
        guard v.isString else { throw JinjaError.type("must be str, not \(v.typeName)") }
        return v.plainString
    }

    /// Calls method `name` on `receiver`; returns `nil` when the type has no such method.
    static func call(_ receiver: Value, _ name: String, _ args: Arguments, _ interp: Interpreter) throws -> Value? {
        try checkArguments(receiver, name, args)
        switch receiver {
        case .string(let s): return try stringMethod(s, name, args, markup: false, budget: interp.budget)
        case .markup(let s): return try stringMethod(s, name, args, markup: true, budget: interp.budget)
        case .dict(let d):
            if name == "items" {
                try interp.checkNesting(d.keys, levels: 2)
                try interp.checkNesting(d.values, levels: 2)
            }
            return try dictMethod(d, name, args, interp.budget)
        case .list(let a): return try listMethod(a, name, args, interp.budget)
        case .tuple(let a):
            if name == "count" || name == "index" { return try listMethod(a, name, args, interp.budget) }
            return nil
        case .float(let d):
            if name == "is_integer" { return .bool(d.rounded() == d && d.isFinite) }
            return nil
        default: return nil
        }
    }

    static func dictMethod(_ d: PyDict, _ name: String, _ args: Arguments, _ budget: RenderBudget) throws -> Value? {
        switch name {
        case "items":
            try budget.chargeItems(d.count, unit: 3)
            return .list(d.pairs.map { .tuple([$0.0, $0.1]) })
        case "keys":
            try budget.chargeItems(d.count)
            return .list(d.keys)
        case "values":
            try budget.chargeItems(d.count)
            return .list(d.values)
        case "get":
            guard let k = args.get(0, "key") else { throw JinjaError.type("get expected at least 1 argument, got 0") }
            return d[k] ?? args.get(1, "default") ?? Value.none
        case "copy": return .dict(d)
        case "pop", "setdefault":
            guard let k = args.get(0, "key") else { throw JinjaError.type("\(name) expected at least 1 argument, got 0") }
            if let v = d[k] { return v }
            if let def = args.get(1, "default") { return def }
            if name == "setdefault" { return Value.none }
            throw JinjaError(.key, k.shortRepr())
        case "update", "clear", "popitem":
            return Value.none
        default: return nil
        }
    }

    static func listMethod(_ a: [Value], _ name: String, _ args: Arguments, _ budget: RenderBudget) throws -> Value? {
        try budget.tick(a.count)
        switch name {
        case "count":
            guard let x = args.get(0, "value") else { throw JinjaError.type("count() takes exactly one argument (0 given)") }
            // Each comparison of long strings or lists is work of their length, not one unit.
            let cost = x.itemCountEstimate
            var n = 0
            for y in a {
                if cost > 16 { try budget.tick(min(cost, y.itemCountEstimate)) }
                if y == x { n += 1 }
            }
            return .int(n)
        case "index":
            guard let x = args.get(0, "value") else { throw JinjaError.type("index expected at least 1 argument, got 0") }
            let cost = x.itemCountEstimate
            for (i, y) in a.enumerated() {
                if cost > 16 { try budget.tick(min(cost, y.itemCountEstimate)) }
                if y == x { return .int(i) }
            }
            throw JinjaError.value("\(x.shortRepr()) is not in list")
        case "copy":
            try budget.chargeItems(a.count)
            return .list(a)
        case "append", "extend", "insert", "remove", "reverse", "sort", "clear":
            return Value.none
        case "pop":
            guard !a.isEmpty else { throw JinjaError(.index, "pop from empty list") }
            if let i = args.get(0, "index")?.intIndex {
                let j = i < 0 ? i + a.count : i
                guard j >= 0 && j < a.count else { throw JinjaError(.index, "pop index out of range") }
                return a[j]
            }
            return a[a.count - 1]
        default: return nil
        }
    }

    static func isPySpace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0d, 0x1c...0x20, 0x85, 0xa0, 0x1680, 0x2000...0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000: return true
        default: return false
        }
    }

    static func strip(_ s: String, _ chars: String?, left: Bool, right: Bool) -> String {
        let a = Array(s.unicodeScalars)
        let set = chars.map { Set($0.unicodeScalars) }
        func drop(_ u: Unicode.Scalar) -> Bool { set.map { $0.contains(u) } ?? isPySpace(u) }
        var lo = 0, hi = a.count
        if left { while lo < hi && drop(a[lo]) { lo += 1 } }
        if right { while hi > lo && drop(a[hi - 1]) { hi -= 1 } }
        return makeString(a[lo..<hi])
    }

    /// Python `str.split`.
    static func split(_ s: String, _ sep: String?, _ maxsplit: Int, budget: RenderBudget? = nil) throws -> [String] {
        var out: [String] = []
        if let sep {
            return PyText.split(s, separator: sep, maxsplit: maxsplit)
        }
        // Walks the string's own scalar positions and copies each word as a slice of it.
        let u = s.unicodeScalars
        var i = u.startIndex
        var work = 0
        while i < u.endIndex {
            try budget?.step(&work)
            while i < u.endIndex && isPySpace(u[i]) { i = u.index(after: i) }
            if i >= u.endIndex { break }
            if maxsplit >= 0 && out.count >= maxsplit {
                var end = u.endIndex
                while end > i && isPySpace(u[u.index(before: end)]) { end = u.index(before: end) }
                out.append(String(s[i..<end]))
                return out
            }
            var j = i
            while j < u.endIndex && !isPySpace(u[j]) { j = u.index(after: j) }
            out.append(String(s[i..<j]))
            i = j
        }
        return out
    }

    /// Methods whose result is about as long as the receiver (charged before they run). By
    /// length first, then a few comparisons: hashing the name on every call showed in profiles,
    /// and so does comparing it with all sixteen names.
    @inline(__always) static func isSameSizeStringMethod(_ name: String) -> Bool {
        switch name.utf8.count {
        case 5: return name == "upper" || name == "lower" || name == "strip" || name == "split" || name == "title"
        case 6: return name == "lstrip" || name == "rstrip" || name == "rsplit"
        case 8: return name == "casefold" || name == "swapcase"
        case 9: return name == "partition"
        case 10: return name == "splitlines" || name == "capitalize" || name == "rpartition"
        case 12: return name == "removeprefix" || name == "removesuffix"
        default: return false
        }
    }

    /// Calls string method `name`; what it builds is charged to `budget` before it is built
    /// (widths and joined lengths are computed first), and searches count as work.
    static func stringMethod(_ s: String, _ name: String, _ args: Arguments, markup: Bool, budget: RenderBudget? = nil) throws -> Value? {
        func wrap(_ r: String) -> Value { markup ? .markup(r) : .string(r) }
        if let budget {
            if isSameSizeStringMethod(name) { try budget.chargeString(s.utf8.count) }
            else { try budget.tick(s.utf8.count) }
        }
        func arg(_ i: Int, _ n: String) throws -> String? {
            guard let v = args.get(i, n) else { return nil }
            if case .none = v { return nil }
            guard v.isString else { throw JinjaError.type("must be str, not \(v.typeName)") }
            if markup && !v.isMarkup { return htmlEscape(v.plainString) }
            return v.plainString
        }
        switch name {
        case "upper": return wrap(s.uppercased())
        case "lower": return wrap(try PyText.lower(s, budget: budget))
        case "casefold": return wrap(try PyText.casefold(s, budget: budget))
        case "swapcase": return wrap(try PyText.swapcase(s, budget: budget))
        case "strip": return wrap(strip(s, try arg(0, "chars"), left: true, right: true))
        case "lstrip": return wrap(strip(s, try arg(0, "chars"), left: true, right: false))
        case "rstrip": return wrap(strip(s, try arg(0, "chars"), left: false, right: true))
        case "split", "rsplit":
            let sep = try arg(0, "sep")
            if sep == "" { throw JinjaError.value("empty separator") }
            let maxsplit = args.get(1, "maxsplit")?.intIndex ?? -1
            var parts: [String]
            if name == "rsplit" && maxsplit >= 0 {
                let rev = String(s.reversed())
                parts = try split(rev, sep.map { String($0.reversed()) }, maxsplit, budget: budget).map { String($0.reversed()) }.reversed()
            } else {
                parts = try split(s, sep, maxsplit, budget: budget)
            }
            try budget?.chargeItems(parts.count)
            return .list(parts.map(wrap))
        case "splitlines":
            let keep = try args.get(0, "keepends")?.truthy() ?? false
            var out: [Value] = []
            var cur = ""
            var it = Array(s.unicodeScalars)[...]
            while let u = it.first {
                it = it.dropFirst()
                if u == "\r" || u == "\n" || u == "\u{0b}" || u == "\u{0c}" || u == "\u{1c}" || u == "\u{1d}" || u == "\u{1e}" || u == "\u{85}" || u == "\u{2028}" || u == "\u{2029}" {
                    var end = String(u)
                    if u == "\r", it.first == "\n" { it = it.dropFirst(); end += "\n" }
                    out.append(wrap(keep ? cur + end : cur))
                    cur = ""
                } else { cur.unicodeScalars.append(u) }
            }
            if !cur.isEmpty { out.append(wrap(cur)) }
            try budget?.chargeItems(out.count)
            return .list(out)
        case "replace":
            guard let oldValue = args.get(0, "old"), let new = try arg(1, "new") else { throw JinjaError.type("replace expected at least 2 arguments") }
            // Markup's methods convert their arguments with `str()`; str's take only strings.
            let old: String
            if oldValue.isString { old = oldValue.plainString } else if markup { old = try oldValue.str(charging: budget) } else {
                throw JinjaError.type("replace() argument 1 must be str, not \(oldValue.typeName)")
            }
            let count = args.get(2, "count")?.intIndex ?? -1
            return wrap(try PyText.replace(s, old, new, count, budget: budget))
        case "startswith", "endswith":
            guard let v = args.get(0, "prefix") else { throw JinjaError.type("\(name) takes at least 1 argument (0 given)") }
            var cands: [String] = []
            switch v {
            case .tuple(let a), .list(let a): cands = a.map { $0.plainString }
            case .string(let x), .markup(let x): cands = [x]
            default: throw JinjaError.type("\(name) first arg must be str or a tuple of str, not \(v.typeName)")
            }
            return .bool(cands.contains { name == "startswith" ? s.unicodeScalars.starts(with: $0.unicodeScalars) : s.unicodeScalars.reversed().starts(with: $0.unicodeScalars.reversed()) })
        case "format":
            if markup {
                var escapedArgs = args
                escapedArgs.positional = try args.positional.map { try $0.escaped(budget) }
                escapedArgs.keywords = try args.keywords.map { ($0.0, try $0.1.escaped(budget)) }
                return .markup(try StrFormat.format(s, escapedArgs, budget: budget))
            }
            return .string(try StrFormat.format(s, args, budget: budget))
        case "format_map":
            guard case .dict(let d)? = args.get(0, "mapping") else { throw JinjaError.type("format_map() argument must be a mapping") }
            return wrap(try StrFormat.format(s, Arguments([], keywords: d.pairs.map { ($0.0.plainString, $0.1) }), budget: budget))
        case "join":
            guard let v = args.get(0, "iterable") else { throw JinjaError.type("join() takes exactly one argument (0 given)") }
            try budget?.chargeItems(v.itemCountEstimate)
            let items = try v.iterate()
            var parts: [String] = []
            var total = 0
            for x in items {
                guard x.isString else { throw JinjaError.type("sequence item \(parts.count): expected str instance, \(x.typeName) found") }
                let part = markup && !x.isMarkup ? htmlEscape(x.plainString) : x.plainString
                total &+= part.utf8.count
                parts.append(part)
            }
            if parts.count > 1 { total &+= (parts.count - 1) &* s.utf8.count }
            try budget?.chargeString(total)
            return wrap(parts.joined(separator: s))
        case "title": return wrap(try PyText.title(s, budget: budget))
        case "capitalize": return wrap(try PyText.capitalize(s, budget: budget))
        case "count":
            guard let sub = try arg(0, "sub") else { throw JinjaError.type("count() takes at least 1 argument (0 given)") }
            if sub.isEmpty { return .int(s.unicodeScalars.count + 1) }
            return .int(PyText.count(s, sub))
        case "find", "index", "rfind", "rindex":
            guard let sub = try arg(0, "sub") else { throw JinjaError.type("\(name)() takes at least 1 argument (0 given)") }
            let found = PyText.find(s, sub, last: name.hasPrefix("r"))
            if found == -1 && (name == "index" || name == "rindex") { throw JinjaError.value("substring not found") }
            return .int(found)
        case "isdigit", "isdecimal", "isnumeric":
            return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType != nil })
        case "isalpha": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic })
        case "isalnum": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil })
        case "isspace": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(isPySpace))
        case "islower":
            let cased = s.unicodeScalars.filter { $0.properties.isCased }
            return .bool(!cased.isEmpty && cased.allSatisfy { $0.properties.isLowercase })
        case "isupper":
            let cased = s.unicodeScalars.filter { $0.properties.isCased }
            return .bool(!cased.isEmpty && cased.allSatisfy { $0.properties.isUppercase })
        case "istitle": return .bool(PyText.isTitle(s))
        case "center", "ljust", "rjust":
            let width = args.get(0, "width")?.intIndex ?? 0
            let fill = try arg(1, "fillchar") ?? " "
            let n = s.unicodeScalars.count
            guard width > n else { return wrap(s) }
            try SizeCap.check(width, unit: max(1, fill.utf8.count), budget)
            let pad = width - n
            try budget?.chargeString(s.utf8.count &+ pad &* fill.utf8.count)
            switch name {
            case "ljust": return wrap(s + String(repeating: fill, count: pad))
            case "rjust": return wrap(String(repeating: fill, count: pad) + s)
            default:
                let left = pad / 2 + (pad & width & 1)
                return wrap(String(repeating: fill, count: left) + s + String(repeating: fill, count: pad - left))
            }
        case "zfill":
            let width = args.get(0, "width")?.intIndex ?? 0
            let n = s.unicodeScalars.count
            guard width > n else { return wrap(s) }
            try SizeCap.check(width, budget)
            try budget?.chargeString(s.utf8.count &+ width - n)
            var body = s
            var sign = ""
            if let f = body.first, f == "-" || f == "+" { sign = String(f); body.removeFirst() }
            return wrap(sign + String(repeating: "0", count: width - n) + body)
        case "partition", "rpartition":
            guard let sep = try arg(0, "sep") else { throw JinjaError.type("partition() takes exactly one argument") }
            if sep.isEmpty { throw JinjaError.value("empty separator") }
            guard let (a, b, c) = PyText.partition(s, sep, fromEnd: name == "rpartition") else {
                return name == "partition" ? .tuple([wrap(s), wrap(""), wrap("")]) : .tuple([wrap(""), wrap(""), wrap(s)])
            }
            return .tuple([wrap(a), wrap(b), wrap(c)])
        case "removeprefix":
            let p = try arg(0, "prefix") ?? ""
            return wrap(PyText.hasPrefix(s, p) ? String(decoding: Array(s.utf8)[p.utf8.count...], as: UTF8.self) : s)
        case "removesuffix":
            let p = try arg(0, "suffix") ?? ""
            return wrap(!p.isEmpty && PyText.hasSuffix(s, p) ? String(decoding: Array(s.utf8).dropLast(p.utf8.count), as: UTF8.self) : s)
        case "expandtabs":
            let size = args.get(0, "tabsize")?.intIndex ?? 8
            try SizeCap.check(size, unit: max(1, s.utf8.count), budget)
            let tabs = s.utf8.reduce(0) { $0 + ($1 == 9 ? 1 : 0) }
            try budget?.chargeString(s.utf8.count &+ tabs &* max(0, size))
            var out = ""
            var col = 0
            for u in s.unicodeScalars {
                if u == "\t" {
                    let n = size > 0 ? size - col % size : 0
                    out += String(repeating: " ", count: n)
                    col += n
                } else {
                    out.unicodeScalars.append(u)
                    col = (u == "\n" || u == "\r") ? 0 : col + 1
                }
            }
            return wrap(out)
        default: return nil
        }
    }

    static func pyReplace(_ s: String, _ old: String, _ new: String, _ count: Int, _ budget: RenderBudget?) throws -> String {
        try PyText.replace(s, old, new, count, budget: budget)
    }

}

extension Methods {
    /// Methods that change their receiver.
    static func isMutating(_ name: String) -> Bool {
        switch name {
        case "append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear", "update", "setdefault", "popitem": return true
        default: return false
        }
    }

    /// Applies a mutating list or dict method to `v`; returns the method's result, or `nil` if not
    /// applicable. `v` is emptied while the method runs so the array or dict is changed in place.
    static func mutate(_ v: inout Value, _ name: String, _ args: Arguments, _ interp: Interpreter? = nil) throws -> Value? {
        try checkArguments(v, name, args)
        if v.isList {
            var a = v.takeItems()
            defer { v = .list(a) }
            var result: Value = .none
            switch name {
            case "append":
                guard let x = args.get(0, "object") else { throw JinjaError.type("append() takes exactly one argument (0 given)") }
                a.append(x)
            case "extend":
                guard let x = args.get(0, "iterable") else { throw JinjaError.type("extend() takes exactly one argument (0 given)") }
                a.append(contentsOf: try x.iterate())
            case "insert":
                guard let i = args.get(0, "index")?.intIndex, let x = args.get(1, "object") else { throw JinjaError.type("insert expected 2 arguments") }
                let j = i < 0 ? max(0, i + a.count) : min(i, a.count)
                a.insert(x, at: j)
            case "pop":
                guard !a.isEmpty else { throw JinjaError(.index, "pop from empty list") }
                var j = a.count - 1
                if let i = args.get(0, "index")?.intIndex {
                    j = i < 0 ? i + a.count : i
                    guard j >= 0 && j < a.count else { throw JinjaError(.index, "pop index out of range") }
                }
                result = a.remove(at: j)
            case "remove":
                guard let x = args.get(0, "value"), let i = a.firstIndex(of: x) else { throw JinjaError.value("list.remove(x): x not in list") }
                a.remove(at: i)
            case "reverse": a.reverse()
            case "sort":
                let rev = try args.get(1, "reverse")?.truthy() ?? false
                a = try Filters.sortValues(a, key: { $0 }, reverse: rev, interp?.budget)
            case "clear": a = []
            default: return nil
            }
            return result
        }
        if case .dict = v {
            var d = v.takeDict()
            defer { v = .dict(d) }
            var result: Value = .none
            switch name {
            case "update":
                if case .dict(let other)? = args.positional.first { for (k, x) in other.pairs { d[k] = x } }
                for (k, x) in args.keywords { d[k] = x }
            case "pop":
                guard let k = args.get(0, "key") else { throw JinjaError.type("pop expected at least 1 argument, got 0") }
                if let x = d[k] { result = x; d[k] = nil } else if let def = args.get(1, "default") { result = def } else { throw JinjaError(.key, k.shortRepr()) }
            case "setdefault":
                guard let k = args.get(0, "key") else { throw JinjaError.type("setdefault expected at least 1 argument, got 0") }
                if let x = d[k] { result = x } else {
                    let def = args.get(1, "default") ?? Value.none
                    d[k] = def
                    result = def
                }
            case "clear": d = PyDict()
            case "popitem":
                guard let (k, x) = d.removeLast() else { throw JinjaError(.key, "'popitem(): dictionary is empty'") }
                result = .tuple([k, x])
            default: return nil
            }
            return result
        }
        return nil
    }
}

extension Value {
    var isList: Bool {
        if case .list = self { return true }
        return false
    }

    var isListOrDict: Bool {
        switch self {
        case .list, .dict: return true
        default: return false
        }
    }

    /// The items of a list, leaving `.none` behind. In a function of its own so that no copy of
    /// the value outlives the call: the caller then holds the only reference and can change the
    /// array in place.
    mutating func takeItems() -> [Value] {
        guard case .list(let a) = self else { return [] }
        self = .none
        return a
    }

    /// The entries of a dict, leaving `.none` behind (see `takeItems`).
    mutating func takeDict() -> PyDict {
        guard case .dict(let d) = self else { return PyDict() }
        self = .none
        return d
    }
}
