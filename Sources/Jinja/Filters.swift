import Foundation

/// Jinja2's 54 built-in filters.
enum Filters {
    typealias Filter = @Sendable (Interpreter, Value, Arguments) throws -> Value

    static func intArg(_ a: Arguments, _ i: Int, _ name: String, _ def: Int) throws -> Int {
        guard let v = a.get(i, name) else { return def }
        if let n = v.intIndex { return n }
        if case .float(let d) = v, d.isFinite, abs(d) < 9.2e18 { return Int(d) }
        throw JinjaError.type("'\(v.typeName)' object cannot be interpreted as an integer")
    }

    static func boolArg(_ a: Arguments, _ i: Int, _ name: String, _ def: Bool) throws -> Bool {
        guard let v = a.get(i, name) else { return def }
        return try v.truthy()
    }

    static func strArg(_ a: Arguments, _ i: Int, _ name: String) -> String? {
        guard let v = a.get(i, name) else { return nil }
        if case .none = v { return nil }
        return v.plainString
    }

    /// Jinja2's attribute getter: dotted path, digits index, item lookup before attribute.
    static func getter(_ interp: Interpreter, _ attribute: Value?, default def: Value? = nil, lower: Bool = false) -> (Value) throws -> Value {
        let lowering = Lowering(interp.budget)
        guard let attribute else { return { v in lower ? try lowering.key(v) : v } }
        var parts: [Value] = []
        switch attribute {
        case .int: parts = [attribute]
        default:
            for p in attribute.plainString.split(separator: ".", omittingEmptySubsequences: false) {
                if let i = Int(p) { parts.append(.int(i)) } else { parts.append(.string(String(p))) }
            }
        }
        return { v in
            var cur = v
            for p in parts {
                cur = try interp.getItem(cur, p)
                if case .undefined = cur, let def { cur = def; break }
            }
            if case .undefined = cur, let def { cur = def }
            return lower ? try lowering.key(cur) : cur
        }
    }

    /// Lower-cased sort and comparison keys, charged as the strings they are. The same string
    /// (`['X' * 1000000] * 100000`: one string, many times) is lowered once, not once per item.
    final class Lowering {
        let budget: RenderBudget
        private var last: (String, String)?
        init(_ budget: RenderBudget) { self.budget = budget }

        func key(_ v: Value) throws -> Value {
            switch v {
            case .string(let s): return .string(try lower(s))
            case .markup(let s): return .markup(try lower(s))
            default: return v
            }
        }

        private func lower(_ s: String) throws -> String {
            // The same storage (held in `last`, so its address is not reused): the same text.
            if s.utf8.count >= 64, let (from, to) = last, from.utf8.count == s.utf8.count,
               let p = from.utf8.withContiguousStorageIfAvailable({ $0.baseAddress }) ?? nil,
               p == (s.utf8.withContiguousStorageIfAvailable({ $0.baseAddress }) ?? nil) {
                return to
            }
            try budget.chargeString(s.utf8.count)
            let r = try PyText.lower(s, budget: budget)
            if s.utf8.count >= 64 { last = (s, r) }
            return r
        }
    }

    /// A stable sort by `key`; every comparison counts as work on `budget` (for the deadline).
    static func sortValues(_ items: [Value], key: (Value) throws -> Value, reverse: Bool, _ budget: RenderBudget? = nil) throws -> [Value] {
        var work = 0
        let keyed = try items.map {
            try budget?.step(&work)
            return (try key($0), $0)
        }
        // Strings (the usual keys) compare once, three ways, instead of twice.
        if keyed.allSatisfy({ $0.0.isString }) {
            let texts = keyed.map { $0.0.plainString }
            var order = Array(texts.indices)
            try texts.withUnsafeBufferPointer { t in
                try order.sort { i, j in
                    // A comparison reads up to the shorter key: work of its length.
                    try budget?.tick(1 &+ min(t[i].utf8.count, t[j].utf8.count))
                    let c = pyStringCompare(t[i], t[j])
                    if c != 0 { return reverse ? c > 0 : c < 0 }
                    return i < j
                }
            }
            return order.map { keyed[$0].1 }
        }
        let sorted = try keyed.enumerated().sorted { a, b in
            try budget?.tick(1 &+ min(a.element.0.itemCountEstimate, b.element.0.itemCountEstimate))
            if reverse {
                if try Value.lessThan(b.element.0, a.element.0) { return true }
                if try Value.lessThan(a.element.0, b.element.0) { return false }
            } else {
                if try Value.lessThan(a.element.0, b.element.0) { return true }
                if try Value.lessThan(b.element.0, a.element.0) { return false }
            }
            return a.offset < b.offset
        }
        return sorted.map { $0.element.1 }
    }

