import Foundation
import Mail
import Server
import Store

extension HeraldConfiguration {
    /// Where the service keeps its files: the database's directory (`var/` by default).
    var dataDirectory: String {
        let directory = URL(fileURLWithPath: database).deletingLastPathComponent().path
        return directory.isEmpty ? "." : directory
    }

    /// The key that seals the stored SMTP password and keys 2FA code hashes.
    var secretKeyFile: String { service.secretKeyFile ?? "\(dataDirectory)/secret.key" }

    /// The file holding the platform admin's token when no environment variable gives it.
    var adminTokenFile: String { service.adminTokenFile ?? "\(dataDirectory)/admin-token" }

    /// Every file the service keeps besides mails: the database with its WAL and shared memory,
    /// the secret key and the token files.
    var privateFiles: [String] {
        [database, database + "-wal", database + "-shm", secretKeyFile, adminTokenFile, "\(dataDirectory)/demo-token"]
    }

    /// `herald serve`'s configuration from the file's `service` section, the environment and the
    /// checkout's resources.
    /// - Throws: ``CLIError`` (78) naming the setting that is wrong.
    func serviceConfiguration(environment: [String: String]) throws -> ServiceConfiguration {
        let templates = URL(fileURLWithPath: try resourcePath("ReportTemplates", variable: "HERALD_REPORTS_DIR"))
        var c = ServiceConfiguration(root: templates.deletingLastPathComponent(), dataDirectory: URL(fileURLWithPath: dataDirectory))
        c.reportsDirectory = templates
        c.fontsDirectory = URL(fileURLWithPath: try fontsDirectory())
        c.presetsFile = URL(fileURLWithPath: try presetsFile())
        let s = service
        if let host = s.host { c.host = host }
        if let port = s.port {
            guard (0...65535).contains(port) else { throw CLIError(status: ExitStatus.config, "service.port: \(port) is not a port") }
            c.port = port
        }
        if let from = environment["HERALD_FROM"].flatMap({ $0.isEmpty ? nil : $0 }) ?? s.from {
            do { _ = try Mailbox(parsing: from, field: "service.from") } catch let error as MailError {
                throw CLIError(status: ExitStatus.config, "service.from (or HERALD_FROM): \(error.message); write it as Name <address@example.com>")
            }
            c.from = from
        }
        if let directory = s.mailDirectory { c.mailDirectory = URL(fileURLWithPath: directory) }
        if let renderers = s.renderers {
            guard (1...32).contains(renderers) else { throw CLIError(status: ExitStatus.config, "service.renderers: \(renderers) is outside 1-32") }
            c.renderers = renderers
        }
        for (name, value, range) in [("templateRenderers", s.templateRenderers, 1...64), ("tenantRenders", s.tenantRenders, 1...64),
                                     ("tenantRenderQueue", s.tenantRenderQueue, 0...10_000)] {
            guard let value else { continue }
            guard range.contains(value) else {
                throw CLIError(status: ExitStatus.config, "service.\(name): \(value) is outside \(range.lowerBound)-\(range.upperBound)")
            }
            switch name {
            case "templateRenderers": c.templateRenderers = value
            case "tenantRenders": c.tenantRenders = value
            default: c.tenantRenderQueue = value
            }
        }
        for (plan, overrides) in s.quotas ?? [:] {
            do { try overrides.validate() } catch let error as ServiceError {
                throw CLIError(status: ExitStatus.config, "service.quotas.\(plan).\(error.field ?? ""): \(error.message)")
            }
            switch Plan(rawValue: plan) {
            case .free?: c.quotas.free = c.quotas.free.applying(overrides)
            case .pro?: c.quotas.pro = c.quotas.pro.applying(overrides)
            case .enterprise?: c.quotas.enterprise = c.quotas.enterprise.applying(overrides)
            case nil: throw CLIError(status: ExitStatus.config, "service.quotas.\(plan): not a plan; the plans are free, pro and enterprise")
            }
        }
        if let minutes = s.watchdogMinutes {
            guard minutes > 0, minutes <= 7 * 1440 else { throw CLIError(status: ExitStatus.config, "service.watchdogMinutes: must be above 0 and at most 7 days") }
            c.watchdogDelay = minutes * 60
        }
        if let minutes = s.graceMinutes {
            guard minutes >= 0, minutes <= 7 * 1440 else { throw CLIError(status: ExitStatus.config, "service.graceMinutes: must be 0 to 7 days") }
            c.scheduler.gracePeriod = minutes * 60
        }
        if let bytes = s.maxMessageBytes {
            guard bytes >= 64 * 1024 else { throw CLIError(status: ExitStatus.config, "service.maxMessageBytes: \(bytes) is below 64 KiB") }
            c.maxMessageBytes = bytes
        }
        c.dataSources = s.dataSources ?? [:]
        for (name, source) in c.dataSources {
            guard let url = URL(string: source.url.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")),
                  ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw CLIError(status: ExitStatus.config, "service.dataSources.\(name).url: \"\(source.url)\" is not an http(s) URL")
            }
        }
        c.demo = s.demo ?? isEmbeddedDefault
        c.delivery = delivery
        c.smtp = hasSMTPServer ? try smtpSettings() : nil
        c.adminTokenHash = try adminToken(environment: environment).map(SecretBox.tokenHash)
        return c
    }

    /// The platform admin's token: from the named environment variable, else from the token
    /// file, which is made (mode 0600, a random token) on first start. Never logged.
    private func adminToken(environment: [String: String]) throws -> String? {
        let variable = service.adminTokenEnv ?? "HERALD_ADMIN_TOKEN"
        if let token = environment[variable], !token.isEmpty {
            guard token.count >= 16 else {
                throw CLIError(status: ExitStatus.config, "\(variable): the admin token must be at least 16 characters; make one with `head -c 24 /dev/urandom | base64`")
            }
            return token
        }
        let path = adminTokenFile
        if let data = FileManager.default.contents(atPath: path) {
            let mode = ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber)?.intValue ?? 0
            guard mode & 0o077 == 0 else {
                throw CLIError(status: ExitStatus.config, "\(path) is readable by others (mode \(String(mode, radix: 8))); run `chmod 600 \(path)`")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.count >= 16 else {
                throw CLIError(status: ExitStatus.config, "\(path): the admin token must be at least 16 characters")
            }
            return token
        }
        let token = SecretBox.newToken()
        try writeSecretFile(URL(fileURLWithPath: path).lastPathComponent, token, path: path)
        return token
    }

    /// Writes `text` to a file only its owner can read (under the data directory unless `path` is given).
    func writeSecretFile(_ name: String, _ text: String, path: String? = nil) throws {
        let target = path ?? "\(dataDirectory)/\(name)"
        guard SecretFile.write(Data((text + "\n").utf8), to: target) else {
            throw CLIError(status: ExitStatus.config, "cannot write \(target); check the directory's permissions")
        }
    }
}
