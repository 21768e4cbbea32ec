import Foundation

/// A binary PGM (P5) image as pdftoppm -gray writes it.
public struct PGM {
    public let width: Int, height: Int
    public let pixels: [UInt8]

    public init(_ data: Data) throws {
        let bytes = [UInt8](data)
        var fields: [Int] = []
        var i = 2
        while fields.count < 3 {
            while i < bytes.count, bytes[i] == 32 || bytes[i] == 10 || bytes[i] == 13 || bytes[i] == 9 { i += 1 }
            var n = 0
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { n = n * 10 + Int(bytes[i] - 48); i += 1 }
            fields.append(n)
        }
        guard bytes.starts(with: Array("P5".utf8)), fields[2] == 255 else { throw NSError(domain: "PGM", code: 1, userInfo: [NSLocalizedDescriptionKey: "not an 8-bit PGM"]) }
        width = fields[0]
        height = fields[1]
        pixels = Array(bytes[(i + 1)...])
    }
}

/// Compares a page rendered by pdftoppm (grayscale PGM) with a committed golden image: nil when
/// they match within a small tolerance (mean difference under 1 of 255, under 0.5 % of pixels off
/// by more than 64), else what differs. With HERALD_UPDATE_GOLDEN=1 it writes the golden image.
public func compareWithGolden(_ rendered: Data, _ golden: URL) throws -> String? {
    if ProcessInfo.processInfo.environment["HERALD_UPDATE_GOLDEN"] == "1" {
        try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
        try rendered.write(to: golden)
        return nil
    }
    guard let expected = FileManager.default.contents(atPath: golden.path) else { return "missing \(golden.path)" }
    let (a, b) = (try PGM(rendered), try PGM(expected))
    guard a.width == b.width, a.height == b.height, a.pixels.count == b.pixels.count else {
        return "size \(a.width)x\(a.height), golden \(b.width)x\(b.height)"
    }
    var total = 0, far = 0
    for (x, y) in zip(a.pixels, b.pixels) {
        let d = abs(Int(x) - Int(y))
        total += d
        if d > 64 { far += 1 }
    }
    let mean = Double(total) / Double(a.pixels.count)
    return mean < 1.0 && Double(far) / Double(a.pixels.count) < 0.005 ? nil : "mean difference \(mean), \(far) pixels far off"
}
