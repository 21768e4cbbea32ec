/// The one error type of the `Cron` module.
///
/// Every failure — a malformed expression, an unknown time zone, an unparsable instant — is a
/// `CronError` with a stable ``code`` for programs and a ``message`` for people. Messages about an
/// expression name the field (number and name), the column in the expression and the rule that was
/// broken, e.g. `field 2 (hour): 24 is outside 0-23 (column 3)`.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A machine-readable error category. Extensible: new codes can be added without breaking clients.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case fieldCount, syntax, outOfRange, invalidStep, reversedRange, unknownName
            case unsupported, unknownNickname, neverMatches, unknownTimeZone, invalidInstant
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The expression does not have exactly five fields.
        public static let fieldCount = Code(.fieldCount)
        /// A character or token is not allowed where it appears.
        public static let syntax = Code(.syntax)
        /// A number is outside the field's range.
        public static let outOfRange = Code(.outOfRange)
        /// A step (`/n`) is zero or not a number.
        public static let invalidStep = Code(.invalidStep)
        /// A range runs backwards (`5-3`).
        public static let reversedRange = Code(.reversedRange)
        /// A month or weekday name is not one of the three-letter English names.
        public static let unknownName = Code(.unknownName)
        /// A construct from another cron dialect that Herald does not support (`W`, `?`, `@reboot`).
        public static let unsupported = Code(.unsupported)
        /// An `@nickname` that does not exist.
        public static let unknownNickname = Code(.unknownNickname)
        /// The expression is valid syntax but can never fire (e.g. `0 0 30 2 *`).
        public static let neverMatches = Code(.neverMatches)
        /// The time zone name is not in the system's tz database.
        public static let unknownTimeZone = Code(.unknownTimeZone)
        /// An instant is not ISO 8601 with an offset or `Z`.
        public static let invalidInstant = Code(.invalidInstant)

        /// The code's name, e.g. `outOfRange`.
        public var description: String { value.rawValue }
    }

    /// What kind of error this is.
    public let code: Code
    /// A sentence naming the cause and, where there is one, the remedy.
    public let message: String
    /// The 1-based field number (1 minute … 5 day of week) for expression errors, else `nil`.
    public let field: Int?
    /// The 1-based column in the expression where the offending token starts, else `nil`.
    public let column: Int?
    /// The error that caused this one, if any.
    public let underlying: (any Error & Sendable)?

    /// Creates an error. Library users normally only receive these.
    public init(code: Code, message: String, field: Int? = nil, column: Int? = nil,
                underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.column = column
        self.underlying = underlying
    }

    /// The ``message``.
    public var description: String { message }

    /// Errors are equal when code, message, field and column are equal; the underlying error is ignored.
    public static func == (lhs: CronError, rhs: CronError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.field == rhs.field && lhs.column == rhs.column
    }
}
