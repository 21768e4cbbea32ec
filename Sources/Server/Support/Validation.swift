import Foundation
import Mail

/// Checks shared by the API's inputs, so that what passes them can always be written into a mail.
enum Validate {
    /// One line of at most `max` characters without control characters (a header or subject can hold it).
    /// - Throws: ``ServiceError`` `.invalid` naming `field`.
    static func line(_ text: String, field: String, max: Int, allowEmpty: Bool = false) throws {
        let blank = text.trimmingCharacters(in: .whitespaces).isEmpty
        guard (allowEmpty || !blank), text.count <= max,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) else {
            throw ServiceError(.invalid, field: field, "must be one\(allowEmpty ? "" : " non-empty") line of at most \(max) characters without control characters")
        }
    }

    /// A bare mail address (`user@example.com`) that a message can carry as a recipient.
    /// - Throws: ``ServiceError`` `.invalid` naming `field` and what is wrong with the address.
    static func address(_ text: String, field: String) throws -> EmailAddress {
        do {
            let address = try EmailAddress(text, field: field)
            _ = try Mailbox(parsing: address.description, field: field)
            return address
        } catch let error as MailError {
            throw ServiceError(.invalid, field: field, error.message)
        }
    }
}

extension Validate {
    /// Whether `scalar` is a Unicode noncharacter: U+FDD0–U+FDEF and the last two code points of
    /// every plane (U+FFFE, U+FFFF, U+1FFFE, ...). They are not for interchange, and Cairo stops
    /// drawing at them.
    static func isNoncharacter(_ scalar: Unicode.Scalar) -> Bool {
        (0xFDD0...0xFDEF).contains(scalar.value) || scalar.value & 0xFFFE == 0xFFFE
    }

    /// Refuses a JSON body with a noncharacter or a lone surrogate (`\uD800` without its pair) in
    /// any string or key: such text cannot be written into a mail or a PDF whole.
    /// - Throws: ``ServiceError`` `.invalid` (422) naming the field, like `recipients[1].name`.
    static func printableText(json data: Data) throws {
        let marked = markingLoneSurrogates(data)
        guard let tree = try? JSONSerialization.jsonObject(with: marked, options: [.fragmentsAllowed]) else { return }
        try printableText(tree, path: "")
    }

    private static func printableText(_ value: Any, path: String) throws {
        func check(_ text: String, _ field: String) throws {
            guard let bad = text.unicodeScalars.first(where: isNoncharacter) else { return }
            let shown = String(format: "U+%04X", bad.value)
            throw ServiceError(.invalid, field: field.isEmpty ? "body" : field,
                               "contains \(bad.value == 0xFFFF ? "\(shown) or a lone surrogate" : shown), a noncharacter that no mail or report can show; remove it")
        }
        switch value {
        case let text as String:
            try check(text, path)
        case let array as [Any]:
            for (index, item) in array.enumerated() { try printableText(item, path: "\(path)[\(index)]") }
        case let object as [String: Any]:
            for (key, item) in object {
                let field = path.isEmpty ? key : "\(path).\(key)"
                try check(key, field)
                try printableText(item, path: field)
            }
        default:
            break
        }
    }

    /// The JSON text with every `\uXXXX` escape of a lone surrogate replaced by `\uFFFF`, so the
    /// check above finds it in its field (a decoder would otherwise refuse or replace it silently).
    static func markingLoneSurrogates(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        guard bytes.contains(UInt8(ascii: "\\")) else { return data }
        func unit(at i: Int) -> UInt32? {
            guard i + 5 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { return nil }
            var value: UInt32 = 0
            for b in bytes[(i + 2)...(i + 5)] {
                guard let digit = Character(Unicode.Scalar(b)).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        var out = bytes
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count else { i += 1; continue }
            guard let u = unit(at: i) else { i += 2; continue }   // another escape: skip both characters
            if (0xD800...0xDBFF).contains(u), let low = unit(at: i + 6), (0xDC00...0xDFFF).contains(low) {
                i += 12
                continue
            }
            if (0xD800...0xDFFF).contains(u) {
                out.replaceSubrange((i + 2)...(i + 5), with: Array("FFFF".utf8))
            }
            i += 6
        }
        return Data(out)
    }
}
