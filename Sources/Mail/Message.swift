import Foundation

/// A file attached to a message.
public struct Attachment: Sendable, Equatable {
    /// The file name shown to the recipient, in Unicode.
    public var fileName: String
    /// The media type, e.g. `application/pdf`.
    public var mediaType: String
    /// The file's bytes.
    public var data: [UInt8]

    /// Creates an attachment. When `mediaType` is nil it follows from the file name's extension.
    public init(fileName: String, mediaType: String? = nil, data: [UInt8]) {
        self.fileName = fileName
        self.mediaType = mediaType ?? MediaType.forFileName(fileName)
        self.data = data
    }
}

/// An image the HTML part shows inline through `cid:` URLs.
public struct InlineImage: Sendable, Equatable {
    /// The Content-ID without angle brackets; the HTML refers to it as `cid:<contentID>`.
    public var contentID: String
    /// The file name offered when the recipient saves the image.
    public var fileName: String
    /// The media type, e.g. `image/png`.
    public var mediaType: String
    /// The image's bytes.
    public var data: [UInt8]

    /// Creates an inline image. When `mediaType` is nil it follows from the file name's extension.
    public init(contentID: String, fileName: String, mediaType: String? = nil, data: [UInt8]) {
        self.contentID = contentID
        self.fileName = fileName
        self.mediaType = mediaType ?? MediaType.forFileName(fileName)
        self.data = data
    }
}

/// A header field Herald does not model itself, such as `Auto-Submitted` or `List-Unsubscribe`.
public struct HeaderField: Sendable, Equatable {
    /// The field name, e.g. `Auto-Submitted`.
    public var name: String
    /// The unfolded value; non-ASCII text is written as encoded-words.
    public var value: String

    /// Creates a field from its name and value.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Parses `Name: value` as given on a command line.
    /// - Throws: ``MailError`` when there is no colon or the name is not a valid field name.
    public init(parsing text: String) throws {
        guard let colon = text.firstIndex(of: ":") else {
            throw MailError(.invalidHeader, field: "header",
                            "\"\(text)\" has no colon; write it as \"Name: value\"")
        }
        self.name = text[..<colon].trimmingCharacters(in: .whitespaces)
        self.value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}

/// A mail message before encoding: headers, body parts, attachments and inline images.
///
/// ``MessageWriter`` turns it into RFC 5322 / MIME bytes. Nothing is validated until then, so a
/// message can be built up field by field.
public struct MailMessage: Sendable {
    /// The author, `From`.
    public var from: Mailbox
    /// `Sender`, when the mailbox that sends differs from the author.
    public var sender: Mailbox?
    /// `Reply-To` mailboxes.
    public var replyTo: [Mailbox] = []
    /// `To` recipients.
    public var to: [Mailbox] = []
    /// `Cc` recipients.
    public var cc: [Mailbox] = []
    /// `Bcc` recipients: in the envelope only, never in the written message.
    public var bcc: [Mailbox] = []
    /// The subject, in Unicode.
    public var subject: String = ""
    /// `Date`; the time of writing when nil.
    public var date: Date?
    /// `Message-ID` without angle brackets; generated from a random value and the From domain when nil.
    public var messageID: String?
    /// `In-Reply-To` message ids, without angle brackets.
    public var inReplyTo: [String] = []
    /// `References` message ids, without angle brackets.
    public var references: [String] = []
    /// Further header fields, written in order after the standard ones.
    public var extraHeaders: [HeaderField] = []
    /// The text/plain body.
    public var text: String?
    /// The text/html body.
    public var html: String?
    /// Files attached to the message.
    public var attachments: [Attachment] = []
    /// Images shown inside the HTML body.
    public var inlineImages: [InlineImage] = []

    /// Creates a message from `from`; set the other fields afterwards.
    public init(from: Mailbox) {
        self.from = from
    }

    /// Every recipient of the envelope: To, Cc and Bcc, each address once, in that order.
    public var envelopeRecipients: [EmailAddress] {
        var seen = Set<String>()
        var result: [EmailAddress] = []
        for mailbox in to + cc + bcc {
            let key = mailbox.address.localPart + "@" + mailbox.address.asciiDomain
            if seen.insert(key).inserted { result.append(mailbox.address) }
        }
        return result
    }
}

/// Media types by file name extension, for attachments given as files.
public enum MediaType {
    private static let byExtension: [String: String] = [
        "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "gif": "image/gif", "svg": "image/svg+xml", "webp": "image/webp",
        "txt": "text/plain", "csv": "text/csv", "html": "text/html", "htm": "text/html",
        "json": "application/json", "xml": "application/xml", "zip": "application/zip",
        "gz": "application/gzip", "ics": "text/calendar", "eml": "message/rfc822",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]

    /// The media type for `fileName`'s extension, `application/octet-stream` when unknown.
    public static func forFileName(_ fileName: String) -> String {
        guard let dot = fileName.lastIndex(of: ".") else { return "application/octet-stream" }
        let ext = fileName[fileName.index(after: dot)...].lowercased()
        return byExtension[ext] ?? "application/octet-stream"
    }
}
