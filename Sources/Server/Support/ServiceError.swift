import Foundation

/// An error of Herald's service: what the API answers with a 4xx and a JSON body naming the field,
/// the cause and the remedy, and what the service logs for its own failures.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    /// What failed; compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate let value: String
        /// The request's input is wrong (422).
        public static let invalid = Code(value: "invalid")
        /// The body is not JSON or has the wrong shape (400).
        public static let badRequest = Code(value: "bad_request")
        /// No or an unknown token (401).
        public static let unauthorized = Code(value: "unauthorized")
        /// The token may not do this (403).
        public static let forbidden = Code(value: "forbidden")
        /// Nothing there, or not the caller's (404).
        public static let notFound = Code(value: "not_found")
        /// The same thing exists already (409).
        public static let conflict = Code(value: "conflict")
        /// It was there but is no longer usable (410).
        public static let gone = Code(value: "gone")
        /// Too many requests of this kind (429).
        public static let rateLimited = Code(value: "rate_limited")
        /// The body is too large (413).
        public static let tooLarge = Code(value: "too_large")
        /// The path exists, the method does not (405).
        public static let methodNotAllowed = Code(value: "method_not_allowed")
        /// Herald's own configuration is wrong.
        public static let configuration = Code(value: "configuration")
        /// A report or mail could not be made (rendering, data source).
        public static let failed = Code(value: "failed")
        /// The database is busy or failing (503).
        public static let unavailable = Code(value: "unavailable")
        public var description: String { value }
    }

    public let code: Code
    /// The request field (JSON path, query parameter or header) the error is about, if any.
    public let field: String?
    /// Cause and remedy, for people.
    public let message: String
    /// For template errors: which template, line and column.
    public var location: [String: String]?
    /// For `.rateLimited`: the seconds after which the request may succeed (`Retry-After`).
    public var retryAfter: Int?
    /// True when the same work may succeed if tried again later (a data source that did not
    /// answer); false when it would fail the same way (a template or data error).
    public var isTransient: Bool

    public init(_ code: Code, field: String? = nil, _ message: String, location: [String: String]? = nil, retryAfter: Int? = nil,
                transient: Bool = false) {
        self.code = code
        self.field = field
        self.message = message
        self.location = location
        self.retryAfter = retryAfter
        isTransient = transient
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
