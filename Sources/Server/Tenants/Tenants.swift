import Clocks
import Cron
import Foundation
import Mail
import Store

/// A tenant as the API takes it at creation.
public struct TenantRequest: Sendable, Codable {
    public struct Branding: Sendable, Codable {
        /// `#rrggbb`.
        public var color: String?
        public var footer: String?
        /// Display name of the From address.
        public var from_name: String?
        /// PNG logo, base64.
        public var logo_png: String?
    }
    /// Lower-case letters, digits and dashes, 2–40; made from the name when absent.
    public var id: String?
    public var name: String
    public var locale: String?
    public var timezone: String?
    public var plan: String?
    public var admin_email: String?
    public var branding: Branding?
}

/// Changes to a tenant (admin): only the fields given change; an empty string clears an optional one.
public struct TenantUpdate: Sendable, Codable {
    public var name: String?
    public var locale: String?
    public var timezone: String?
    public var plan: String?
    public var admin_email: String?
    public var branding: TenantRequest.Branding?

    public init(name: String? = nil, locale: String? = nil, timezone: String? = nil, plan: String? = nil, admin_email: String? = nil,
                branding: TenantRequest.Branding? = nil) {
        self.name = name
        self.locale = locale
        self.timezone = timezone
        self.plan = plan
        self.admin_email = admin_email
        self.branding = branding
    }
}

/// A tenant as the API shows it.
public struct TenantView: Sendable, Codable {
    public struct Branding: Sendable, Codable {
        public var color: String?
        public var footer: String?
        public var from_name: String?
        public var has_logo: Bool
    }
    public var id: String
    public var name: String
    public var locale: String
    public var timezone: String
    public var plan: String
    public var admin_email: String?
    public var branding: Branding
    public var created_at: Date

    init(_ t: Tenant) {
        id = t.id
        name = t.name
        locale = t.locale
        timezone = t.timeZone
        plan = t.plan.rawValue
        admin_email = t.adminEmail
        branding = Branding(color: t.brandColor, footer: t.footer, from_name: t.fromName, has_logo: t.logo != nil)
        created_at = t.createdAt
    }
}

/// A token as its tenant asks for it.
public struct TokenRequest: Sendable, Codable {
    public var name: String
    /// `tenant` (default), `tenant:read`, `alerts` or `2fa`.
    public var scope: String?
    /// After this instant the token is refused; never when absent.
    public var expires_at: Date?
}

/// A token as the API shows it: never its secret.
public struct TokenView: Sendable, Codable {
    public var id: String
    public var name: String
    public var scope: String
    public var created_at: Date
    public var expires_at: Date?
    public var last_used_at: Date?

    init(_ token: APIToken) {
        id = token.id
        name = token.name
        scope = token.scope.rawValue
        created_at = token.createdAt
        expires_at = token.expiresAt
        last_used_at = token.lastUsedAt
    }
}

/// A token just made, with its secret (shown this once).
public struct TokenCreated: Sendable, Encodable {
    public var id: String
    public var name: String
    public var scope: String
    public var created_at: Date
    public var expires_at: Date?
    /// The secret: send it as `Authorization: Bearer TOKEN`. Herald keeps only its hash.
    public var token: String

    init(_ view: TokenView, token: String) {
        id = view.id
        name = view.name
        scope = view.scope
        created_at = view.created_at
        expires_at = view.expires_at
        self.token = token
    }
}

/// A tenant just created, with its first token (shown this once).
public struct TenantCreated: Sendable, Codable {
    public var tenant: TenantView
    public var token: String
}

/// The tenants: creating them, finding the one a caller may see, their quotas and rates.
final class Tenants: Sendable {
    let repository: any TenantRepository
    let configuration: ServiceConfiguration
    /// For the From address a tenant's display name goes with.
    let composer: MailComposer
    let clock: any WallClock
    let metrics: ServiceMetrics
    /// The tenants' rate quotas.
    let rates = RateLimiter()

    init(repository: any TenantRepository, configuration: ServiceConfiguration, composer: MailComposer, clock: any WallClock,
         metrics: ServiceMetrics) {
        self.repository = repository
        self.configuration = configuration
        self.composer = composer
        self.clock = clock
        self.metrics = metrics
    }

