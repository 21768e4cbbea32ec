import Foundation

/// An RFC 5322 addr-spec, `local-part@domain`, validated when created.
///
/// The domain keeps the form it was given in (``domain``, possibly Unicode) and has an ASCII
/// (IDNA) form for the SMTP envelope and 7-bit headers (``asciiDomain``). Non-ASCII local parts
/// are refused: they need SMTPUTF8, which Herald's transport does not announce.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The part before the `@`, exactly as written (a dot-atom or a quoted string).
    public let localPart: String
    /// The domain as written.
    public let domain: String
    /// The domain in ASCII: IDNA labels converted to `xn--` form, lower-cased.
    public let asciiDomain: String

    /// Parses and validates an addr-spec such as `ops@example.com` or `ops@bücher.example`.
    /// - Parameter field: the field named in the error, e.g. `To`.
    /// - Throws: ``MailError`` with code ``MailError/Code/invalidAddress`` naming the cause.
    public init(_ text: String, field: String = "address") throws {
        try Self.rejectLineBreaks(text, field: field)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw MailError(.invalidAddress, field: field, "the address is empty; write it as name@example.com")
        }
        guard let at = Self.splitIndex(trimmed) else {
            throw Self.bad(field, trimmed, "it has no \"@\"; write it as name@example.com")
        }
        let local = String(trimmed[..<at])
        let domain = String(trimmed[trimmed.index(after: at)...])
        try Self.validateLocalPart(local, field: field, whole: trimmed)
        self.asciiDomain = try Self.validateDomain(domain, field: field, whole: trimmed)
        self.localPart = local
        self.domain = domain
        guard localPart.utf8.count + 1 + asciiDomain.utf8.count <= 254 else {
            throw Self.bad(field, trimmed, "it is longer than 254 characters, the limit of RFC 5321")
        }
    }

    /// `local@domain` as written.
    public var description: String { "\(localPart)@\(domain)" }

    /// The form used in the SMTP envelope and in 7-bit headers: `local@ascii-domain`.
    public var envelope: String { "\(localPart)@\(asciiDomain)" }

    /// One spelling for every way of writing the same mailbox, for counting and matching:
    /// a quoted local part without its quotes and backslash escapes (`"v\ictim"` and `victim` name
    /// the same mailbox by RFC 5321), lower-cased as nearly every server treats it, and the domain
    /// in lower-case A-labels. Not for sending: an unquoted local part may need its quotes on the wire.
    public var mailboxKey: String {
        var local = localPart
        if local.hasPrefix("\""), local.count >= 2 {
            var unquoted = ""
            var escaped = false
            for s in local.unicodeScalars.dropFirst().dropLast() {
                if !escaped && s == "\\" { escaped = true; continue }
                escaped = false
                unquoted.unicodeScalars.append(s)
            }
            local = unquoted
        }
        return "\(local.lowercased())@\(asciiDomain)"
    }

    // MARK: - Validation

    static func rejectLineBreaks(_ text: String, field: String) throws {
        if text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw MailError(.invalidAddress, field: field,
                            "the address contains a line break (CR or LF), which could inject SMTP commands; remove it")
        }
    }

    private static func bad(_ field: String, _ value: String, _ reason: String) -> MailError {
        MailError(.invalidAddress, field: field, "\"\(value)\" is not a valid address: \(reason)")
    }

    /// The `@` that separates local part and domain: the last one outside a quoted local part.
    private static func splitIndex(_ text: String) -> String.Index? {
        var inQuotes = false
        var escaped = false
        var found: String.Index?
        for i in text.indices {
            let c = text[i]
            if escaped { escaped = false; continue }
            if c == "\\" && inQuotes { escaped = true; continue }
            if c == "\"" { inQuotes.toggle(); continue }
            if c == "@" && !inQuotes { found = i }
        }
        return found
    }

    static func isAtext(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(s)
        }
    }

    private static func validateLocalPart(_ local: String, field: String, whole: String) throws {
        if local.isEmpty { throw bad(field, whole, "the part before \"@\" is empty") }
        if local.utf8.count > 64 {
            throw bad(field, whole, "the part before \"@\" is longer than 64 characters")
        }
        if !local.unicodeScalars.allSatisfy(\.isASCII) {
            throw bad(field, whole, "the part before \"@\" has non-ASCII characters, which need SMTPUTF8; use an ASCII address")
        }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else {
                throw bad(field, whole, "the quoted part before \"@\" is not closed")
            }
            var escaped = false
            for s in local.unicodeScalars.dropFirst().dropLast() {
                if escaped {
                    // RFC 5321 quoted-pairs take printable characters and spaces only.
                    if (s.value < 0x20 && s != " ") || s.value == 0x7F {
                        throw bad(field, whole, "the quoted part before \"@\" escapes a control character, which no mailbox may hold")
                    }
                    escaped = false
                    continue
                }
                if s == "\\" { escaped = true; continue }
                if s == "\"" || s.value < 0x20 || s.value == 0x7F {
                    throw bad(field, whole, "the quoted part before \"@\" has a character that must be escaped")
                }
            }
            if escaped { throw bad(field, whole, "the quoted part before \"@\" ends in a lone backslash") }
            return
        }
        for atom in local.split(separator: ".", omittingEmptySubsequences: false) {
            if atom.isEmpty {
                throw bad(field, whole, "the part before \"@\" has an empty dot-separated piece (\"..\", or a dot at its start or end)")
            }
            if let s = atom.unicodeScalars.first(where: { !isAtext($0) }) {
                let shown = s == " " ? "a space" : "\"\(s)\""
                throw bad(field, whole, "the part before \"@\" contains \(shown); quote it or remove it")
            }
        }
    }

    private static func validateDomain(_ domain: String, field: String, whole: String) throws -> String {
        if domain.isEmpty { throw bad(field, whole, "the domain after \"@\" is missing") }
        if domain.hasPrefix("[") {
            guard domain.hasSuffix("]") else { throw bad(field, whole, "the address literal is not closed with \"]\"") }
            let inner = String(domain.dropFirst().dropLast())
            let isIPv4 = inner.split(separator: ".", omittingEmptySubsequences: false).count == 4
                && inner.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { UInt8($0) != nil }
            let isIPv6 = inner.lowercased().hasPrefix("ipv6:")
                && inner.dropFirst(5).utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) || $0 == 0x3A || $0 == 0x2E }
            guard isIPv4 || isIPv6 else {
                throw bad(field, whole, "the address literal is neither [IPv4] nor [IPv6:...]")
            }
            return domain
        }
        if domain.hasSuffix(".") || domain.hasPrefix(".") || domain.contains("..") {
            throw bad(field, whole, "the domain has an empty label (a stray dot)")
        }
        guard let ascii = IDNA.toASCII(domain) else {
            throw bad(field, whole, "the domain is not a valid host name")
        }
        for label in ascii.split(separator: ".") {
            guard label.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }),
                  label.first != "-", label.last != "-"
            else {
                throw bad(field, whole, "the domain label \"\(label)\" may hold only letters, digits and inner hyphens")
            }
        }
        return ascii
    }
}

