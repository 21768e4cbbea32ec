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
