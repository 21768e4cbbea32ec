/// An error of the report renderer: a document that cannot be read, or output that cannot be written.
/// `message` names the element or field, the cause and the remedy; `line` is the document line when known.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    /// What failed; compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String { case document, fonts, render, output }
        fileprivate let value: Value
        /// The document is not well-formed or uses an element or attribute wrongly.
        public static let document = Code(value: .document)
        /// The fonts in Fonts/ cannot be loaded.
        public static let fonts = Code(value: .fonts)
        /// Cairo reported an error while drawing.
        public static let render = Code(value: .render)
        /// The PDF cannot be written.
        public static let output = Code(value: .output)
        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String
    public let line: Int?

    public init(_ code: Code, _ message: String, line: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
