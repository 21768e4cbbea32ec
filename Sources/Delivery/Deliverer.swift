import Clocks
import Foundation
import Logging
import Mail
import SMTP
import Store

/// Runs the delivery workers: they claim due outbox entries by lane (2FA, then alerts, then the
/// rest), send them over their transport, record every attempt, retry temporary failures on the
/// configured schedule and expire 2FA mails that are too late.
public final class Deliverer: Sendable {
    /// The outbox's delivery operations: async, off the cooperative pool.
    let outbox: any DeliveryOutbox
    let configuration: DeliveryConfiguration
    let clock: any WallClock
    let makeTransport: @Sendable () async throws -> any MailTransport
    let ownerPrefix: String
    let logger: Logger
    let observe: (@Sendable (MailKind, Duration) -> Void)?
    let wakeUp: WakeSignal?

    /// - Parameters:
    ///   - logger: where attempts are logged (info: outcomes; debug: claims), with the outbox id,
    ///     kind and status as metadata; addresses and contents are never logged. Silent by default.
    ///   - wakeUp: fired when a mail is put into the outbox; idle workers then look at once
    ///     instead of at their next poll.
    ///   - observe: told each send's kind and duration (for metrics).
    ///   - outbox: the outbox to deliver from (``Store`` for SQLite).
    ///   - makeTransport: makes one transport per worker (e.g. an ``SMTPSession``).
    public init(outbox: any DeliveryOutbox, configuration: DeliveryConfiguration = DeliveryConfiguration(), clock: any WallClock,
                logger: Logger = Logger(label: "herald.delivery", factory: { _ in SwiftLogNoOpLogHandler() }),
                wakeUp: WakeSignal? = nil,
                observe: (@Sendable (MailKind, Duration) -> Void)? = nil,
                makeTransport: @escaping @Sendable () async throws -> any MailTransport) {
        self.logger = logger
        self.observe = observe
        self.wakeUp = wakeUp
        self.outbox = outbox
        self.configuration = configuration
        self.clock = clock
        self.makeTransport = makeTransport
        ownerPrefix = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    /// Runs the workers until the task is cancelled, or with `once` until nothing is due.
    /// - Throws: ``StoreError`` when the database fails.
    public func run(once: Bool = false) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<max(1, configuration.workers) {
                group.addTask { try await self.work(owner: "\(self.ownerPrefix)-\(index)", once: once) }
            }
            try await group.waitForAll()
        }
    }

    private func work(owner: String, once: Bool) async throws {
        var transport: (any MailTransport)?
        do {
            loop: while !Task.isCancelled {
                let claimed = try await outbox.claim(owner: owner, now: clock.now, lease: configuration.lease, limit: configuration.claimBatch)
                if claimed.isEmpty {
                    // Idle: end the SMTP session rather than hold a connection the server will drop.
                    if let open = transport {
                        await open.close()
                        transport = nil
                    }
                    if once { break loop }
                    let now = clock.now
                    let wake = min(try await outbox.nextDue() ?? .distantFuture, now.addingTimeInterval(configuration.pollInterval))
                    // Never a zero wait: should the store report something due that no claim can take,
                    // the worker idles instead of spinning.
                    let deadline = max(wake, now.addingTimeInterval(0.01))
                    if let wakeUp {
                        await wakeUp.wait(until: deadline, clock: clock)
                    } else {
                        do { try await clock.sleep(until: deadline) } catch { break loop }
                    }
                    continue
                }
                for (index, mail) in claimed.enumerated() {
                    // On shutdown the send in progress finishes; the rest of the batch stays queued.
                    // A more urgent mail waits for at most the send in progress.
                    if index > 0, Task.isCancelled ? true : try await outbox.hasMoreUrgent(than: mail.entry.priority, now: clock.now) {
                        try await outbox.release(claimed[index...].map { $0.entry.id! }, owner: owner, now: clock.now)
                        break
                    }
                    var transportError: Error?
                    if transport == nil {
                        do { transport = try await makeTransport() } catch { transportError = error }
                    }
                    try await deliver(mail, owner: owner, transport: transport, transportError: transportError)
                }
            }
        } catch {
            await transport?.close()
            throw error
        }
        await transport?.close()
    }

    /// Sends one claimed entry to its pending recipients and records the outcome.
    func deliver(_ mail: ClaimedMail, owner: String, transport: (any MailTransport)?, transportError: Error? = nil) async throws {
        let entry = mail.entry
        let now = clock.now
        let id = entry.id!
        if let expiry = entry.expiresAt, expiry <= now {
            try await outbox.complete(AttemptResult(outboxID: id, leaseOwner: owner, at: now,
                                             recipients: mail.pendingRecipients.map { .init(address: $0, outcome: .expired) },
                                             queueID: nil, retryAt: nil))
            return
        }
        if entry.attempts > configuration.retryDelays.count {
            // Only sends that never reported back (a worker stopped mid-send) bring an entry here.
            try await outbox.complete(AttemptResult(outboxID: id, leaseOwner: owner, at: now,
                                             recipients: mail.pendingRecipients.map {
                                                 .init(address: $0, outcome: .permanent,
                                                       replyText: "gave up after \(entry.attempts) attempts that ended without a result (the worker stopped mid-send)")
                                             },
                                             queueID: nil, retryAt: nil))
            return
        }
        // The lease may have run out while earlier mails of the batch were sent; then another
        // worker has this one and sending it here would send it twice.
        guard try await outbox.renewLease(id, owner: owner, now: now, lease: configuration.lease) else {
            logger.info("lease lost before sending; left to its new owner", metadata: ["herald.outbox.id": "\(id)"])
            return
        }
        let suppressed = try await outbox.suppressed(mail.pendingRecipients, tenantID: entry.tenantID)
        var results = mail.pendingRecipients.filter(suppressed.contains).map {
            AttemptResult.Recipient(address: $0, outcome: .suppressed, replyText: "on the tenant's suppression list")
        }
        let toSend = mail.pendingRecipients.filter { !suppressed.contains($0) }
        var queueID: String?
        if !toSend.isEmpty {
            let message = EncodedMessage(bytes: [UInt8](mail.message), messageID: entry.messageID,
                                         mailFrom: entry.mailFrom, recipients: toSend)
            let outcome: Result<DeliveryReport, SMTPError>
            if let transport {
                let started = ContinuousClock.now
                outcome = await transport.send(batch: [message])[0]
                observe?(entry.kind, ContinuousClock.now - started)
            } else {
                let cause = (transportError as? SMTPError)?.message ?? transportError.map { "\($0)" } ?? "unknown cause"
                outcome = .failure(SMTPError(.invalidSettings, .configuration, "cannot set up the SMTP transport (\(cause)); check the SMTP settings"))
            }
            switch outcome {
            case .success(let report):
                queueID = report.queueID
                results += report.recipients.map {
                    Self.recipientResult($0.address, reply: $0.reply, error: $0.error, refusedAtRecipient: $0.refusedAtRecipient)
                }
            case .failure(let error):
                results += toSend.map { Self.recipientResult($0, reply: error.reply, error: error, refusedAtRecipient: false) }
            }
        }
        let retryable = results.contains { $0.outcome == .temporary || $0.outcome == .configuration }
        let retryAt = retryable && entry.attempts < configuration.retryDelays.count
            ? clock.now.addingTimeInterval(configuration.retryDelays[entry.attempts]) : nil
        // Configuration errors are retried like temporary ones: an admin may fix the settings in time.
        if retryAt != nil {
            results = results.map { r in
                var r = r
                if r.outcome == .configuration { r.outcome = .temporary }
                return r
            }
        }
        let status = try await outbox.complete(AttemptResult(outboxID: id, leaseOwner: owner, at: clock.now, recipients: results,
                                                      queueID: queueID, retryAt: retryAt))
        var metadata: Logger.Metadata = [
            "herald.outbox.id": "\(id)", "herald.outbox.kind": "\(entry.kind.rawValue)",
            "herald.outbox.status": "\(status?.rawValue ?? "lease-lost")", "herald.outbox.attempt": "\(entry.attempts + 1)",
            "herald.outbox.accepted": "\(results.filter { $0.outcome == .accepted }.count)",
            "herald.outbox.failed": "\(results.filter { $0.outcome != .accepted }.count)",
        ]
        if let queueID { metadata["herald.smtp.queue_id"] = "\(queueID)" }
        if let reply = results.first(where: { $0.outcome != .accepted }), let code = reply.replyCode {
            metadata["herald.smtp.reply"] = "\(code) \(reply.enhancedCode ?? "")"
        }
        if let retryAt { metadata["herald.outbox.retry_at"] = "\(retryAt)" }
        logger.info("delivery attempt recorded", metadata: metadata)
    }

    /// Enhanced codes that mean the mailbox does not exist (or no longer accepts mail).
    static let noSuchUserCodes: Set<String> = ["5.1.1", "5.1.10", "5.2.1", "5.1.6", "5.1.0"]

    /// - Parameter refusedAtRecipient: the server refused this address itself (its RCPT reply);
    ///   only then can a "no such user" answer put it on the suppression list — a refused sender
    ///   or message says nothing about the recipient.
    static func recipientResult(_ address: String, reply: SMTPReply?, error: SMTPError?, refusedAtRecipient: Bool) -> AttemptResult.Recipient {
        guard let error else {
            return .init(address: address, outcome: .accepted, replyCode: reply?.code, enhancedCode: reply?.enhancedCode,
                         replyText: reply?.text)
        }
        let outcome: AttemptResult.Recipient.Outcome = switch error.severity {
        case .temporary: .temporary
        case .permanent: .permanent
        case .configuration: .configuration
        }
        let serverReply = error.reply ?? reply
        let noSuchUser = refusedAtRecipient && outcome == .permanent && serverReply.map { r in
            r.isPermanent && (r.enhancedCode.map(noSuchUserCodes.contains)
                ?? ["user unknown", "no such user", "does not exist", "unknown user"].contains { r.text.lowercased().contains($0) })
        } == true
        return .init(address: address, outcome: outcome, replyCode: serverReply?.code, enhancedCode: serverReply?.enhancedCode,
                     replyText: serverReply?.text ?? error.message, suppress: noSuchUser)
    }
}