    /// Resolves `select`/`reject` style arguments into a predicate.
    static func predicate(_ interp: Interpreter, _ args: Arguments, from index: Int) throws -> (Value) throws -> Bool {
        guard index < args.positional.count else { return { try $0.truthy() } }
        let name = args.positional[index].plainString
        guard let test = interp.env.test(name) else { throw JinjaError(.runtime, "No test named '\(name)'.") }
        let rest = Arguments(Array(args.positional[(index + 1)...]), keywords: args.keywords)
        return { try test(interp, $0, rest) }
    }

    static func selectOrReject(_ attr: Bool, _ select: Bool) -> Filter {
        return { interp, v, args in
            let items = try interp.iterate(v)
            try interp.budget.chargeItems(items.count)
            var key: (Value) throws -> Value = { $0 }
            var first = 0
            if attr {
                guard let a = args.positional.first else { throw JinjaError.type("missing attribute argument") }
                key = getter(interp, a)
                first = 1
            }
            let pred = try predicate(interp, args, from: first)
            return .list(try items.filter { try pred(try key($0)) == select })
        }
    }

    static func aggregate(_ isMax: Bool) -> Filter {
        return { interp, v, args in
            let cs = try boolArg(args, 0, "case_sensitive", false)
            let key = getter(interp, args.get(1, "attribute"), lower: !cs)
            let items = try interp.iterate(v)
            try interp.budget.tick(items.count)
            guard var best = items.first else {
                return interp.undefined("No aggregated item, sequence was empty.")
            }
            var bestKey = try key(best)
            for x in items.dropFirst() {
                let k = try key(x)
                try interp.budget.tick(min(k.itemCountEstimate, bestKey.itemCountEstimate))
                if isMax ? try Value.lessThan(bestKey, k) : try Value.lessThan(k, bestKey) {
                    best = x
                    bestKey = k
                }
            }
            return best
        }
    }

    static func toList(_ v: Value) throws -> [Value] { try v.iterate() }

    /// Wraps a filter that Jinja2 implements as a generator: the result is a one-shot iterator,
    /// and errors surface when it is consumed.
    static func generator(_ kind: String, _ body: @escaping Filter) -> Filter {
        return { interp, v, a in
            do {
                let r = try body(interp, v, a)
                guard case .list(let items) = r else { return r }
                return .object(LazyIterator("generator object " + kind, items))
            } catch let e as JinjaError {
                return .object(LazyIterator("generator object " + kind, [], error: e))
            }
        }
    }

    static func isIterator(_ v: Value) -> Bool {
        if case .object(let o) = v, o is LazyIterator { return true }
        return false
    }

    /// The string (or markup) input of filters that only work on text, as Jinja2's do.
    static func requireString(_ v: Value, _ filter: String) throws -> Value {
        switch v {
        case .string, .markup: return v
        case .undefined(let u): throw u.error
        default: throw JinjaError.type("the \(filter) filter needs a string, not '\(v.typeName)'")
        }
    }

    /// The filters with their argument lists checked first (what templates call).
    static let checked: [String: Filter] = {
        var out: [String: Filter] = [:]
        for (name, f) in table {
            guard let sig = Signature.filters[name] else { out[name] = f; continue }
            out[name] = { interp, v, a in
                try sig.check(name, a)
                return try f(interp, v, a)
            }
        }
        return out
    }()

