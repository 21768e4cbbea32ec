/// An error of Herald's store: the database cannot be opened or migrated, or an operation's input
/// is wrong. `message` names the cause and the remedy; `underlying` is the database error.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What failed; compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String { case open, notFound, invalidInput, database }
        fileprivate let value: Value
        /// The database file cannot be opened, created or migrated.
        public static let open = Code(value: .open)
        /// The entry asked for does not exist.
        public static let notFound = Code(value: .notFound)
        /// The input cannot be stored as given.
        public static let invalidInput = Code(value: .invalidInput)
        /// SQLite reported an error.
        public static let database = Code(value: .database)
        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String
    public let underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
