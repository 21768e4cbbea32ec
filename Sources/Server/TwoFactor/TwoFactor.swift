import Clocks
import Foundation
import Mail
import Store

/// A request for a 2FA code mail.
public struct TwoFactorRequest: Sendable, Codable {
    public var address: String
    /// `de` or `en`; the tenant's when absent.
    public var locale: String?
    /// The sign-in's client address, shown in the mail when given.
    public var ip: String?
}

/// What the API answers for a 2FA request.
public struct TwoFactorSent: Sendable, Codable {
    public var id: String
    public var expires_at: Date
    public var outbox_id: Int64
}

/// What a verification found.
public struct TwoFactorVerdict: Sendable, Codable {
    public var verified: Bool
    public var attempts_left: Int
}

/// 2FA code mails: a code from the system CSPRNG, only its HMAC stored, mailed on the most urgent
/// lane; verification in constant time with counted attempts.
final class TwoFactor: Sendable {
    let repository: any TwoFactorRepository
    let tenants: Tenants
    let templates: Templates
    let mailSettings: MailSettings
    let gate: RenderGate
    let secrets: SecretBox
    let configuration: ServiceConfiguration
    let clock: any WallClock
    let delivery: WakeSignal

    init(repository: any TwoFactorRepository, tenants: Tenants, templates: Templates, mailSettings: MailSettings, gate: RenderGate,
         secrets: SecretBox, configuration: ServiceConfiguration, clock: any WallClock, delivery: WakeSignal) {
        self.repository = repository
        self.tenants = tenants
        self.templates = templates
        self.mailSettings = mailSettings
        self.gate = gate
        self.secrets = secrets
        self.configuration = configuration
        self.clock = clock
        self.delivery = delivery
    }

    /// Sends a code: six digits from the system CSPRNG, only its HMAC stored, valid for the
    /// configured time, on the highest lane; rate-limited per address.
    /// - Throws: ``ServiceError`` `.invalid` for a bad address or locale, `.rateLimited` past the limit.
    func send(_ request: TwoFactorRequest, tenant: Tenant) async throws -> TwoFactorSent {
        // The whole request in one of the tenant's render slots: a flood is refused before anything is done.
        try await gate.admit(tenant.id) { try await challenge(request, tenant: tenant) }
    }

    private func challenge(_ request: TwoFactorRequest, tenant: Tenant) async throws -> TwoFactorSent {
        let address = try Validate.address(request.address, field: "address")
        let locale = request.locale ?? tenant.locale
        guard supportedLocales.contains(locale) else {
            throw ServiceError(.invalid, field: "locale", "\"\(locale)\" is not a locale Herald writes; use de or en")
        }
        if let ip = request.ip, ip.count > 64 || ip.contains(where: { $0.isWhitespace }) {
            throw ServiceError(.invalid, field: "ip", "is not an IP address")
        }
        try tenants.takeRate("twofactor_per_minute", period: 60, of: tenant, what: "2FA codes")
        let now = clock.now
        // Counted per mailbox, however it is spelled: quotes, escapes and case do not make a new one.
        let key = address.mailboxKey
        let since = now.addingTimeInterval(-configuration.twoFactorWindow)
        let limited = ServiceError(.rateLimited, field: "address",
                                   "\(configuration.twoFactorLimit) codes were sent to this address in the last \(Int(configuration.twoFactorWindow / 60)) minutes; wait before asking again")
        // A first look spares rendering a mail that cannot go; the store decides in its transaction.
        guard try await repository.twoFactorCount(tenantID: tenant.id, address: key, since: since) < configuration.twoFactorLimit else { throw limited }
        let id = UUID().uuidString.lowercased()
        let code = SecretBox.newCode()
        let expires = now.addingTimeInterval(configuration.twoFactorValidity)
        let minutes = Int(configuration.twoFactorValidity / 60)
        let custom = try await templates.custom(tenant: tenant, kind: .twoFactor)[locale]
        let composer = try await mailSettings.currentComposer()
        // The mail renders the tenant's templates: on the urgent lane.
        let mail = try await gate.render(.urgent) {
            var context: [String: Any] = ["code": code, "valid_minutes": minutes]
            context["request"] = request.ip.map { ["ip": $0] as Any } ?? ["ip": NSNull()]
            var mail = try composer.compose(MailComposer.Envelope(
                tenant: tenant, kind: .twoFactor, locale: locale, recipients: [address.description], context: context,
                custom: custom, expiresAt: expires), now: now)
            // The notification log shows the subject; the code stays in the mail only.
            mail.subject = mail.subject.replacingOccurrences(of: code, with: "······")
            return mail
        }
        let challenge = TwoFactorChallenge(id: id, tenantID: tenant.id, address: key, codeHash: secrets.codeHash(code, challenge: id),
                                           createdAt: now, expiresAt: expires)
        guard let entry = try await repository.createTwoFactor(challenge, mail: mail, now: now, limit: configuration.twoFactorLimit, since: since) else {
            throw limited
        }
        delivery.fire()
        return TwoFactorSent(id: id, expires_at: expires, outbox_id: entry.id!)
    }

    /// Checks a code in constant time; every wrong guess counts (a right one does not), and a used, expired or
    /// exhausted challenge never verifies.
    /// - Returns: nil when there is no such challenge for the tenant.
    /// - Throws: ``ServiceError`` saying why the code cannot be checked (expired, used, too many attempts).
    func verify(id: String, code: String, tenant: Tenant) async throws -> TwoFactorVerdict? {
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else {
            throw ServiceError(.invalid, field: "code", "must be the six digits from the mail")
        }
        let now = clock.now
        let limit = configuration.twoFactorAttempts
        let secrets = secrets
        let outcome: Result<TwoFactorVerdict, ServiceError>? = try await repository.verifyTwoFactor(id: id, tenantID: tenant.id, now: now) { challenge in
            if challenge.verifiedAt != nil { return .failure(ServiceError(.conflict, field: "id", "this code was used already; ask for a new one")) }
            if challenge.expiresAt <= now { return .failure(ServiceError(.gone, field: "id", "the code expired; ask for a new one")) }
            if challenge.attempts >= limit {
                return .failure(ServiceError(.rateLimited, field: "code", "too many wrong codes; ask for a new one"))
            }
            // Only a wrong code uses up an attempt.
            if SecretBox.equal(secrets.codeHash(code, challenge: challenge.id), challenge.codeHash) {
                challenge.verifiedAt = now
                return .success(TwoFactorVerdict(verified: true, attempts_left: limit - challenge.attempts))
            }
            challenge.attempts += 1
            return .success(TwoFactorVerdict(verified: false, attempts_left: limit - challenge.attempts))
        }
        switch outcome {
        case nil: return nil
        case .success(let verdict)?: return verdict
        case .failure(let error)?: throw error
        }
    }
}
