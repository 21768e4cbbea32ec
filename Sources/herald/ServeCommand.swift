import ArgumentParser
import Clocks
import Foundation
import Hummingbird
import Logging
import Server
import Store

/// `herald serve`: the HTTP API, the scheduler, the report renderers and the delivery workers in
/// one process, until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service: HTTP API, report schedules, alerts, digests, 2FA and delivery.",
        discussion: """
            Without --config Herald starts on an embedded default: SQLite under var/, a demo tenant \
            with a report schedule, and, unless HERALD_SMTP_SERVER names a server, a file transport \
            that writes every mail as an .eml file under var/mail/. SIGTERM stops taking work, lets \
            the sends in flight finish and leaves the rest queued for the next start.
            """
    )

    @OptionGroup var config: ConfigOption

    @Option(help: "Address to listen on (default 127.0.0.1, or service.host).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (default 8080, or service.port, or HERALD_PORT).")
    var port: Int?

    func run() async throws {
        try await reportingErrors {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = .info
                return handler
            }
            let logger = Logger(label: "herald.service")
            let file = try config.load()
            // Mails (2FA codes among them), tokens, the key and the database are the owner's alone,
            // also when an earlier version or a copy left them readable by others.
            PrivateFiles.restrictNewFiles()
            PrivateFiles.log(PrivateFiles.tighten(directories: [file.dataDirectory], files: file.privateFiles), to: logger)
            let environment = ProcessInfo.processInfo.environment
            var service = try file.serviceConfiguration(environment: environment)
            PrivateFiles.log(PrivateFiles.tighten(directories: [service.mailDirectory.path], files: []), to: logger)
            if let host { service.host = host }
            if let port {
                guard (0...65535).contains(port) else { throw CLIError(status: ExitStatus.usage, "--port: \(port) is not a port") }
                service.port = port
            }
            let store = try file.openStore()
            let secrets: SecretBox
            do {
                secrets = try SecretBox.load(environment: environment, file: file.secretKeyFile)
            } catch let error as ServiceError {
                throw CLIError(status: ExitStatus.config, error.description)
            }
            let herald: HeraldService
            do {
                herald = try HeraldService(configuration: service, store: store, clock: SystemWallClock(), secrets: secrets,
                                           environment: environment, logger: logger)
                if service.demo, let demo = try await herald.createDemoTenant(keep: { try file.writeSecretFile("demo-token", $0) }) {
                    logger.info("demo tenant created", metadata: ["herald.tenant": "\(demo.tenant.id)",
                                                                  "herald.token.file": "\(file.dataDirectory)/demo-token"])
                }
            } catch let error as ServiceError {
                throw CLIError(status: ExitStatus.config, error.description)
            }
            if service.smtp == nil {
                logger.notice("no SMTP server configured: mails are written as .eml files",
                              metadata: ["herald.mail.directory": "\(service.mailDirectory.path)"])
            } else {
                logger.info("delivering through SMTP", metadata: ["herald.smtp.host": "\(service.smtp!.host):\(service.smtp!.port)"])
            }
            let listenHost = service.host
            let app = buildApplication(service: herald, logger: logger) { port in
                logger.info("listening", metadata: ["herald.http": "http://\(listenHost):\(port)"])
            }
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            logger.info("stopped: sends in flight finished, the rest stays queued for the next start")
        }
    }
}
