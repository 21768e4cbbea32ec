import Foundation

/// Supplies template source by name.
public protocol TemplateLoader: Sendable {
    /// The source of the template `name`, or `nil` when this loader has no such template.
    /// Throws `JinjaError` when the name is not allowed (for example it leaves the search path).
    func source(for name: String) throws -> String?
}

/// Loads templates from files below one or more directories, searched in order.
///
/// Names use `/` as separator; a name with a `..` segment, an absolute path or a backslash is
/// rejected so templates can never read outside the search path.
public struct DirectoryLoader: TemplateLoader {
    /// The directories searched, in order.
    public let searchPath: [URL]

    /// Creates a loader over `searchPath`.
    public init(searchPath: [URL]) {
        self.searchPath = searchPath
    }

    /// Creates a loader over directory paths.
    public init(paths: [String]) {
        self.searchPath = paths.map { URL(fileURLWithPath: $0, isDirectory: true) }
    }

    /// The file's text, `nil` if no directory has it; throws for names that leave the search path.
    public func source(for name: String) throws -> String? {
        let pieces = try DirectoryLoader.split(name)
        for dir in searchPath {
            var url = dir
            for p in pieces { url.appendPathComponent(p) }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            // A symbolic link inside the search path must not lead outside it.
            let root = dir.resolvingSymlinksInPath().standardizedFileURL.path
            let real = url.resolvingSymlinksInPath().standardizedFileURL.path
            guard real.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
                throw JinjaError(.templateNotFound, name, templateName: name)
            }
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            guard let text = String(data: data, encoding: .utf8) else {
                throw JinjaError(.value, "template '\(name)' is not valid UTF-8", templateName: name)
            }
            return text
        }
        return nil
    }

    /// Splits a template name into path segments, rejecting anything that could escape the search path.
    static func split(_ name: String) throws -> [String] {
        if name.hasPrefix("/") || name.contains("\\") || name.contains("\0") {
            throw JinjaError(.templateNotFound, name, templateName: name)
        }
        var out: [String] = []
        for piece in name.split(separator: "/", omittingEmptySubsequences: true) {
            if piece == ".." { throw JinjaError(.templateNotFound, name, templateName: name) }
            if piece == "." { continue }
            out.append(String(piece))
        }
        if out.isEmpty { throw JinjaError(.templateNotFound, name, templateName: name) }
        return out
    }
}

/// Serves templates from memory (for example templates stored in a database).
public struct DictionaryLoader: TemplateLoader {
    /// Template sources by name.
    public let templates: [String: String]

    /// Creates a loader over `templates`.
    public init(_ templates: [String: String]) {
        self.templates = templates
    }

    /// The stored source, or `nil`.
    public func source(for name: String) throws -> String? { templates[name] }
}

/// Tries several loaders in order.
public struct ChoiceLoader: TemplateLoader {
    /// The loaders, in order.
    public let loaders: [any TemplateLoader]

    /// Creates a loader that asks each of `loaders` in turn.
    public init(_ loaders: [any TemplateLoader]) {
        self.loaders = loaders
    }

    /// The first loader's answer that is not `nil`.
    public func source(for name: String) throws -> String? {
        for l in loaders {
            if let s = try l.source(for: name) { return s }
        }
        return nil
    }
}
