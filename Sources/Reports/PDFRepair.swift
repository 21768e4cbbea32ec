import Foundation

/// Mends the cross-reference table Cairo 1.16 writes when a PDF has link annotations.
///
/// Cairo reserves an object number for a structure element it never writes, and points that
/// object's cross-reference entry at another object's offset. The repair checks every entry
/// against the bytes it points at, looks up misplaced objects by their `N 0 obj` header, and
/// marks the ones that are not in the file as free: a reference to a free object reads as null,
/// as the PDF specification prescribes. Everything before the table stays byte for byte.
enum PDFRepair {
    static func rebuildCrossReferences(_ pdf: Data) -> Data {
        let bytes = [UInt8](pdf)
        guard let xref = lastIndex(of: Array("\nxref\n".utf8), in: bytes).map({ $0 + 1 }),
              let trailer = firstIndex(of: Array("trailer".utf8), in: bytes, from: xref),
              let startxref = firstIndex(of: Array("startxref".utf8), in: bytes, from: trailer)
        else { return pdf }
        // "xref\n0 N\n" then N entries of 20 bytes: one subsection, as Cairo writes it.
        let header = String(decoding: bytes[xref..<min(xref + 32, bytes.count)], as: UTF8.self).split(separator: "\n")
        guard header.count > 1, header[0] == "xref" else { return pdf }
        let range = header[1].split(separator: " ")
        guard range.count == 2, range[0] == "0", let count = Int(range[1]), count > 0 else { return pdf }
        let entriesStart = xref + "xref\n".utf8.count + header[1].utf8.count + 1
        guard entriesStart + 20 * count <= trailer else { return pdf }

        var offsets: [Int?] = Array(repeating: nil, count: count)
        var changed = false
        for number in 1..<count {
            let entry = String(decoding: bytes[(entriesStart + 20 * number)..<(entriesStart + 20 * number + 18)], as: UTF8.self)
            let fields = entry.split(separator: " ")
            guard fields.count == 3 else { return pdf }
            let objectHeader = Array("\(number) 0 obj".utf8)
            if fields[2] == "n", let offset = Int(fields[0]), offset + objectHeader.count <= xref,
               Array(bytes[offset..<(offset + objectHeader.count)]) == objectHeader {
                offsets[number] = offset
                continue
            }
            changed = true
            offsets[number] = firstIndex(of: [10] + objectHeader + [10], in: bytes, from: 0, before: xref).map { $0 + 1 }
        }
        guard changed else { return pdf }

        // Free entries form a list from entry 0 through every free object back to 0.
        let free = (1..<count).filter { offsets[$0] == nil }
        var table = "xref\n0 \(count)\n"
        table += String(format: "%010d 65535 f \n", free.first ?? 0)
        var nextFree = 0
        for number in 1..<count {
            if let offset = offsets[number] {
                table += String(format: "%010d 00000 n \n", offset)
            } else {
                nextFree += 1
                table += String(format: "%010d 00001 f \n", nextFree < free.count ? free[nextFree] : 0)
            }
        }
        var out = Data(bytes[..<xref])
        out.append(contentsOf: Array(table.utf8))
        out.append(contentsOf: bytes[trailer..<startxref])
        out.append(contentsOf: Array("startxref\n\(xref)\n%%EOF\n".utf8))
        return out
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int, before end: Int? = nil) -> Int? {
        let limit = (end ?? haystack.count) - needle.count
        guard limit >= start, let first = needle.first else { return nil }
        var i = start
        while i <= limit {
            if haystack[i] == first && Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    private static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        var i = haystack.count - needle.count
        while i >= 0 {
            if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i -= 1
        }
        return nil
    }
}
