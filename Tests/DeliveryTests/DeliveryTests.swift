import Clocks
import Foundation
import HeraldTestSupport
import Mail
import SMTP
@testable import Store
import Testing
@testable import Delivery

/// The outbox and its workers against a real SQLite file and a real SMTP server (aiosmtpd).
@Suite struct DeliveryTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func tempStore(_ durability: Store.Durability = .full) throws -> (Store, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-store-\(UUID().uuidString)")
        return (try Store(path: dir.appendingPathComponent("herald.sqlite").path, durability: durability), dir)
    }

    /// With durability full, accepting a mail waits for the disk (synchronous FULL) and a
    /// delivery's bookkeeping does not (NORMAL); the connection is back at FULL after every
    /// bookkeeping transaction, also one that fails, and a claimed and completed mail is recorded.
    @Test func bookkeepingCommitsWithoutWaitingForTheDiskAndAcceptanceDoes() async throws {
        let (store, dir) = try Self.tempStore(.full)
        defer { try? FileManager.default.removeItem(at: dir) }
        func level() async throws -> Int? { try await store.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } }
        #expect(try await level() == 2)
        #expect(try await store.bookkeepingWrite { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
        #expect(try await level() == 2)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await store.bookkeepingWrite { _ in throw Boom() } }
        #expect(try await level() == 2)
        let (entry, _) = try await store.enqueue(Self.mail(to: ["a@example.com"]), now: start)
        let claimed = try await store.claim(owner: "w", now: start, lease: 60, limit: 4)
        #expect(claimed.map(\.entry.id) == [entry.id])
        let status = try await store.complete(AttemptResult(outboxID: entry.id!, leaseOwner: "w", at: start,
                                                      recipients: [.init(address: "a@example.com", outcome: .accepted, replyCode: 250)],
                                                      queueID: "Q1", retryAt: nil))
        #expect(status == .sent)
        #expect(try await level() == 2)
        // With durability normal everything commits at NORMAL, bookkeeping included.
        let (relaxed, relaxedDir) = try Self.tempStore(.normal)
        defer { try? FileManager.default.removeItem(at: relaxedDir) }
        #expect(try await relaxed.bookkeepingWrite { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
        #expect(try await relaxed.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
    }

    static func mail(to recipients: [String], kind: MailKind = .report, tenant: String = "acme", subject: String = "Report",
                     key: String? = nil, expiresAt: Date? = nil) throws -> NewMail {
        var m = MailMessage(from: try Mailbox(parsing: "Herald <herald@example.com>"))
        m.to = try recipients.map { try Mailbox(parsing: $0) }
        m.subject = subject
        m.text = "Body of \(subject)\n"
        let encoded = try MessageWriter().encode(m)
        return NewMail(tenantID: tenant, kind: kind, message: Data(encoded.bytes), messageID: encoded.messageID,
                       subject: subject, mailFrom: encoded.mailFrom, recipients: encoded.recipients,
                       idempotencyKey: key, expiresAt: expiresAt)
    }

    static func deliverer(_ store: Store, _ peer: SMTPPeer, clock: any WallClock, workers: Int = 1,
                          wrap: (@Sendable (any MailTransport) -> any MailTransport)? = nil) -> Deliverer {
        var configuration = DeliveryConfiguration()
        configuration.workers = workers
        let settings = SMTPSettings(host: "127.0.0.1", port: peer.port, tls: .none, ehloName: "client.herald.test",
                                    connectTimeout: .seconds(5), commandTimeout: .seconds(5))
        return Deliverer(outbox: store, configuration: configuration, clock: clock) {
            let session = try SMTPSession(settings: settings)
            return wrap?(session) ?? session
        }
    }

    @Test func acceptedMailIsLoggedWithTheServersReply() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer()
        let clock = ManualWallClock(now: start)
        let (entry, created) = try await store.enqueue(Self.mail(to: ["ops@example.com", "cto@example.com"]), now: clock.now)
        #expect(created)
        try await Self.deliverer(store, peer, clock: clock).run(once: true)
        #expect(peer.messages.count == 1)
        let log = try await store.log(LogQuery(tenantID: "acme"))
        #expect(log.count == 1)
        #expect(log[0].entry.status == .sent)
        #expect(log[0].entry.queueID == "Q0001")
        #expect(log[0].recipients.map(\.status) == [.accepted, .accepted])
        #expect(log[0].recipients[0].replyCode == 250)
        #expect(log[0].attempts.count == 2)
        #expect(log[0].entry.messageID == entry.messageID)
        #expect(String(decoding: peer.messages[0], as: UTF8.self).contains("Message-ID: <\(entry.messageID)>"))
    }

    @Test func idempotencyKeyYieldsTheExistingEntry() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try await store.enqueue(Self.mail(to: ["a@example.com"], kind: .twoFactor, key: "2fa-req-1"), now: start)
        let second = try await store.enqueue(Self.mail(to: ["a@example.com"], kind: .twoFactor, key: "2fa-req-1"), now: start)
        #expect(first.created && !second.created)
        #expect(first.entry.id == second.entry.id)
        let other = try await store.enqueue(Self.mail(to: ["a@example.com"], kind: .twoFactor, tenant: "other", key: "2fa-req-1"), now: start)
        #expect(other.created)
    }

    /// Acceptances from many producers at once share transactions (group commit): every mail is
    /// stored once, each producer hears of its own mail, a mail that cannot be stored fails only
    /// its own producer, and one idempotency key in one batch still makes one entry.
    @Test func concurrentAcceptancesCommitTogetherAndFailAlone() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcomes = try await withThrowingTaskGroup(of: (Int, Result<Int64, Error>).self) { group in
            for i in 0..<200 {
                group.addTask {
                    var mail = try Self.mail(to: ["user\(i)@example.com"], subject: "n\(i)")
                    if i % 50 == 7 { mail.recipients = [] }                          // refused by the store
                    if i >= 190 { mail = try Self.mail(to: ["same@example.com"], key: "one-key") }
                    do { return (i, .success(try await store.enqueue(mail, now: start).entry.id!)) } catch { return (i, .failure(error)) }
                }
            }
            return try await group.reduce(into: [Int: Result<Int64, Error>]()) { $0[$1.0] = $1.1 }
        }
        let failed = outcomes.filter { if case .failure = $0.value { true } else { false } }.keys.sorted()
        #expect(failed == [7, 57, 107, 157])
        for i in failed {
            if case .failure(let error) = outcomes[i]! { #expect("\(error)".contains("at least one recipient"), "\(error)") }
        }
        let keyed = Set((190..<200).compactMap { try? outcomes[$0]!.get() })
        #expect(keyed.count == 1, "one idempotency key, one entry: \(keyed)")
        let stored = try await store.log(LogQuery(limit: 1000))
        #expect(stored.count == 200 - 4 - 9)
        #expect(Set(stored.map(\.entry.id!)) == Set(outcomes.values.compactMap { try? $0.get() }))
    }

    @Test func lateTwoFactorMailExpiresAndIsNeverSent() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer()
        let clock = ManualWallClock(now: start)
        let (entry, _) = try await store.enqueue(Self.mail(to: ["user@example.com"], kind: .twoFactor), now: clock.now)
        #expect(entry.expiresAt == start.addingTimeInterval(600))
        clock.advance(by: 601)
        try await Self.deliverer(store, peer, clock: clock).run(once: true)
        #expect(peer.messages.isEmpty)
        #expect(try await store.entry(entry.id!)?.status == .expired)
    }

    @Test func temporaryFailuresAreRetriedOnScheduleThenFailWithAnAuditEntry() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer(["--scenario", "tempfail-data"])
        let clock = ManualWallClock(now: start)
        let (entry, _) = try await store.enqueue(Self.mail(to: ["ops@example.com"]), now: clock.now)
        let deliverer = Self.deliverer(store, peer, clock: clock)
        var seen: [OutboxStatus] = []
        for delay in [0.0, 5, 30, 300] {
            clock.advance(by: delay)
            try await deliverer.run(once: true)
            seen.append(try #require(try await store.entry(entry.id!)).status)
            // Not due before its time: running again at once sends nothing.
            try await deliverer.run(once: true)
        }
        #expect(seen == [.retrying, .retrying, .retrying, .failed])
        let attempts = try await store.attempts(of: entry.id!)
        #expect(attempts.count == 4)
        #expect(attempts.allSatisfy { $0.replyCode == 451 && $0.enhancedCode == "4.3.0" })
        #expect(attempts.map(\.at) == [start, start + 5, start + 35, start + 335])
        let audit = try await store.audit()
        #expect(audit.first?.action == "mail.failed")
        #expect(audit.first?.detail.contains("451 4.3.0") == true)
    }

    @Test func permanentRejectionIsFinalAtOnceAndSuppressesTheAddress() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer(["--scenario", "reject-rcpt"])
        let clock = ManualWallClock(now: start)
        let deliverer = Self.deliverer(store, peer, clock: clock)
        let (first, _) = try await store.enqueue(Self.mail(to: ["ops@example.com", "unknown@example.com"]), now: clock.now)
        try await deliverer.run(once: true)
        #expect(try await store.entry(first.id!)?.status == .partiallySent)
        let recipients = try await store.recipients(of: first.id!)
        #expect(recipients.map(\.status) == [.accepted, .failed])
        #expect(recipients[1].replyCode == 550 && recipients[1].enhancedCode == "5.1.1")
        #expect(try await store.suppressions(tenantID: "acme").map(\.address) == ["unknown@example.com"])
        #expect(try await store.suppressions(tenantID: "other").isEmpty == true)

        let (second, _) = try await store.enqueue(Self.mail(to: ["Unknown@example.com", "cto@example.com"]), now: clock.now)
        try await deliverer.run(once: true)
        #expect(peer.envelopes.last?.rcpt_tos == ["cto@example.com"])
        #expect(try await store.recipients(of: second.id!).map(\.status) == [.suppressed, .accepted])

        try await store.liftSuppression(tenantID: "acme", address: "unknown@example.com", actor: "admin", now: clock.now)
        #expect(try await store.suppressions(tenantID: "acme").isEmpty)
        #expect(try await store.audit().first?.action == "suppression.lifted")
        await #expect(throws: StoreError.self) { try await store.liftSuppression(tenantID: "acme", address: "unknown@example.com", actor: "admin", now: clock.now) }
    }

    /// A 4xx for one recipient retries that recipient alone; the accepted one is not sent again.
    @Test func onlyTheTemporarilyFailedRecipientIsRetried() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer(["--scenario", "tempfail-rcpt-once"])
        let clock = ManualWallClock(now: start)
        let deliverer = Self.deliverer(store, peer, clock: clock)
        let (entry, _) = try await store.enqueue(Self.mail(to: ["ops@example.com", "busy@example.com"]), now: clock.now)
        try await deliverer.run(once: true)
        #expect(try await store.entry(entry.id!)?.status == .retrying)
        clock.advance(by: 5)
        try await deliverer.run(once: true)
        #expect(try await store.entry(entry.id!)?.status == .sent)
        #expect(peer.envelopes.map(\.rcpt_tos) == [["ops@example.com"], ["busy@example.com"]])
    }

    /// While a worker drains report mails, a 2FA mail waits for at most the send in progress.
    @Test func twoFactorMailOvertakesAQueueOfReports() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer()
        let clock = ManualWallClock(now: start)
        for i in 0..<40 { _ = try await store.enqueue(Self.mail(to: ["r@example.com"], subject: "report \(i)"), now: clock.now) }
        let twoFactor = try Self.mail(to: ["user@example.com"], kind: .twoFactor, subject: "Your code")
        let deliverer = Self.deliverer(store, peer, clock: clock) { inner in
            HookTransport(inner: inner) { sent in
                if sent == 3 { _ = try? await store.enqueue(twoFactor, now: clock.now) }
            }
        }
        try await deliverer.run(once: true)
        let subjects = peer.messages.map { String(decoding: $0, as: UTF8.self) }.map { text in
            text.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst(9)) } ?? ""
        }
        #expect(subjects.count == 41)
        #expect(subjects.firstIndex(of: "Your code") == 3)
    }

    @Test func aCrashedWorkersLeaseExpiresAndTheMailGoesOut() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer()
        let clock = ManualWallClock(now: start)
        let (entry, _) = try await store.enqueue(Self.mail(to: ["ops@example.com"]), now: clock.now)
        #expect(try await store.claim(owner: "crashed", now: clock.now, lease: 300, limit: 10).count == 1)
        try await Self.deliverer(store, peer, clock: clock).run(once: true)
        #expect(peer.messages.isEmpty)
        clock.advance(by: 301)
        try await Self.deliverer(store, peer, clock: clock).run(once: true)
        #expect(peer.messages.count == 1)
        #expect(try await store.entry(entry.id!)?.status == .sent)
        // The crashed worker's late completion is ignored.
        #expect(try await store.complete(AttemptResult(outboxID: entry.id!, leaseOwner: "crashed", at: clock.now, recipients: [], queueID: nil, retryAt: nil)) == nil)
    }

    /// A refused sender says nothing about the recipients: none is suppressed.
    @Test func aClaimTakesQueuedRetryingAndLapsedEntriesOfOneLaneOldestFirst() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var ids: [Int64] = []
        for i in 0..<4 {
            ids.append(try await store.enqueue(Self.mail(to: ["m\(i)@example.com"], subject: "m\(i)"), now: start.addingTimeInterval(Double(i))).entry.id!)
        }
        // m0: leased by a worker that then vanished; m1: failed for the time being, due again at +5 s.
        #expect(try await store.claim(owner: "gone", now: start.addingTimeInterval(4), lease: 10, limit: 2).map(\.entry.id!) == [ids[0], ids[1]])
        #expect(try await store.complete(AttemptResult(outboxID: ids[1], leaseOwner: "gone", at: start.addingTimeInterval(4),
                                                 recipients: [.init(address: "m1@example.com", outcome: .temporary, replyCode: 451)],
                                                 queueID: nil, retryAt: start.addingTimeInterval(5))) == .retrying)
        // At +6 s the lease on m0 still holds: the retry (due +5 s) and the queued m2, m3 go, oldest first.
        let early = try await store.claim(owner: "w", now: start.addingTimeInterval(6), lease: 10, limit: 2)
        #expect(early.map(\.entry.id!) == [ids[2], ids[3]])
        #expect(early.map(\.pendingRecipients) == [["m2@example.com"], ["m3@example.com"]])
        let retry = try await store.claim(owner: "w", now: start.addingTimeInterval(6), lease: 10, limit: 16)
        #expect(retry.map(\.entry.id!) == [ids[1]])
        #expect(String(decoding: retry[0].message, as: UTF8.self).contains("Subject: m1"))
        // At +14 s m0's lease has lapsed: it is taken again, by the new owner.
        #expect(try await store.claim(owner: "w", now: start.addingTimeInterval(13), lease: 10, limit: 16).isEmpty)
        let lapsed = try await store.claim(owner: "w2", now: start.addingTimeInterval(14), lease: 10, limit: 16)
        #expect(lapsed.map(\.entry.id!) == [ids[0]])
        #expect(lapsed[0].entry.leaseOwner == "w2")
        #expect(lapsed[0].entry.status == .sending)
    }

    @Test func senderRejectionSuppressesNobody() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer(["--scenario", "reject-sender"])
        let clock = ManualWallClock(now: start)
        let (entry, _) = try await store.enqueue(Self.mail(to: ["ops@example.com", "cto@example.com"]), now: clock.now)
        try await Self.deliverer(store, peer, clock: clock).run(once: true)
        #expect(try await store.entry(entry.id!)?.status == .failed)
        #expect(try await store.recipients(of: entry.id!).allSatisfy { $0.replyCode == 550 && $0.enhancedCode == "5.1.0" })
        #expect(try await store.suppressions(tenantID: "acme").isEmpty)
    }

    /// A worker whose lease ran out while it sent earlier mails of its batch does not send the
    /// entry another worker has taken meanwhile.
    @Test func aLostLeaseIsNotSent() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer()
        let clock = ManualWallClock(now: start)
        let (entry, _) = try await store.enqueue(Self.mail(to: ["ops@example.com"]), now: clock.now)
        let stale = try #require(try await store.claim(owner: "slow-worker", now: clock.now, lease: 10, limit: 1).first)
        clock.advance(by: 11)
        #expect(try await store.claim(owner: "other-worker", now: clock.now, lease: 300, limit: 1).count == 1)
        let deliverer = Self.deliverer(store, peer, clock: clock)
        let settings = SMTPSettings(host: "127.0.0.1", port: peer.port, tls: .none, ehloName: "client.herald.test")
        try await deliverer.deliver(stale, owner: "slow-worker", transport: try SMTPSession(settings: settings))
        #expect(peer.messages.isEmpty)
        #expect(try await store.entry(entry.id!)?.leaseOwner == "other-worker")
        #expect(try await store.entry(entry.id!)?.attempts == 0, "a claim that never started sending is not an attempt")
    }

    /// A send that never reported back (the worker died mid-send) counts as an attempt; after
    /// the retries, the entry fails instead of being sent forever.
    @Test func sendsThatNeverReportBackEndAsFailed() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = ManualWallClock(now: start)
        let (entry, _) = try await store.enqueue(Self.mail(to: ["ops@example.com"]), now: clock.now)
        for round in 1...4 {
            let owner = "dying-\(round)"
            #expect(try await store.claim(owner: owner, now: clock.now, lease: 10, limit: 1).count == 1)
            #expect(try await store.renewLease(entry.id!, owner: owner, now: clock.now, lease: 10))
            clock.advance(by: 11)
        }
        let peer = try SMTPPeer()
        try await Self.deliverer(store, peer, clock: clock).run(once: true)
        #expect(peer.messages.isEmpty)
        #expect(try await store.entry(entry.id!)?.status == .failed)
        #expect(try await store.audit().first?.action == "mail.failed")
    }

    @Test func logFiltersAndPages() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        for i in 0..<5 { _ = try await store.enqueue(Self.mail(to: ["a\(i)@example.com"], kind: i % 2 == 0 ? .alert : .report, tenant: i < 3 ? "acme" : "globex"), now: start + Double(i)) }
        #expect(try await store.log(LogQuery(tenantID: "acme")).count == 3)
        #expect(try await store.log(LogQuery(kind: .alert)).count == 3)
        #expect(try await store.log(LogQuery(recipient: "A4@example.com")).map(\.entry.tenantID) == ["globex"])
        let page1 = try await store.log(LogQuery(limit: 2))
        let page2 = try await store.log(LogQuery(limit: 2, before: page1.last?.entry.id))
        #expect(page1.map(\.entry.id!) == [5, 4])
        #expect(page2.map(\.entry.id!) == [3, 2])
        #expect(try await store.log(LogQuery(from: start + 3)).count == 2)
        #expect(try await store.log(LogQuery(status: .sent)).isEmpty)
    }

    @Test func auditLogIsAppendOnly() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await store.appendAudit(AuditEntry(at: start, actor: "admin", action: "settings.changed", detail: "x"))
        await #expect(throws: (any Error).self) { try await store.pool.write { try $0.execute(sql: "DELETE FROM audit") } }
        await #expect(throws: (any Error).self) { try await store.pool.write { try $0.execute(sql: "UPDATE audit SET actor = 'x'") } }
        #expect(try await store.audit().count == 1)
    }

    @Test func pruneRemovesOnlyOldFinalEntries() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer()
        let clock = ManualWallClock(now: start)
        _ = try await store.enqueue(Self.mail(to: ["a@example.com"]), now: clock.now)
        try await Self.deliverer(store, peer, clock: clock).run(once: true)
        let (queued, _) = try await store.enqueue(Self.mail(to: ["b@example.com"]), now: clock.now)
        #expect(try await store.prune(olderThanDays: 30, now: clock.now + 29 * 86_400) == 0)
        #expect(try await store.prune(olderThanDays: 30, now: clock.now + 31 * 86_400) == 1)
        #expect(try await store.log(LogQuery()).map(\.entry.id) == [queued.id])
    }

    @Test func missingRecipientIsRefused() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var mail = try Self.mail(to: ["a@example.com"])
        mail.recipients = []
        await #expect(throws: StoreError.self) { try await store.enqueue(mail, now: start) }
        #expect(try await store.log(LogQuery()).isEmpty)
    }
}