/// A mailbox: an address with an optional display name, as in `Herald Reports <reports@example.com>`.
public struct Mailbox: Hashable, Sendable, CustomStringConvertible {
    /// The display name, in Unicode; nil or empty when there is none.
    public var displayName: String?
    /// The address.
    public var address: EmailAddress

    /// Creates a mailbox from its parts.
    /// - Throws: ``MailError`` when the display name holds a line break or control character.
    public init(displayName: String? = nil, address: EmailAddress, field: String = "address") throws {
        if let name = displayName {
            try HeaderText.validate(name, field: field)
        }
        self.displayName = displayName?.isEmpty == true ? nil : displayName
        self.address = address
    }

    /// Parses `addr`, `<addr>`, `Name <addr>` or `"Name, Quoted" <addr>`.
    /// - Parameter field: the field named in the error, e.g. `From`.
    /// - Throws: ``MailError`` naming the field and the cause.
    public init(parsing text: String, field: String = "address") throws {
        try EmailAddress.rejectLineBreaks(text, field: field)
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            if trimmed.contains("<") || trimmed.contains(">") {
                throw MailError(.invalidAddress, field: field,
                                "\"\(trimmed)\" is not a valid address: the angle brackets do not match; write Name <name@example.com>")
            }
            try self.init(displayName: nil, address: EmailAddress(trimmed, field: field), field: field)
            return
        }
        let addrText = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            var unquoted = ""
            var escaped = false
            for c in name.dropFirst().dropLast() {
                if escaped { unquoted.append(c); escaped = false } else if c == "\\" { escaped = true } else { unquoted.append(c) }
            }
            name = unquoted
        }
        try self.init(displayName: name, address: EmailAddress(addrText, field: field), field: field)
    }

    /// `Name <addr>` in Unicode, for people and logs (not for the wire).
    public var description: String {
        guard let name = displayName else { return address.description }
        return "\(name) <\(address)>"
    }
}
