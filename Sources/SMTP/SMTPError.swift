/// An error of the SMTP transport, classified by the server's reply, not by libcurl's code.
///
/// ``isTemporary`` says whether retrying can help (4xx, timeouts, refused or dropped connections);
/// otherwise the failure is permanent (5xx, authentication rejected) or a configuration error
/// (certificate not trusted, STARTTLS or AUTH not offered). `message` names the cause and the
/// remedy and never contains a password or an AUTH payload.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// What failed; compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String {
            case invalidSettings, resolveFailed, connectFailed, timeout, connectionLost, tlsFailed,
                 certificateNotTrusted, startTLSNotOffered, authNotOffered, authenticationFailed,
                 messageTooLarge, rejected, transport
        }
        fileprivate let value: Value
        /// The settings cannot work as given (bad URL, EHLO name, missing password variable...).
        public static let invalidSettings = Code(value: .invalidSettings)
        /// The host name did not resolve.
        public static let resolveFailed = Code(value: .resolveFailed)
        /// The TCP connection was refused or could not be made.
        public static let connectFailed = Code(value: .connectFailed)
        /// The server did not answer within the timeout.
        public static let timeout = Code(value: .timeout)
        /// The server closed or reset the connection in the middle of the conversation.
        public static let connectionLost = Code(value: .connectionLost)
        /// The TLS handshake failed for a reason other than trust.
        public static let tlsFailed = Code(value: .tlsFailed)
        /// The server's certificate is not trusted or does not match the host name.
        public static let certificateNotTrusted = Code(value: .certificateNotTrusted)
        /// TLS mode `starttls` is required but the server does not offer STARTTLS. Nothing was sent in clear.
        public static let startTLSNotOffered = Code(value: .startTLSNotOffered)
        /// Credentials are configured but the server offers no AUTH. Nothing was sent.
        public static let authNotOffered = Code(value: .authNotOffered)
        /// The server rejected the credentials.
        public static let authenticationFailed = Code(value: .authenticationFailed)
        /// The message is larger than the server's advertised SIZE.
        public static let messageTooLarge = Code(value: .messageTooLarge)
        /// The server rejected the message (MAIL FROM, every RCPT, or DATA).
        public static let rejected = Code(value: .rejected)
        /// Another transport failure.
        public static let transport = Code(value: .transport)
        public var description: String { value.rawValue }
    }

    /// How a failure should be handled.
    public enum Severity: String, Sendable {
        /// Worth retrying later: 4xx replies, timeouts, refused or lost connections.
        case temporary
        /// Final: 5xx replies, rejected credentials, oversize.
        case permanent
        /// The settings or the server's setup must change before any retry can help.
        case configuration
    }

    /// What failed.
    public let code: Code
    /// How to handle it.
    public let severity: Severity
    /// Cause and remedy, e.g. `535 5.7.8 authentication failed — Gmail needs an app password...`.
    public let message: String
    /// The server reply that caused the failure, when there was one (never QUIT's `221`).
    public let reply: SMTPReply?
    /// libcurl's result code and error text, for diagnosis.
    public let underlying: String?

    /// Creates an error.
    public init(_ code: Code, _ severity: Severity, _ message: String, reply: SMTPReply? = nil, underlying: String? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.reply = reply
        self.underlying = underlying
    }

    /// True when retrying later can succeed.
    public var isTemporary: Bool { severity == .temporary }

    public var description: String { message }
}
