import Foundation

/// IDNA conversion of domain names for the SMTP envelope and for 7-bit headers.
///
/// Herald does what a mail client needs: NFC normalisation, lower-casing, then Punycode
/// (RFC 3492) with the `xn--` prefix for every label that is not plain ASCII. Labels are
/// checked against the length limits of RFC 1035 (63 octets a label, 253 in all).
enum IDNA {
    /// Returns the ASCII form of `domain`, or nil when a label cannot be a host name label.
    static func toASCII(_ domain: String) -> String? {
        let normalized = domain.precomposedStringWithCanonicalMapping.lowercased()
        var labels: [String] = []
        for label in normalized.split(separator: ".", omittingEmptySubsequences: false) {
            if label.isEmpty { return nil }
            if label.unicodeScalars.allSatisfy({ $0.isASCII }) {
                labels.append(String(label))
            } else {
                guard label.unicodeScalars.allSatisfy(isAllowedUnicode),
                      let encoded = punycode(Array(label.unicodeScalars))
                else { return nil }
                labels.append("xn--" + encoded)
            }
        }
        let ascii = labels.joined(separator: ".")
        guard ascii.utf8.count <= 253, labels.allSatisfy({ $0.utf8.count <= 63 }) else { return nil }
        return ascii
    }

    private static func isAllowedUnicode(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let c = scalar.value
            return (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D
        }
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator,
             .privateUse, .surrogate, .unassigned:
            return false
        default:
            return true
        }
    }

    // RFC 3492 parameters.
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 0x80

    private static func adapt(_ delta: Int, _ numPoints: Int, _ firstTime: Bool) -> Int {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / numPoints
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (((base - tMin + 1) * delta) / (delta + skew))
    }

    private static func digit(_ d: Int) -> Character {
        Character(Unicode.Scalar(UInt8(d < 26 ? d + 97 : d + 22)))
    }

    /// Punycode of one label (without the `xn--` prefix); nil on overflow.
    static func punycode(_ input: [Unicode.Scalar]) -> String? {
        let codePoints = input.map { Int($0.value) }
        var output = String(input.filter(\.isASCII).map(Character.init))
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < codePoints.count {
            guard let m = codePoints.filter({ $0 >= n }).min() else { return nil }
            let (product, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            if overflow { return nil }
            delta += product
            n = m
            for c in codePoints {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }
}
