import Foundation

/// HTML-escapes text exactly as MarkupSafe does: `& < > ' "` become `&amp; &lt; &gt; &#39; &#34;`.
public func htmlEscape(_ s: String) -> String {
    var needs = false
    for b in s.utf8 where b == 0x26 || b == 0x3c || b == 0x3e || b == 0x27 || b == 0x22 {
        needs = true
        break
    }
    if !needs { return s }
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count + 16)
    for b in s.utf8 {
        switch b {
        case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6d, 0x70, 0x3b])  // &amp;
        case 0x3c: out.append(contentsOf: [0x26, 0x6c, 0x74, 0x3b])  // &lt;
        case 0x3e: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3b])  // &gt;
        case 0x27: out.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3b])  // &#39;
        case 0x22: out.append(contentsOf: [0x26, 0x23, 0x33, 0x34, 0x3b])  // &#34;
        default: out.append(b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// How many bytes `htmlEscape` adds to `s`.
func htmlEscapeGrowth(_ s: String) -> Int {
    var extra = 0
    for b in s.utf8 {
        switch b {
        case 0x26, 0x27, 0x22: extra &+= 4
        case 0x3c, 0x3e: extra &+= 3
        default: break
        }
    }
    return extra
}

extension Value {
    /// MarkupSafe's `escape()`: markup stays as is, anything else is converted with `str()` and escaped.
    /// The text is converted and escaped under `budget`: the escaped size is charged first.
    func escaped(_ budget: RenderBudget? = nil) throws -> Value {
        switch self {
        case .markup: return self
        default:
            let s = try str(charging: budget)
            if let budget {
                let extra = htmlEscapeGrowth(s)
                if extra > 0 { try budget.chargeString(s.utf8.count &+ extra) }
            }
            return .markup(htmlEscape(s))
        }
    }

    /// MarkupSafe's `soft_str`: markup stays markup, anything else becomes a plain string.
    func softString() throws -> Value {
        switch self {
        case .markup, .string: return self
        default: return .string(try str())
        }
    }
}