    /// Creates a tenant and its first API token (`token`, or a new random one).
    /// - Throws: ``ServiceError`` `.invalid` naming the field, `.conflict` when the id is taken.
    func create(_ r: TenantRequest, actor: String, token: String = SecretBox.newToken()) async throws -> TenantCreated {
        let name = r.name.trimmingCharacters(in: .whitespaces)
        try Validate.line(name, field: "name", max: 200)
        let id = r.id ?? Self.slug(name)
        guard (2...40).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
              id.first != "-" else {
            throw ServiceError(.invalid, field: "id", "must be 2 to 40 lower-case letters, digits and dashes")
        }
        let now = clock.now
        var tenant = Tenant(id: id, name: name, locale: "en", timeZone: "UTC", plan: .free, createdAt: now)
        try apply(TenantUpdate(locale: r.locale, timezone: r.timezone, plan: r.plan, admin_email: r.admin_email, branding: r.branding),
                  to: &tenant, clearing: false)
        do {
            try await repository.createTenant(tenant, token: APIToken(hash: SecretBox.tokenHash(token), tenantID: id, name: "first", createdAt: now),
                                              actor: actor, now: now)
        } catch let error as StoreError where error.code == .invalidInput {
            throw ServiceError(.conflict, field: "id", error.message)
        }
        return TenantCreated(tenant: TenantView(tenant), token: token)
    }

    /// Changes what `changes` names of a tenant (audited).
    /// - Throws: ``ServiceError`` `.invalid` naming the field, `.notFound` for an unknown tenant.
    func update(_ tenant: Tenant, with changes: TenantUpdate, actor: String) async throws -> TenantView {
        var changed = tenant
        try apply(changes, to: &changed)
        guard try await repository.updateTenant(changed, actor: actor, now: clock.now),
              let stored = try await repository.tenant(tenant.id) else {
            throw ServiceError(.notFound, field: "tenant", "no tenant \"\(tenant.id)\"")
        }
        return TenantView(stored)
    }

    /// A page of tenants by id, those whose id or name contains `search` when given.
    func list(search: String?, after: String?, limit: Int) async throws -> [TenantView] {
        try await repository.tenants(search: search, after: after, limit: limit).map(TenantView.init)
    }

    /// Checks the fields `changes` gives and sets them on `tenant`; with `clearing`, an empty
    /// string clears an optional one (admin address, colour, footer, From name, logo), else it is
    /// checked like any value.
    /// - Throws: ``ServiceError`` `.invalid` naming the first wrong field.
    func apply(_ changes: TenantUpdate, to tenant: inout Tenant, clearing: Bool = true) throws {
        if let name = changes.name {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            try Validate.line(trimmed, field: "name", max: 200)
            tenant.name = trimmed
        }
        if let locale = changes.locale {
            guard supportedLocales.contains(locale) else {
                throw ServiceError(.invalid, field: "locale", "\"\(locale)\" is not a locale Herald writes; use de or en")
            }
            tenant.locale = locale
        }
        if let zone = changes.timezone {
            guard (try? CronZone(identifier: zone)) != nil else {
                throw ServiceError(.invalid, field: "timezone", "\"\(zone)\" is not an IANA time zone; use a name like Europe/Berlin")
            }
            tenant.timeZone = zone
        }
        if let planName = changes.plan {
            guard let plan = Plan(rawValue: planName) else {
                throw ServiceError(.invalid, field: "plan", "\"\(planName)\" is not a plan; use free, pro or enterprise")
            }
            tenant.plan = plan
        }
        if let admin = changes.admin_email {
            if !admin.isEmpty || !clearing { _ = try Validate.address(admin, field: "admin_email") }
            tenant.adminEmail = admin.isEmpty ? nil : admin
        }
        guard let b = changes.branding else { return }
        if let color = b.color {
            if !color.isEmpty || !clearing, !(color.count == 7 && color.first == "#" && color.dropFirst().allSatisfy(\.isHexDigit)) {
                throw ServiceError(.invalid, field: "branding.color", "must be a colour like #0a7ea4")
            }
            tenant.brandColor = color.isEmpty ? nil : color
        }
        if let footer = b.footer {
            try Validate.line(footer, field: "branding.footer", max: 500, allowEmpty: true)
            tenant.footer = footer.isEmpty && clearing ? nil : footer
        }
        if let fromName = b.from_name {
            if !fromName.isEmpty || !clearing {
                try Validate.line(fromName, field: "branding.from_name", max: 100)
                do { _ = try Mailbox(displayName: fromName, address: composer.from.address, field: "branding.from_name") } catch let error as MailError {
                    throw ServiceError(.invalid, field: "branding.from_name", error.message)
                }
            }
            tenant.fromName = fromName.isEmpty ? nil : fromName
        }
        if let text = b.logo_png {
            if text.isEmpty && clearing {
                tenant.logo = nil
            } else {
                guard let data = Data(base64Encoded: text), data.starts(with: [0x89, 0x50, 0x4E, 0x47]), data.count <= 512 * 1024 else {
                    throw ServiceError(.invalid, field: "branding.logo_png", "must be a base64 PNG of at most 512 KiB")
                }
                tenant.logo = data
            }
        }
    }