    static let table: [String: Filter] = {
        var t: [String: Filter] = [:]
        t["abs"] = { interp, v, _ in
            switch v {
            case .int(let i): return .int(i == Int.min ? i : abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d): return .float(abs(d))
            case .undefined(let u): throw u.error
            default: throw JinjaError.type("bad operand type for abs(): '\(v.typeName)'")
            }
        }
        t["attr"] = { interp, v, a in
            let name = a.get(0, "name")?.plainString ?? ""
            switch v {
            case .dict:
                if Methods.dictMethods.contains(name) { return Methods.bound(v, name) }
                return interp.undefined("'dict object' has no attribute '\(name)'")
            default: return try interp.getAttr(v, name)
            }
        }
        t["batch"] = generator("do_batch") { interp, v, a in
            let n = try intArg(a, 0, "linecount", 1)
            let fill = a.get(1, "fill_with")
            let items = try interp.iterate(v)
            try interp.checkNesting(items, levels: 2)
            if let fill { try interp.checkNesting(fill, levels: 2) }
            try interp.budget.chargeItems(items.count &+ items.count / max(1, n) &+ 1)
            var out: [Value] = []
            var cur: [Value] = []
            for x in items {
                if cur.count == n {
                    out.append(.list(cur))
                    cur = []
                }
                cur.append(x)
            }
            if !cur.isEmpty {
                if let fill, !fill.isNone, cur.count < n {
                    try SizeCap.check(n, interp.budget)
                    try interp.budget.chargeItems(n - cur.count)
                    cur.append(contentsOf: Array(repeating: fill, count: n - cur.count))
                }
                out.append(.list(cur))
            }
            return .list(out)
        }
        t["capitalize"] = { interp, v, _ in
            let s = try interp.textCopy(v)
            let r = try PyText.capitalize(s.plainString, budget: interp.budget)
            return s.isMarkup ? .markup(r) : .string(r)
        }
        t["center"] = { interp, v, a in
            let s = try interp.softString(v)
            let w = try intArg(a, 0, "width", 80)
            try SizeCap.check(w, interp.budget)
            return try Methods.stringMethod(s.plainString, "center", Arguments([.int(w)]), markup: s.isMarkup, budget: interp.budget)!
        }
        let length: Filter = { interp, v, _ in
            switch v {
            case .string(let s), .markup(let s):
                try interp.budget.tick(s.utf8.count)
                return .int(s.unicodeScalars.count)
            case .list(let a), .tuple(let a): return .int(a.count)
            case .dict(let d): return .int(d.count)
            case .undefined(let u):
                if u.strict { throw u.error }
                return .int(0)
            case .object(let o):
                if !(o is LazyIterator), let items = try o.iterate() { return .int(items.count) }
                throw JinjaError.type("object of type '\(o.typeName)' has no len()")
            default: throw JinjaError.type("object of type '\(v.typeName)' has no len()")
            }
        }
        t["length"] = length
        t["count"] = length
        let dflt: Filter = { _, v, a in
            let def = a.get(0, "default_value") ?? .string("")
            let boolean = try boolArg(a, 1, "boolean", false)
            if case .undefined = v { return def }
            if boolean, !(try v.truthy()) { return def }
            return v
        }
        t["default"] = dflt
        t["d"] = dflt
        t["dictsort"] = { interp, v, a in
            guard case .dict(let d) = v else {
                if case .undefined(let u) = v { throw u.error }
                throw JinjaError(.runtime, "You can only sort by either \"key\" or \"value\"")
            }
            let cs = try boolArg(a, 0, "case_sensitive", false)
            let lowering = Lowering(interp.budget)
            let by = a.get(1, "by")?.plainString ?? "key"
            let reverse = try boolArg(a, 2, "reverse", false)
            let pos: Int
            switch by {
            case "key": pos = 0
            case "value": pos = 1
            default: throw JinjaError(.runtime, "You can only sort by either \"key\" or \"value\"")
            }
            try interp.checkNesting(d.keys, levels: 2)
            try interp.checkNesting(d.values, levels: 2)
            try interp.budget.chargeItems(d.count, unit: 4)
            let items: [Value] = d.pairs.map { .tuple([$0.0, $0.1]) }
            return .list(try sortValues(items, key: { item in
                guard case .tuple(let kv) = item else { return item }
                return cs ? kv[pos] : try lowering.key(kv[pos])
            }, reverse: reverse, interp.budget))
        }
        let escape: Filter = { interp, v, _ in try interp.escape(v) }
        t["escape"] = escape
        t["e"] = escape
        t["forceescape"] = { interp, v, _ in try interp.escape(.string(try interp.str(v))) }
        t["filesizeformat"] = { interp, v, a in
            let binary = try boolArg(a, 0, "binary", false)
            return .string(try TextFilters.filesizeformat(v, binary: binary))
        }
        t["first"] = { interp, v, _ in
            if case .object(let o) = v, let it = o as? LazyIterator {
                return try it.next() ?? interp.undefined("No first item, sequence was empty.")
            }
            switch v {
            case .string(let s), .markup(let s):
                // One character, without an array of all of them.
                return s.unicodeScalars.first.map { .string(String($0)) } ?? interp.undefined("No first item, sequence was empty.")
            case .object(let o as RangeObject):
                return o.count > 0 ? o.element(0) : interp.undefined("No first item, sequence was empty.")
            default:
                let items = try interp.iterate(v)
                return items.first ?? interp.undefined("No first item, sequence was empty.")
            }
        }
        t["last"] = { interp, v, _ in
            if isIterator(v) { throw JinjaError.type("'\(v.typeName)' object is not reversible") }
            switch v {
            case .string(let s), .markup(let s):
                return s.unicodeScalars.last.map { .string(String($0)) } ?? interp.undefined("No last item, sequence was empty.")
            case .object(let o as RangeObject):
                return o.count > 0 ? o.element(o.count - 1) : interp.undefined("No last item, sequence was empty.")
            default:
                let items = try interp.iterate(v)
                return items.last ?? interp.undefined("No last item, sequence was empty.")
            }
        }
        t["float"] = { interp, v, a in
            let def = a.get(0, "default") ?? .float(0)
            switch v {
            case .undefined(let u): throw u.error
            case .int(let i): return .float(Double(i))
            case .bool(let b): return .float(b ? 1 : 0)
            case .float: return v
            case .string(let s), .markup(let s):
                if let d = TextFilters.parsePythonFloat(s) { return .float(d) }
                return def
            default: return def
            }
        }
        t["int"] = { interp, v, a in
            let def = a.get(0, "default") ?? .int(0)
            let base = try intArg(a, 1, "base", 10)
            switch v {
            case .undefined(let u): throw u.error
            case .int: return v
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d):
                guard d.isFinite, abs(d) < 9.2e18 else { return def }
                return .int(Int(d))
            case .string(let s), .markup(let s):
                if let i = TextFilters.parsePythonInt(s, base: base) { return .int(i) }
                if let d = TextFilters.parsePythonFloat(s), d.isFinite, abs(d) < 9.2e18 { return .int(Int(d)) }
                return def
            default: return def
            }
        }
        t["format"] = { interp, v, a in
            if !a.positional.isEmpty && !a.keywords.isEmpty {
                throw JinjaError(.runtime, "can't handle positional and keyword arguments at the same time")
            }
            let s = try interp.softString(v)
            let arg: Value = a.keywords.isEmpty ? .tuple(a.positional) : .dict(PyDict(a.keywords.map { (.string($0.0), $0.1) }))
            return try Operators.binary(.mod, s, arg, interp.budget)
        }
        t["groupby"] = { interp, v, a in
            guard let attribute = a.get(0, "attribute") else { throw JinjaError.type("groupby() missing required argument 'attribute'") }
            let def = a.get(1, "default")
            let cs = try boolArg(a, 2, "case_sensitive", false)
            let key = getter(interp, attribute, default: def, lower: !cs)
            let rawKey = getter(interp, attribute, default: def)
            let input = try interp.iterate(v)
            try interp.checkNesting(input, levels: 3)
            try interp.budget.chargeItems(input.count, unit: 4)
            let sorted = try sortValues(input, key: key, reverse: false, interp.budget)
            var groups: [Value] = []
            var curKey: Value?
            var curGrouper: Value = .none
            var cur: [Value] = []
            for x in sorted {
                let k = try key(x)
                if let ck = curKey, ck == k {
                    cur.append(x)
                } else {
                    if curKey != nil { groups.append(.tuple([curGrouper, .list(cur)])) }
                    curKey = k
                    curGrouper = cs ? k : try rawKey(x)
                    cur = [x]
                }
            }
            if curKey != nil { groups.append(.tuple([curGrouper, .list(cur)])) }
            return .list(groups)
        }
        t["indent"] = { interp, v, a in
            let s = try requireString(v, "indent")
            var indention = "    "
            if let w = a.get(0, "width") {
                if w.isString { indention = w.plainString } else {
                    let n = try intArg(a, 0, "width", 4)
                    try SizeCap.check(n, interp.budget)
                    indention = String(repeating: " ", count: max(0, n))
                }
            }
            let first = try boolArg(a, 1, "first", false)
            let blank = try boolArg(a, 2, "blank", false)
            // Every line may get the indentation: the size is known before anything is built.
            let text = s.plainString
            let lines = text.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            try SizeCap.check(lines, unit: max(1, indention.utf8.count), interp.budget)
            try interp.budget.chargeString(text.utf8.count &+ lines &* indention.utf8.count)
            let r = TextFilters.indent(text, indention, first: first, blank: blank)
            return s.isMarkup ? .markup(r) : .string(r)
        }
        t["items"] = generator("do_items") { interp, v, _ in
            switch v {
            case .dict(let d):
                try interp.checkNesting(d.keys, levels: 2)
                try interp.checkNesting(d.values, levels: 2)
                try interp.budget.chargeItems(d.count, unit: 3)
                return .list(d.pairs.map { .tuple([$0.0, $0.1]) })
            case .undefined:
                // Jinja2 checks `isinstance(value, Undefined)` here, which even StrictUndefined passes.
                return .list([])
            default: throw JinjaError.type("Can only get item pairs from a mapping.")
            }
        }
        t["join"] = { interp, v, a in
            let d = a.get(0, "d") ?? .string("")
            var items = try interp.iterate(v)
            if let attr = a.get(1, "attribute") {
                let g = getter(interp, attr)
                items = try items.map(g)
            }
            let escaping = interp.autoescape && (d.isMarkup || items.contains(where: { $0.isMarkup }))
            let sep = escaping ? try interp.escape(d).plainString : try interp.str(d)
            // The parts' texts first, then the joined size is charged before it is built.
            var parts: [String] = []
            parts.reserveCapacity(items.count)
            var total = items.count > 1 ? (items.count - 1) &* sep.utf8.count : 0
            for x in items {
                let part = escaping ? try interp.escape(x).plainString : try interp.str(x)
                total &+= part.utf8.count
                parts.append(part)
            }
            try interp.budget.chargeString(total)
            let joined = parts.joined(separator: sep)
            return escaping ? .markup(joined) : .string(joined)
        }
        t["list"] = { interp, v, _ in .list(try interp.iterateCopy(v)) }
        t["lower"] = { interp, v, _ in
            let s = try interp.textCopy(v)
            let r = try PyText.lower(s.plainString, budget: interp.budget)
            return s.isMarkup ? .markup(r) : .string(r)
        }
        t["upper"] = { interp, v, _ in
            let s = try interp.textCopy(v)
            return s.isMarkup ? .markup(s.plainString.uppercased()) : .string(s.plainString.uppercased())
        }
        t["map"] = generator("sync_do_map") { interp, v, a in
            if !(try v.truthy()) { return .list([]) }
            let items = try interp.iterateCopy(v)
            if a.positional.isEmpty, let attr = a.keywords.first(where: { $0.0 == "attribute" })?.1 {
                let def = a.keywords.first(where: { $0.0 == "default" })?.1
                let g = getter(interp, attr, default: def)
                let results = try items.map(g)
                try interp.checkNesting(results)
                return .list(results)
            }
            guard let nameValue = a.positional.first else {
                return .list(items)
            }
            let name = nameValue.plainString
            guard let f = interp.env.filter(name) else { throw JinjaError(.runtime, "No filter named '\(name)'.") }
            let rest = Arguments(Array(a.positional.dropFirst()), keywords: a.keywords)
            let results = try items.map { try f(interp, $0, rest) }
            try interp.checkNesting(results)
            return .list(results)
        }
        t["max"] = aggregate(true)
        t["min"] = aggregate(false)
        t["pprint"] = { interp, v, _ in .string(try TextFilters.pformat(v, budget: interp.budget)) }
        t["random"] = { interp, v, _ in
            if isIterator(v) { throw JinjaError.type("object of type '\(v.typeName)' has no len()") }
            switch v {
            case .string(let s), .markup(let s):
                try interp.budget.tick(s.utf8.count)
                guard let u = s.unicodeScalars.randomElement() else { throw JinjaError(.index, "Cannot choose from an empty sequence") }
                return .string(String(u))
            case .object(let o as RangeObject):
                guard o.count > 0 else { throw JinjaError(.index, "Cannot choose from an empty sequence") }
                return o.element(Int.random(in: 0..<o.count))
            default:
                let items = try interp.iterate(v)
                guard let x = items.randomElement() else { throw JinjaError(.index, "Cannot choose from an empty sequence") }
                return x
            }
        }
        t["select"] = generator("select_or_reject", selectOrReject(false, true))
        t["reject"] = generator("select_or_reject", selectOrReject(false, false))
        t["selectattr"] = generator("select_or_reject", selectOrReject(true, true))
        t["rejectattr"] = generator("select_or_reject", selectOrReject(true, false))
        t["replace"] = { interp, v, a in
            guard let old = a.get(0, "old"), let new = a.get(1, "new") else { throw JinjaError.type("replace() missing arguments") }
            let count = try intArg(a, 2, "count", -1)
            let budget = interp.budget
            if !interp.autoescape {
                return .string(try Methods.pyReplace(try interp.str(v), try interp.str(old), try interp.str(new), count, budget))
            }
            var s = try interp.softString(v)
            if (old.isMarkup || new.isMarkup) && !s.isMarkup { s = try interp.escape(s) }
            if s.isMarkup {
                return .markup(try Methods.pyReplace(s.plainString, try interp.str(old), try interp.escape(new).plainString, count, budget))
            }
            return .string(try Methods.pyReplace(s.plainString, try interp.str(old), try interp.str(new), count, budget))
        }
        t["reverse"] = { interp, v, _ in
            if v.isString { try interp.budget.chargeString(v.itemCountEstimate) } else { try interp.budget.chargeItems(v.itemCountEstimate) }
            switch v {
            case .string(let s): return .string(makeString(s.unicodeScalars.reversed()))
            case .markup(let s): return .markup(makeString(s.unicodeScalars.reversed()))
            case .list(let items): return .object(LazyIterator("list_reverseiterator object", items.reversed()))
            case .tuple(let items): return .object(LazyIterator("reversed object", items.reversed()))
            case .dict(let d): return .object(LazyIterator("dict_reversekeyiterator object", d.keys.reversed()))
            case .object(let o) where o is RangeObject:
                return .object(LazyIterator("range_iterator object", try v.iterate().reversed()))
            default: return .list(try v.iterate().reversed())
            }
        }
        t["round"] = { interp, v, a in
            let precision = try intArg(a, 0, "precision", 0)
            let method = a.get(1, "method")?.plainString ?? "common"
            guard ["common", "ceil", "floor"].contains(method) else {
                throw JinjaError(.runtime, "method must be common, ceil or floor")
            }
            return try TextFilters.round(v, precision: precision, method: method)
        }
        t["safe"] = { interp, v, _ in
            if v.isMarkup { return v }
            return .markup(try interp.str(v))
        }
        t["slice"] = generator("sync_do_slice") { interp, v, a in
            let n = try intArg(a, 0, "slices", 1)
            guard n > 0 else { throw JinjaError(.zeroDivision, "integer division or modulo by zero") }
            let fill = a.get(1, "fill_with")
            let seq = try interp.iterate(v)
            try interp.checkNesting(seq, levels: 2)
            if let fill { try interp.checkNesting(fill, levels: 2) }
            try SizeCap.check(n, interp.budget)
            try interp.budget.chargeItems(seq.count &+ 2 &* n)
            let per = seq.count / n
            let extra = seq.count % n
            var offset = 0
            var out: [Value] = []
            for i in 0..<n {
                let start = offset + i * per
                if i < extra { offset += 1 }
                let end = offset + (i + 1) * per
                var part = Array(seq[min(start, seq.count)..<min(end, seq.count)])
                if let fill, !fill.isNone, i >= extra { part.append(fill) }
                out.append(.list(part))
            }
            return .list(out)
        }
        t["sort"] = { interp, v, a in
            let reverse = try boolArg(a, 0, "reverse", false)
            let cs = try boolArg(a, 1, "case_sensitive", false)
            let attr = a.get(2, "attribute")
            let items = try interp.iterate(v)
            try interp.budget.chargeItems(items.count, unit: 2)
            if let attr, case .string(let s) = attr, s.contains(",") {
                let getters = s.split(separator: ",").map { getter(interp, .string($0.trimmingCharacters(in: .whitespaces)), lower: !cs) }
                return .list(try sortValues(items, key: { x in .list(try getters.map { try $0(x) }) }, reverse: reverse, interp.budget))
            }
            return .list(try sortValues(items, key: getter(interp, attr, lower: !cs), reverse: reverse, interp.budget))
        }
        t["string"] = { interp, v, _ in try interp.softString(v) }
        t["striptags"] = { interp, v, _ in
            let s = try interp.str(v)
            try interp.budget.chargeString(s.utf8.count)
            return .string(try TextFilters.striptags(s, budget: interp.budget))
        }
        t["sum"] = { interp, v, a in
            var total = a.get(1, "start") ?? .int(0)
            let g = getter(interp, a.get(0, "attribute"))
            for x in try interp.iterate(v) { total = try Operators.binary(.add, total, try g(x), interp.budget) }
            return total
        }
        t["title"] = { interp, v, _ in
            let s = try interp.textCopy(v)
            return .string(try TextFilters.title(s.plainString, budget: interp.budget))
        }
        t["tojson"] = { interp, v, a in
            var indent: Int?
            if let i = a.get(0, "indent"), i.intIndex != nil { indent = i.intIndex }
            var out = ""
            try JSONDump.dump(v, indent: indent, level: 0, into: &out, budget: interp.budget)
            try interp.budget.chargeString(out.utf8.count)
            return .markup(try JSONDump.htmlSafe(out, budget: interp.budget))
        }
        t["trim"] = { interp, v, a in
            let s = try interp.textCopy(v)
            let r = Methods.strip(s.plainString, strArg(a, 0, "chars"), left: true, right: true)
            return s.isMarkup ? .markup(r) : .string(r)
        }
        t["truncate"] = { interp, v, a in
            let length = try intArg(a, 0, "length", 255)
            switch v {
            case .list(let x), .tuple(let x):
                if x.count - 5 <= length { return v }
                throw JinjaError.type("can only concatenate list (not \"str\") to list")
            case .dict(let d):
                if d.count - 5 <= length { return v }
                throw JinjaError.type("unhashable type: 'slice'")
            case .undefined(let u):
                if u.strict { throw u.error }
                return v
            default: break
            }
            let input = try requireString(v, "truncate")
            let s = input.plainString
            // At most `length` characters of four bytes are kept (plus the ending).
            try interp.budget.chargeString(length >= s.utf8.count / 4 ? s.utf8.count : max(0, length) * 4 + 64)
            let killwords = try boolArg(a, 1, "killwords", false)
            let end = strArg(a, 2, "end") ?? "..."
            var leeway = 5
            if let l = a.get(3, "leeway"), case .none = l {} else if a.get(3, "leeway") != nil { leeway = try intArg(a, 3, "leeway", 5) }
            if input.isMarkup {
                // Markup slices stay markup; the appended ending is escaped.
                let r = try TextFilters.truncate(s, length: length, killwords: killwords, end: htmlEscape(end), leeway: leeway,
                                                 endLength: end.unicodeScalars.count)
                return .markup(r)
            }
            return .string(try TextFilters.truncate(s, length: length, killwords: killwords, end: end, leeway: leeway))
        }
        t["unique"] = generator("do_unique") { interp, v, a in
            let cs = try boolArg(a, 0, "case_sensitive", false)
            let g = getter(interp, a.get(1, "attribute"), lower: !cs)
            var seen = Set<Value>()
            var out: [Value] = []
            let items = try interp.iterate(v)
            try interp.budget.chargeItems(items.count, unit: 2)
            for x in items {
                let k = try g(x)
                if !seen.contains(k) { seen.insert(k); out.append(x) }
            }
            return .list(out)
        }
        t["urlencode"] = { interp, v, _ in
            try interp.budget.tick(v.itemCountEstimate)
            return .string(try TextFilters.urlencode(v, budget: interp.budget))
        }
        t["urlize"] = { interp, v, a in
            let limit = a.get(0, "trim_url_limit")?.intIndex
            let nofollow = try boolArg(a, 1, "nofollow", false)
            let target = strArg(a, 2, "target")
            let rel = strArg(a, 3, "rel")
            var schemes: [String]?
            if let e = a.get(5, "extra_schemes"), !e.isNone { schemes = try e.iterate().map { $0.plainString } }
            let r = try TextFilters.urlize(try interp.str(v), trimLimit: limit, nofollow: nofollow, target: target, rel: rel,
                                           escapeInput: !v.isMarkup, extraSchemes: schemes, budget: interp.budget)
            return interp.autoescape ? .markup(r) : .string(r)
        }
        t["wordcount"] = { interp, v, _ in
            let s = try interp.str(v)
            try interp.budget.tick(s.utf8.count)
            return .int(TextFilters.wordcount(s))
        }
        t["wordwrap"] = { interp, v, a in
            let s = try requireString(v, "wordwrap").plainString
            let width = try intArg(a, 0, "width", 79)
            if width <= 0 { throw JinjaError.value("invalid width \(width) (must be > 0)") }
            let breakLong = try boolArg(a, 1, "break_long_words", true)
            let wrapstring = strArg(a, 2, "wrapstring") ?? "\n"
            let hyphens = try boolArg(a, 3, "break_on_hyphens", true)
            return .string(try TextFilters.wordwrap(s, width: width, breakLongWords: breakLong, wrapstring: wrapstring,
                                                    breakOnHyphens: hyphens, budget: interp.budget))
        }
        t["xmlattr"] = { interp, v, a in
            guard case .dict(let d) = v else { throw JinjaError.type("xmlattr needs a mapping") }
            let autospace = try boolArg(a, 0, "autospace", true)
            var parts: [String] = []
            for (k, x) in d.pairs {
                if case .none = x { continue }
                if case .undefined = x { continue }
                let key = try interp.str(k)
                if key.unicodeScalars.contains(where: { $0 == " " || $0 == "/" || $0 == ">" || $0 == "=" || Methods.isPySpace($0) }) {
                    throw JinjaError.value("Invalid character in attribute name: \(pyStringRepr(key))")
                }
                let part = "\(try interp.escape(.string(key)).plainString)=\"\(try interp.escape(x).plainString)\""
                try interp.budget.chargeString(part.utf8.count &+ 1)
                parts.append(part)
            }
            var r = parts.joined(separator: " ")
            if autospace && !r.isEmpty { r = " " + r }
            return interp.autoescape ? .markup(r) : .string(r)
        }
        return t
    }()
}
