/// An error from building a mail message: a bad address, a header value that cannot be
/// written safely, or an attachment that cannot be used.
///
/// `message` names the field, the cause and the remedy. It quotes the offending value only when
/// ``MailError/Code/invalidAddress`` or ``MailError/Code/invalidHeader`` is about the caller's own
/// input, never secrets.
public struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String { case invalidAddress, invalidHeader, invalidMessage }
        fileprivate let value: Value
        /// An address (From, To, Cc, Bcc, Reply-To, Sender or envelope) is not a valid addr-spec.
        public static let invalidAddress = Code(value: .invalidAddress)
        /// A header name or value cannot be written (CR/LF injection, control characters, bad name).
        public static let invalidHeader = Code(value: .invalidHeader)
        /// The message as a whole is incomplete or inconsistent (no recipient, no body, bad attachment).
        public static let invalidMessage = Code(value: .invalidMessage)
        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The field the error is about, e.g. `To`, `Subject`, `attachment 2`.
    public let field: String
    /// A sentence naming the cause and the remedy.
    public let message: String

    /// Creates an error for `field`.
    public init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