extension DeliveryTests {
    /// An idle worker waits for its next poll on the clock; a wake-up makes it take a new mail at
    /// once. The manual clock never moves here, so only the wake-up can deliver the second mail.
    @Test func aWakeUpDeliversANewMailBeforeTheNextPoll() async throws {
        let (store, dir) = try Self.tempStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let peer = try SMTPPeer()
        let clock = ManualWallClock(now: start)
        let signal = WakeSignal()
        var configuration = DeliveryConfiguration()
        configuration.workers = 2
        configuration.pollInterval = 3_600
        let settings = SMTPSettings(host: "127.0.0.1", port: peer.port, tls: .none, ehloName: "client.herald.test",
                                    connectTimeout: .seconds(5), commandTimeout: .seconds(5))
        let deliverer = Deliverer(outbox: store, configuration: configuration, clock: clock, wakeUp: signal) {
            try SMTPSession(settings: settings)
        }
        _ = try await store.enqueue(Self.mail(to: ["first@example.com"]), now: clock.now)
        let task = Task { try await deliverer.run() }
        for _ in 0..<200 where peer.messages.count < 1 { try await Task.sleep(for: .milliseconds(25)) }
        #expect(peer.messages.count == 1)
        // Both workers are idle now, waiting an hour of manual time.
        try await Task.sleep(for: .milliseconds(200))
        _ = try await store.enqueue(Self.mail(to: ["second@example.com"], kind: .twoFactor), now: clock.now)
        signal.fire()
        for _ in 0..<200 where peer.messages.count < 2 { try await Task.sleep(for: .milliseconds(25)) }
        #expect(peer.messages.count == 2)
        #expect(clock.now == start)
        task.cancel()
        try await task.value
    }
}

/// Wraps a transport and calls `afterSend` with the number of messages sent so far.
final class HookTransport: MailTransport, @unchecked Sendable {
    // @unchecked: used by one worker at a time, as every transport is.
    let inner: any MailTransport
    let afterSend: (Int) async -> Void
    var sent = 0

    init(inner: any MailTransport, afterSend: @escaping (Int) async -> Void) {
        self.inner = inner
        self.afterSend = afterSend
    }

    func send(batch: [EncodedMessage]) async -> [Result<DeliveryReport, SMTPError>] {
        let results = await inner.send(batch: batch)
        sent += batch.count
        await afterSend(sent)
        return results
    }

    func close() async { await inner.close() }
}
