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
    /// The largest single string (bytes) or list (items) a template may build (`RenderLimits.maxValueSize`).
    let maxSize: Int
    /// Nesting depths already worked out, so a value is not scanned again (see `NestingCache`).
    let nesting = NestingCache()
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
        maxSize = max(0, limits.maxValueSize)
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
        // A negative size can only come from a size computation that overflowed.
        if built > maxBytes || work >= nextClock || bytes < 0 { try overrun(bytes) }
    }

    /// Counts `units` of work that builds nothing (scanning, comparing, sorting); throws past the deadline.
    @inline(__always) func tick(_ units: Int) throws {
        work &+= units
        if work >= nextClock { try overrun(0) }
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

    private func overrun(_ bytes: Int) throws {
        if bytes < 0 { throw SizeCap.error(maxSize) }
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
        try checkSize(utf8)
        try charge(utf8)
    }

    /// Charges a list, tuple or dict of `count` entries (`unit` values each), refusing it first if
    /// it is over the per-value cap.
    @inline(__always) func chargeItems(_ count: Int, unit: Int = 1) throws {
        try checkSize(count, unit: unit)
        try charge(count &* unit &* RenderBudget.itemBytes)
    }

    /// Throws when `count` pieces of `unit` bytes or items each would exceed the per-value cap.
    @inline(__always) func checkSize(_ count: Int, unit: Int = 1) throws {
        if count > 0 && unit > 0 && count > maxSize / unit { throw SizeCap.error(maxSize) }
    }
}

/// Nesting of values: lists, tuples, dicts and objects are levels; strings and numbers are not.
/// An object's level holds the values it keeps (`ValueHolder.heldValues`: a bound method's
/// receiver, a cycler's items, a loop's items, a module's exports). A namespace is one level whose
/// attributes are not followed (it is a reference that may point back to itself; see
/// `ValuePrinter` for how it prints, and `Interpreter.breakCycles` for how it is freed).
///
/// Values are refused when they are built deeper than `RenderLimits.maxNesting`, so printing,
/// comparing, hashing, serialising and freeing them (all recursive) stay within a small, known
/// stack depth.
///
/// Working the depth out is a scan, and a scan of a big value on every append or literal made
/// building a list item by item quadratic (and a value that shares one sub-value many times,
/// `[t, t]` nested 45 times, exponential). So a scan remembers the depth of every container it
/// has seen during the scan, and the depth of big containers (the usual `rows`) is kept for the
/// rest of the render in `NestingCache`, keyed by the container's storage.
protocol ValueHolder: AnyObject {
    /// The values this object keeps and hands out again.
    var heldValues: [Value] { get }
}

/// Depths of big lists and dicts worked out earlier in the render.
///
/// Keyed by the identity of a container's storage buffer, with a weak reference to it: an entry
/// is used only while that same buffer is alive, and a buffer's items never change while a value
/// shares it (copy on write). The one exception, a uniquely held list or dict changed in place by
/// `append`, `update` and the like, goes through `Methods.mutate`, which updates the entry
/// (`Interpreter.mutated`). Weak, so the cache never keeps a value alive nor makes a list look
/// shared (which would make every `append` copy it).
///
/// One cache belongs to one render, which runs on one thread.
final class NestingCache {
    struct Entry {
        weak var storage: AnyObject?
        var depth: Int
    }
    /// Containers with fewer items are cheaper to scan than to look up.
    static let minimumCount = 32
    private var entries: [ObjectIdentifier: Entry] = [:]

    /// The storage object of a list or dict big enough to cache, if any.
    @inline(__always) static func storage(_ v: Value) -> AnyObject? {
        switch v {
        case .list(let a), .tuple(let a):
            return a.count >= minimumCount ? storage(of: a) : nil
        case .dict(let d):
            return d.count >= minimumCount ? storage(of: d.values) : nil
        default: return nil
        }
    }

    /// The buffer a non-empty array's items live in (an `Array` is one reference to it).
    /// Holding it keeps the array from being uniquely referenced: keep `identity(of:)` instead
    /// across a change in place.
    @inline(__always) static func storage(of a: [Value]) -> AnyObject {
        unsafeBitCast(a, to: AnyObject.self)
    }

    /// The identity of a non-empty array's buffer, without holding it.
    @inline(never) static func identity(of a: [Value]) -> ObjectIdentifier {
        ObjectIdentifier(storage(of: a))
    }

    func depth(_ storage: AnyObject) -> Int? { depth(ObjectIdentifier(storage)) }

    func depth(_ id: ObjectIdentifier) -> Int? {
        guard let e = entries[id], let s = e.storage, ObjectIdentifier(s) == id else { return nil }
        return e.depth
    }

