import Clocks
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Store

/// A long-running loop of the service as a swift-service-lifecycle `Service`: cancelled on
/// graceful shutdown, after which it finishes what it is doing. A loop that fails (the database
/// busy past its timeout, a full disk) is logged and started again after a pause, so one failing
/// part never stops the HTTP API and the other loops.
struct LoopService: Service, CustomStringConvertible {
    let description: String
    let clock: any WallClock
    let logger: Logger
    let body: @Sendable () async throws -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await body()
                    return
                } catch {
                    if Task.isCancelled || error is CancellationError { return }
                    logger.error("service loop failed; starting it again in 5 s",
                                 metadata: ["herald.service.loop": "\(description)", "herald.error": "\(error)"])
                    do { try await clock.sleep(until: clock.now.addingTimeInterval(5)) } catch { return }
                }
            }
        }
    }
}

/// Runs `step` until the task is cancelled; each run says when to run again, at most a minute
/// later (nil: in a minute), and `wakeUp` may bring it forward. A failing step is logged and
/// tried again in a minute.
func repeatSteps(_ name: String, clock: any WallClock, logger: Logger, wakeUp: WakeSignal?,
                 _ step: () async throws -> Date?) async {
    while !Task.isCancelled {
        var next: Date?
        do {
            next = try await step()
        } catch {
            logger.error("\(name) failed; trying again in a minute", metadata: ["herald.error": "\(error)"])
        }
        let limit = clock.now.addingTimeInterval(60)
        let deadline = min(next ?? limit, limit)
        if let wakeUp {
            await wakeUp.wait(until: deadline, clock: clock)
        } else {
            do { try await clock.sleep(until: deadline) } catch { return }
        }
    }
}

extension HeraldService {
    /// The services besides HTTP: delivery workers, scheduler, report renderers, digests.
    public func backgroundServices() -> [any Service] {
        let deliverer = makeDeliverer()
        let (scheduler, reports, digests) = (scheduler, reports, digests)
        return [
            LoopService(description: "delivery", clock: clock, logger: logger) { try await deliverer.run() },
            LoopService(description: "scheduler", clock: clock, logger: logger) { await scheduler.run() },
            LoopService(description: "reports", clock: clock, logger: logger) { await reports.run() },
            LoopService(description: "digests", clock: clock, logger: logger) { await digests.run() },
        ]
    }
}

/// Builds the whole service: the HTTP API on the configured address plus the background services.
/// SIGTERM / SIGINT stop taking work, let the sends in flight finish, and leave the rest queued.
/// - Parameter onRunning: told the port the server listens on (useful with port 0).
public func buildApplication(service: HeraldService, logger: Logger,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(router: buildRouter(service: service),
                configuration: .init(address: .hostname(service.configuration.host, port: service.configuration.port), serverName: "herald"),
                services: service.backgroundServices(),
                onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                logger: logger)
}
