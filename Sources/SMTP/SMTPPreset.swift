import Foundation

/// A provider preset: where a well-known provider listens and what users trip over.
public struct SMTPPreset: Codable, Sendable, Equatable {
    /// Short identifier, e.g. `gmail`.
    public let id: String
    /// Name for people, e.g. `Gmail / Google Workspace`.
    public let name: String
    /// Server host name.
    public let host: String
    /// Server port.
    public let port: Int
    /// TLS mode for that port.
    public let tls: TLSMode
    /// What goes into the user field.
    public let userHint: String
    /// What goes into the password field.
    public let passwordHint: String
    /// Mistakes users make with this provider, each with its fix.
    public let pitfalls: [String]

    /// Settings for this preset, to be completed with credentials.
    public var settings: SMTPSettings { SMTPSettings(host: host, port: port, tls: tls) }

    /// Reads the presets from a JSON file shaped like `Config/smtp-presets.json`.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidSettings`` naming the file and the problem.
    public static func load(from path: String) throws -> [SMTPPreset] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SMTPError(.invalidSettings, .configuration, "presets: cannot read \(path)")
        }
        struct File: Decodable { let presets: [SMTPPreset] }
        do {
            return try JSONDecoder().decode(File.self, from: data).presets
        } catch {
            throw SMTPError(.invalidSettings, .configuration, "presets: \(path) is not a valid preset file (\(error))")
        }
    }
}

extension TLSMode: Codable {}
