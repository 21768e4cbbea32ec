import Foundation

/// The global functions every template sees: `range`, `dict`, `namespace`, `cycler`, `joiner`, `lipsum`.
enum Builtins {
    static func globals(limits: RenderLimits) -> [String: Value] {
        let maxRange = limits.maxRange
        return [
            "range": .object(NativeFunction("range") { args, _ in
                let ints = try args.positional.map { v -> Int in
                    guard let i = v.intIndex else { throw JinjaError.type("'\(v.typeName)' object cannot be interpreted as an integer") }
                    return i
                }
                var start = 0, stop = 0, step = 1
                switch ints.count {
                case 1: stop = ints[0]
                case 2: start = ints[0]; stop = ints[1]
                case 3: start = ints[0]; stop = ints[1]; step = ints[2]
                default: throw JinjaError.type("range expected at most 3 arguments, got \(ints.count)")
                }
                if step == 0 { throw JinjaError.value("range() arg 3 must not be zero") }
                let span = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
                if span.overflow {
                    throw JinjaError(.limitExceeded, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maxRange)).")
                }
                let count: Int
                if step > 0 { count = span.partialValue > 0 ? (span.partialValue - 1) / step + 1 : 0 }
                else { count = span.partialValue > 0 ? (span.partialValue - 1) / (step == Int.min ? Int.max : -step) + 1 : 0 }
                if count > maxRange {
                    throw JinjaError(.limitExceeded, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maxRange)).")
                }
                return .object(RangeObject(start: start, stop: stop, step: step, count: count))
            }),
            "dict": .object(NativeFunction("dict") { args, ctx in
                let interp = ctx.interpreter
                try interp.budget.chargeItems((args.positional.first?.itemCountEstimate ?? 0) &+ args.keywords.count, unit: 2)
                var d = PyDict()
                if let first = args.positional.first {
                    switch first {
                    case .dict(let x): d = x
                    default:
                        for item in try first.iterate() {
                            let kv = try item.iterate()
                            guard kv.count == 2 else { throw JinjaError.value("dictionary update sequence element has length \(kv.count); 2 is required") }
                            d[kv[0]] = kv[1]
                        }
                    }
                }
                for (k, v) in args.keywords { d[k] = v }
                try interp.checkNesting(d.keys)
                try interp.checkNesting(d.values)
                return .dict(d)
            }),
            "namespace": .object(NativeFunction("namespace") { args, ctx in
                let interp = ctx.interpreter
                var d = PyDict()
                if case .dict(let x)? = args.positional.first { d = x }
                for (k, v) in args.keywords { d[k] = v }
                try interp.budget.chargeItems(d.count &+ 2, unit: 2)
                try interp.checkNesting(d.values)
                let ns = Namespace(d)
                // A namespace can come to hold itself; the render empties it when it ends.
                interp.track(ns)
                return .object(ns)
            }),
            "cycler": .object(NativeFunction("cycler") { args, ctx in
                try ctx.interpreter.budget.chargeItems(args.positional.count &+ 2)
                try ctx.interpreter.checkNesting(args.positional)
                return .object(Cycler(args.positional))
            }),
            "joiner": .object(NativeFunction("joiner") { args, _ in
                .object(Joiner(args.get(0, "sep")?.plainString ?? ", "))
            }),
            "lipsum": .object(NativeFunction("lipsum") { args, _ in
                let n = args.get(0, "n")?.intIndex ?? 5
                let html = try args.get(1, "html")?.truthy() ?? true
                let words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua".split(separator: " ")
                var paras: [String] = []
                for p in 0..<max(0, min(n, 100)) {
                    var s = (0..<(20 + p % 7)).map { String(words[($0 + p) % words.count]) }.joined(separator: " ")
                    s = s.prefix(1).uppercased() + s.dropFirst() + "."
                    paras.append(s)
                }
                if html { return .markup(paras.map { "<p>\(htmlEscape($0))</p>" }.joined(separator: "\n")) }
                return .string(paras.joined(separator: "\n\n"))
            }),
        ]
    }
}