    /// The tenant a caller may see: any for the admin, only its own for a tenant token; an
    /// unknown tenant and someone else's look the same.
    /// - Throws: ``ServiceError`` `.notFound`.
    func tenant(_ id: String, for principal: Principal) async throws -> Tenant {
        if case .tenant(let own) = principal, own != id {
            throw ServiceError(.notFound, field: "tenant", "no tenant \"\(id)\"")
        }
        guard let tenant = try await repository.tenant(id) else { throw ServiceError(.notFound, field: "tenant", "no tenant \"\(id)\"") }
        return tenant
    }

    /// A tenant id made from its name: lower case, German letters spelt out (ä → ae, ß → ss),
    /// other accents dropped, every run of anything else one dash, at most 40 characters
    /// (`Müller & Söhne KG` → `mueller-soehne-kg`).
    static func slug(_ name: String) -> String {
        var text = name.lowercased()
        for (letter, spelt) in [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("ø", "oe")] {
            text = text.replacingOccurrences(of: letter, with: spelt)
        }
        text = text.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        var slug = ""
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber) {
                slug.append(character)
            } else if !slug.isEmpty && slug.last != "-" {
                slug.append("-")
            }
        }
        if slug.count > 40 {
            slug = String(slug.prefix(40))
            // Cut at the last whole word when there is one.
            if let dash = slug.lastIndex(of: "-"), slug.distance(from: slug.startIndex, to: dash) >= 2 { slug = String(slug[..<dash]) }
        }
        return slug.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    /// The tenant token with this hash, noting its use (at most once a minute); nil for an
    /// unknown one.
    /// - Throws: ``ServiceError`` `.unauthorized` for an expired token.
    func token(hash: String) async throws -> APIToken? {
        guard let token = try await repository.token(hash: hash) else { return nil }
        let now = clock.now
        if let expiry = token.expiresAt, expiry <= now {
            throw ServiceError(.unauthorized, field: "Authorization",
                               "the token \(token.id) expired at \(Formats.iso(expiry)); ask the tenant's admin or the platform admin for a new one")
        }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            let repository = repository
            // Noted in the background: the request does not wait for it.
            Task { try? await repository.touchToken(hash: hash, at: now) }
        }
        return token
    }

    // MARK: Tokens

    /// The most tokens one tenant may have.
    static let maxTokens = 50

    /// Makes a token for a tenant; its secret is in the answer only.
    /// - Throws: ``ServiceError`` `.invalid` naming the field.
    func createToken(_ request: TokenRequest, tenant: Tenant, actor: String) async throws -> TokenCreated {
        let name = request.name.trimmingCharacters(in: .whitespaces)
        try Validate.line(name, field: "name", max: 100)
        let scopeName = request.scope ?? TokenScope.tenant.rawValue
        guard let scope = TokenScope(rawValue: scopeName) else {
            throw ServiceError(.invalid, field: "scope", "\"\(scopeName)\" is not a scope; use \(TokenScope.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let now = clock.now
        if let expiry = request.expires_at, expiry <= now {
            throw ServiceError(.invalid, field: "expires_at", "is not in the future; give an instant after \(Formats.iso(now))")
        }
        guard try await repository.tokens(tenantID: tenant.id).count < Self.maxTokens else {
            throw ServiceError(.invalid, field: "tokens", "the tenant has \(Self.maxTokens) tokens, the most it may have; revoke one first")
        }
        let secret = SecretBox.newToken()
        let token = APIToken(hash: SecretBox.tokenHash(secret), tenantID: tenant.id, name: name, createdAt: now, scope: scope,
                             expiresAt: request.expires_at)
        try await repository.addToken(token, actor: actor, now: now)
        return TokenCreated(TokenView(token), token: secret)
    }

    /// A tenant's tokens, without their secrets.
    func tokens(of tenant: Tenant) async throws -> [TokenView] {
        try await repository.tokens(tenantID: tenant.id).map(TokenView.init)
    }

    /// Revokes a tenant's token: refused from the next request on.
    /// - Throws: ``ServiceError`` `.notFound`.
    func revokeToken(_ id: String, tenant: Tenant, actor: String) async throws {
        guard try await repository.revokeToken(id: id, tenantID: tenant.id, replacement: nil, actor: actor, now: clock.now) else {
            throw ServiceError(.notFound, field: "token", "no token \"\(id)\"")
        }
    }

    /// Replaces a tenant's token by a new one with the same name, scope and expiry; the old one
    /// is refused from the next request on.
    /// - Throws: ``ServiceError`` `.notFound`.
    func rotateToken(_ id: String, tenant: Tenant, actor: String) async throws -> TokenCreated {
        guard let old = try await repository.tokens(tenantID: tenant.id).first(where: { $0.id == id }) else {
            throw ServiceError(.notFound, field: "token", "no token \"\(id)\"")
        }
        let secret = SecretBox.newToken()
        let now = clock.now
        let token = APIToken(hash: SecretBox.tokenHash(secret), tenantID: tenant.id, name: old.name, createdAt: now, scope: old.scope,
                             expiresAt: old.expiresAt)
        guard try await repository.revokeToken(id: id, tenantID: tenant.id, replacement: token, actor: actor, now: now) else {
            throw ServiceError(.notFound, field: "token", "no token \"\(id)\"")
        }
        return TokenCreated(TokenView(token), token: secret)
    }

    // MARK: Quotas

    /// The quotas of `tenant` with the plan and the overrides they come from.
    func quotaView(of tenant: Tenant) -> QuotaView {
        let overrides = tenant.quotas.flatMap { try? JSONDecoder().decode(QuotaOverrides.self, from: Data($0.utf8)) } ?? QuotaOverrides()
        return QuotaView(quotas: quotas(of: tenant), plan: tenant.plan.rawValue, overrides: overrides.values)
    }

    /// Replaces the admin's overrides of a tenant's quotas (`{}` goes back to the plan's defaults); audited.
    /// - Throws: ``ServiceError`` `.invalid` naming a quota that does not exist or a value out of range.
    func setQuotas(_ overrides: QuotaOverrides, of tenant: Tenant, actor: String) async throws -> QuotaView {
        try overrides.validate()
        let json = overrides.values.isEmpty ? nil : String(decoding: try JSONEncoder.api.encode(overrides), as: UTF8.self)
        guard try await repository.setTenantQuotas(tenant.id, quotas: json, actor: actor, now: clock.now),
              let updated = try await repository.tenant(tenant.id) else {
            throw ServiceError(.notFound, field: "tenant", "no tenant \"\(tenant.id)\"")
        }
        return quotaView(of: updated)
    }

    /// The quotas in force for `tenant`: its plan's defaults with the admin's overrides.
    func quotas(of tenant: Tenant) -> Quotas {
        let defaults = configuration.quotas.defaults(for: tenant.plan)
        guard let json = tenant.quotas, let overrides = try? JSONDecoder().decode(QuotaOverrides.self, from: Data(json.utf8)) else {
            return defaults
        }
        return defaults.applying(overrides)
    }

    /// Takes one of the tenant's `limit` (a rate quota per `period`).
    /// - Throws: ``ServiceError`` `.rateLimited` (429) with `Retry-After` when the rate is used up.
    func takeRate(_ limit: String, period: TimeInterval, of tenant: Tenant, what: String) throws {
        let allowance = quotas(of: tenant)[limit]
        guard let wait = rates.take(tenant: tenant.id, limit: limit, allowance: allowance, period: period, now: clock.now) else { return }
        metrics.recordRefusal(tenant: tenant.id, limit: limit)
        let per = period >= 3600 ? "hour" : "minute"
        throw ServiceError(.rateLimited, field: limit,
                           "the tenant's quota of \(allowance) \(what) per \(per) is used up; try again in \(wait) s or ask the platform admin for a higher quota",
                           retryAfter: wait)
    }

    /// Refuses a count past the tenant's quota `limit`.
    /// - Throws: ``ServiceError`` `.invalid` (422) naming `field`, the quota and its value.
    func requireCount(_ count: Int, within limit: String, of tenant: Tenant, field: String, what: String) throws {
        let allowed = quotas(of: tenant)[limit]
        guard count > allowed else { return }
        metrics.recordRefusal(tenant: tenant.id, limit: limit)
        throw ServiceError(.invalid, field: field,
                           "\(what): \(count) is above the tenant's quota \(limit) = \(allowed); ask the platform admin for a higher quota")
    }
}
