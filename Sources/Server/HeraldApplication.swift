import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Store

/// A long-running loop of the service as a swift-service-lifecycle `Service`: cancelled on
/// graceful shutdown, after which it finishes what it is doing.
struct LoopService: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async throws -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await body()
        }
    }
}

extension HeraldCore {
    /// The services besides HTTP: delivery workers, scheduler, report renderers, digests.
    public func backgroundServices() -> [any Service] {
        let deliverer = makeDeliverer()
        return [
            LoopService(description: "delivery") { try await deliverer.run() },
            LoopService(description: "scheduler") { try await self.runScheduler() },
            LoopService(description: "reports") { await self.runReportWorkers() },
            LoopService(description: "digests") { await self.runDigests() },
        ]
    }
}

/// Builds the whole service: the HTTP API on the configured address plus the background services.
/// SIGTERM / SIGINT stop taking work, let the sends in flight finish, and leave the rest queued.
/// - Parameter onRunning: told the port the server listens on (useful with port 0).
public func buildApplication(core: HeraldCore, logger: Logger,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(router: buildRouter(core: core),
                configuration: .init(address: .hostname(core.configuration.host, port: core.configuration.port), serverName: "herald"),
                services: core.backgroundServices(),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                logger: logger)
}