    func record(_ storage: AnyObject, _ depth: Int) {
        if entries.count >= 1 << 16 {
            // Entries of freed buffers are dropped; if the live ones still fill it, start over.
            entries = entries.filter { $0.value.storage != nil }
            if entries.count >= 1 << 15 { entries = [:] }
        }
        entries[ObjectIdentifier(storage)] = Entry(storage: storage, depth: depth)
    }

    func forget(_ id: ObjectIdentifier) {
        entries[id] = nil
    }
}

/// One depth scan: depths of the containers it has already seen, once it has seen many.
struct NestingScan {
    let cache: NestingCache
    /// Containers and objects visited (counted as work).
    var visited = 0
    /// Depths of containers already scanned in this scan, keyed by storage (all alive during it).
    private var memo: [ObjectIdentifier: Int]?

    init(cache: NestingCache) { self.cache = cache }

    /// The depth of `v` (0 for a scalar, 1 for an empty list), or `limit + 1` once it is deeper
    /// than `limit`. Never recurses more than `limit + 1` frames.
    mutating func depth(_ v: Value, limit: Int) -> Int {
        switch v {
        case .list(let a), .tuple(let a):
            if a.isEmpty { return 1 }
            return container(a, nil, v, limit: limit)
        case .dict(let d):
            if d.count == 0 { return 1 }
            return container(d.values, d.keys, v, limit: limit)
        case .object(let o):
            visited &+= 1
            if let it = o as? LazyIterator { return 1 + items(it.items, limit: limit - 1) }
            if let h = o as? ValueHolder { return 1 + items(h.heldValues, limit: limit - 1) }
            return 1
        default: return 0
        }
    }

    private mutating func container(_ a: [Value], _ keys: [Value]?, _ v: Value, limit: Int) -> Int {
        visited &+= 1
        if limit < 1 { return limit + 1 }
        let big = a.count >= NestingCache.minimumCount
        let store: AnyObject? = big || memo != nil ? NestingCache.storage(of: a) : nil
        if let store {
            if big, let d = cache.depth(store) { return d }
            if let d = memo?[ObjectIdentifier(store)] { return d }
        }
        var d = 1 + items(a, limit: limit - 1)
        if let keys, d <= limit { d = max(d, 1 + items(keys, limit: limit - 1)) }
        if d > limit { return d }
        if let store {
            if big { cache.record(store, d) } else { memo![ObjectIdentifier(store)] = d }
        } else if memo == nil && visited > 256 {
            // Past a few hundred containers the value may share sub-values; remember them.
            memo = [:]
        }
        return d
    }

    /// The greatest depth among `a` (capped at `limit + 1`).
    mutating func items(_ a: [Value], limit: Int) -> Int {
        var best = 0
        for x in a {
            switch x {
            case .list, .tuple, .dict, .object:
                let d = depth(x, limit: limit)
                if d > best {
                    best = d
                    if best > limit { return best }
                }
            default: continue
            }
        }
        return best
    }
}

extension Interpreter {
    /// Refuses to put `items` one level down into a new container (a literal, `append`, a filter
    /// result) when that container would nest deeper than `RenderLimits.maxNesting`.
    func checkNesting(_ items: [Value], levels: Int = 1) throws {
        try budget.tick(items.count)
        let limit = RenderLimits.maxNesting - levels
        var scan = NestingScan(cache: budget.nesting)
        let d = scan.items(items, limit: limit)
        try budget.tick(scan.visited)
        if d > limit { throw Interpreter.nestingError() }
    }

    /// `checkNesting` for one value.
    @inline(__always) func checkNesting(_ item: Value, levels: Int = 1) throws {
        switch item {
        case .list, .tuple, .dict, .object:
            try checkNesting(depthOf: item, levels: levels)
        default: return
        }
    }

    private func checkNesting(depthOf item: Value, levels: Int) throws {
        let limit = RenderLimits.maxNesting - levels
        var scan = NestingScan(cache: budget.nesting)
        let d = scan.depth(item, limit: limit)
        try budget.tick(scan.visited)
        if d > limit { throw Interpreter.nestingError() }
    }

    /// The depth of `v` as far as `limit + 1` (see `NestingScan`).
    func nestingDepth(_ v: Value, limit: Int = RenderLimits.maxNesting) throws -> Int {
        var scan = NestingScan(cache: budget.nesting)
        let d = scan.depth(v, limit: limit)
        try budget.tick(scan.visited)
        return d
    }

    static func nestingError() -> JinjaError {
        JinjaError(.limitExceeded, "the template built a value nested more than \(RenderLimits.maxNesting) levels deep "
                   + "(RenderLimits.maxNesting); flatten the data, for example with a namespace or a dict keyed by path")
    }
}
