import Foundation

/// What one render may spend: bytes of values built, and time.
///
/// Every operation that builds a value (a string, a list, a dict, captured output) charges the
/// bytes it is about to allocate *before* allocating them, so a template that asks for too much
/// gets a `.limitExceeded` error instead of the process failing an allocation. The count is
/// cumulative over the render: a value built ten times counts ten times, even if only the last
/// one is kept. That is what memory churn and CPU cost follow, it needs no knowledge of which
/// values are still alive, and it cannot be gamed by building and dropping values in a loop.
///
/// The same counter of work (bytes built plus units of work scanned, compared or sorted) decides
/// when the clock is read: every `clockInterval` units, so a single long filter call notices the
/// deadline within a fraction of a millisecond of work instead of only between statements.
///
/// One budget belongs to one render, which runs on one thread.
final class RenderBudget {
    /// Bytes a list, tuple or dict entry costs (the size of one `Value`).
    static let itemBytes = MemoryLayout<Value>.stride
    /// Units of work between two readings of the clock (about a millisecond of the slowest work).
    static let clockInterval = 1 << 15

    /// The limit on bytes built (`Int.max` when there is none).
    let maxBytes: Int
    /// Bytes built so far.
    private(set) var built = 0
    /// Work done so far (bytes built included).
    private var work = 0
    /// The work count at which the clock is read next (`Int.max` without a deadline).
    private var nextClock: Int
    /// The deadline in `DispatchTime` nanoseconds, if any.
    let deadline: UInt64?
    let maxRenderTime: Double?

    init(limits: RenderLimits) {
        maxBytes = limits.maxValueBytes ?? Int.max
        maxRenderTime = limits.maxRenderTime
        if let t = limits.maxRenderTime {
            let ns = t <= 0 ? 0 : min(t * 1e9, Double(UInt64.max / 4))
            deadline = DispatchTime.now().uptimeNanoseconds &+ UInt64(ns)
            nextClock = RenderBudget.clockInterval
        } else {
            deadline = nil
            nextClock = Int.max
        }
    }

    /// Counts `bytes` about to be built; throws when that would pass `maxBytes` or the deadline passed.
    @inline(__always) func charge(_ bytes: Int) throws {
        built &+= bytes
        work &+= bytes
        if built > maxBytes || work >= nextClock { try overrun() }
    }

    /// Counts `units` of work that builds nothing (scanning, comparing, sorting); throws past the deadline.
    @inline(__always) func tick(_ units: Int) throws {
        work &+= units
        if work >= nextClock { try overrun() }
    }

    /// `tick` for loops over text: counts one unit per call and looks at the total only every
    /// 4,096 calls, so a loop over scalars can call it on every iteration.
    @inline(__always) func step(_ counter: inout Int) throws {
        counter &+= 1
        if counter & 4095 == 0 { try tick(4096) }
    }

    /// Reads the clock now (between statements); throws past the deadline.
    func checkClock() throws {
        guard let deadline else { return }
        if DispatchTime.now().uptimeNanoseconds > deadline { throw timeError() }
    }

    private func overrun() throws {
        if built > maxBytes {
            throw JinjaError(.limitExceeded, "the template built more than \(maxBytes) bytes of values (RenderLimits.maxValueBytes); "
                             + "build smaller strings and lists, or fewer of them, or raise the limit")
        }
        if work >= nextClock {
            nextClock = work &+ RenderBudget.clockInterval
            try checkClock()
        }
    }

    func timeError() -> JinjaError {
        JinjaError(.limitExceeded, "the template exceeded the render time limit of \(maxRenderTime ?? 0) s "
                   + "(RenderLimits.maxRenderTime); make it do less work or raise the limit")
    }

    /// Charges a string of `utf8` bytes, refusing it first if it is over the per-value cap.
    @inline(__always) func chargeString(_ utf8: Int) throws {
        try SizeCap.check(utf8)
        try charge(utf8)
    }

    /// Charges a list, tuple or dict of `count` entries (`unit` values each), refusing it first if
    /// it is over the per-value cap.
    @inline(__always) func chargeItems(_ count: Int, unit: Int = 1) throws {
        try SizeCap.check(count, unit: unit)
        try charge(count &* unit &* RenderBudget.itemBytes)
    }
}

/// Nesting of values: lists, tuples, dicts and one-shot iterators are levels; strings and numbers
/// are not. A namespace is one level whose attributes are not followed (it is a reference that
/// may point back to itself; see `ValuePrinter` for how it prints).
///
/// Values are refused when they are built deeper than `RenderLimits.maxNesting`, so printing,
/// comparing, hashing, serialising and freeing them (all recursive) stay within a small, known
/// stack depth.
extension Value {
    /// Whether this value nests more than `limit` levels. Scans at most the levels up to the
    /// limit, so it never recurses deeper than `limit + 1` frames itself.
    func nestsDeeper(than limit: Int) -> Bool {
        switch self {
        case .list(let a), .tuple(let a): return Value.anyNestsDeeper(a, than: limit - 1)
        case .dict(let d):
            if limit < 1 { return true }
            return Value.anyNestsDeeper(d.keys, than: limit - 1) || Value.anyNestsDeeper(d.values, than: limit - 1)
        case .object(let o):
            if let it = o as? LazyIterator { return Value.anyNestsDeeper(it.items, than: limit - 1) }
            if o is Namespace || o is RangeObject { return limit < 1 }
            return false
        default: return false
        }
    }

    /// Whether any of `items` nests more than `limit` levels (a container of them is one more).
    static func anyNestsDeeper(_ items: [Value], than limit: Int) -> Bool {
        if limit < 0 { return true }
        for x in items {
            switch x {
            case .list, .tuple, .dict, .object:
                if x.nestsDeeper(than: limit) { return true }
            default: continue
            }
        }
        return false
    }
}

extension Interpreter {
    /// Refuses to put `items` one level down into a new container (a literal, `append`, a filter
    /// result) when that container would nest deeper than `RenderLimits.maxNesting`.
    func checkNesting(_ items: [Value], levels: Int = 1) throws {
        try budget.tick(items.count)
        if Value.anyNestsDeeper(items, than: RenderLimits.maxNesting - levels) { throw Interpreter.nestingError() }
    }

    /// `checkNesting` for one value.
    func checkNesting(_ item: Value, levels: Int = 1) throws {
        switch item {
        case .list, .tuple, .dict, .object:
            if item.nestsDeeper(than: RenderLimits.maxNesting - levels) { throw Interpreter.nestingError() }
        default: return
        }
    }

    static func nestingError() -> JinjaError {
        JinjaError(.limitExceeded, "the template built a value nested more than \(RenderLimits.maxNesting) levels deep "
                   + "(RenderLimits.maxNesting); flatten the data, for example with a namespace or a dict keyed by path")
    }
}
