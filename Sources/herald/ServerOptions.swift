import ArgumentParser
import Foundation
import SMTP

/// The options that say how to reach the SMTP server.
struct ServerOptions: ParsableArguments {
    @Option(help: "smtp://HOST:PORT (STARTTLS unless --tls says otherwise) or smtps://HOST:PORT (implicit TLS).")
    var server: String?

    @Option(help: "Provider preset (see `herald smtp presets`) for host, port and TLS mode when --server is not given.")
    var preset: String?

    @Option(help: "TLS mode: starttls (required, never falls back), implicit, or none.")
    var tls: TLSMode?

    @Option(help: "User name for AUTH.")
    var user: String?

    @Option(name: .customLong("password-env"), help: "Name of the environment variable that holds the password.")
    var passwordEnv: String?

    @Option(name: .customLong("oauth2-token-env"), help: "Name of the environment variable that holds an OAuth2 bearer token.")
    var oauth2TokenEnv: String?

    @Option(name: .customLong("ca-file"), help: "PEM file with the CA certificates to trust instead of the system store.")
    var caFile: String?

    @Option(help: "Name to send with EHLO (default: this machine's fully qualified name).")
    var ehlo: String?

    @Option(help: "Seconds to wait for the connection and for each server reply.")
    var timeout: Double?

    /// Builds the settings, reading secrets from the environment.
    /// - Throws: ``CLIError`` with status 78 when a named variable is unset, or the settings are invalid.
    func settings() throws -> SMTPSettings {
        do {
            var settings: SMTPSettings
            switch (server, preset) {
            case let (server?, nil):
                settings = try SMTPSettings(url: server, tls: tls)
            case let (nil, id?):
                let presets = try SMTPPreset.load(from: try presetsFile())
                guard let found = presets.first(where: { $0.id == id }) else {
                    throw CLIError(status: ExitStatus.usage,
                                   "--preset: no preset \"\(id)\"; choose one of \(presets.map(\.id).joined(separator: ", "))")
                }
                settings = found.settings
                if let tls { settings.tls = tls; settings.port = SMTPSettings.defaultPort(for: tls) }
            case (nil, nil):
                throw CLIError(status: ExitStatus.usage, "give --server smtp://HOST:PORT or --preset NAME")
            case (_?, _?):
                throw CLIError(status: ExitStatus.usage, "give either --server or --preset, not both")
            }
            settings.username = user
            settings.password = try passwordEnv.map { try Self.secret(from: $0, option: "--password-env") }
            settings.oauth2Token = try oauth2TokenEnv.map { try Self.secret(from: $0, option: "--oauth2-token-env") }
            settings.caFile = caFile
            settings.ehloName = ehlo
            if let timeout {
                guard timeout > 0, timeout <= 3600 else {
                    throw CLIError(status: ExitStatus.usage, "--timeout: \(timeout) is outside 0-3600 seconds")
                }
                settings.connectTimeout = .milliseconds(Int(timeout * 1000))
                settings.commandTimeout = .milliseconds(Int(timeout * 1000))
            }
            try settings.validate()
            if settings.tls == .none && !settings.isLoopback {
                printError("warning: --tls none sends credentials and mail unencrypted to \(settings.host); use starttls or implicit outside a trusted network")
            }
            return settings
        } catch let error as SMTPError {
            throw CLIError(status: ExitStatus.config, error.message)
        }
    }

    private static func secret(from variable: String, option: String) throws -> Secret {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw CLIError(status: ExitStatus.config, "\(option): the environment variable \(variable) is not set or empty")
        }
        return Secret(value)
    }
}

extension TLSMode: ExpressibleByArgument {}
