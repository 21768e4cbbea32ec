import Foundation
import GRDB

// MARK: - Tenants, tokens, templates, settings

extension Store {
    /// Creates a tenant with its first API token (by hash) and audits it, in one transaction.
    /// - Throws: ``StoreError`` `.invalidInput` when the id is taken.
    public func createTenant(_ tenant: Tenant, token: APIToken, actor: String, now: Date) async throws {
        try await write { db in
            guard try Tenant.fetchOne(db, key: tenant.id) == nil else {
                throw StoreError(.invalidInput, "id: a tenant \"\(tenant.id)\" exists already; choose another id")
            }
            try tenant.insert(db)
            try token.insert(db)
            var audit = AuditEntry(at: now, actor: actor, action: "tenant.created", tenantID: tenant.id,
                                   subject: "tenant:\(tenant.id)", detail: "tenant \(tenant.name) created (plan \(tenant.plan))")
            try audit.insert(db)
        }
    }

    /// A tenant, or nil.
    public func tenant(_ id: String) async throws -> Tenant? {
        try await read { db in try Tenant.fetchOne(db, key: id) }
    }

    /// Replaces a tenant's quota overrides (JSON, nil for the plan's defaults) and audits it.
    /// - Returns: false when there is no such tenant.
    public func setTenantQuotas(_ id: String, quotas: String?, actor: String, now: Date) async throws -> Bool {
        try await write { db in
            guard var tenant = try Tenant.fetchOne(db, key: id) else { return false }
            tenant.quotas = quotas
            try tenant.update(db)
            var audit = AuditEntry(at: now, actor: actor, action: "tenant.quotas", tenantID: id, subject: "tenant:\(id)",
                                   detail: quotas.map { "quotas set: \($0)" } ?? "quotas reset to the plan's defaults")
            try audit.insert(db)
            return true
        }
    }

    /// Tenants by id after `after`, at most `limit`, those whose id or name contains `search`
    /// (case-insensitive) when given.
    public func tenants(search: String?, after: String?, limit: Int) async throws -> [Tenant] {
        try await read { db in
            var request = Tenant.order(Tenant.Columns.id)
            if let after { request = request.filter(Tenant.Columns.id > after) }
            if let search, !search.isEmpty {
                let pattern = "%" + search.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                request = request.filter(sql: "(lower(id) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')", arguments: [pattern, pattern])
            }
            return try request.limit(max(1, min(limit, 500))).fetchAll(db)
        }
    }

    /// Replaces a tenant's settings (not its id, creation time or quotas) and audits what changed.
    /// - Returns: false when there is no such tenant.
    public func updateTenant(_ tenant: Tenant, actor: String, now: Date) async throws -> Bool {
        try await write { db in
            guard var stored = try Tenant.fetchOne(db, key: tenant.id) else { return false }
            let before = stored
            stored.name = tenant.name
            stored.locale = tenant.locale
            stored.timeZone = tenant.timeZone
            stored.plan = tenant.plan
            stored.brandColor = tenant.brandColor
            stored.footer = tenant.footer
            stored.fromName = tenant.fromName
            stored.adminEmail = tenant.adminEmail
            stored.logo = tenant.logo
            var changed: [String] = []
            if before.name != stored.name { changed.append("name") }
            if before.locale != stored.locale { changed.append("locale") }
            if before.timeZone != stored.timeZone { changed.append("timezone") }
            if before.plan != stored.plan { changed.append("plan \(before.plan.rawValue) → \(stored.plan.rawValue)") }
            if before.adminEmail != stored.adminEmail { changed.append("admin_email") }
            if before.brandColor != stored.brandColor || before.footer != stored.footer || before.fromName != stored.fromName
                || before.logo != stored.logo { changed.append("branding") }
            guard !changed.isEmpty else { return true }
            try stored.update(db)
            var audit = AuditEntry(at: now, actor: actor, action: "tenant.changed", tenantID: tenant.id, subject: "tenant:\(tenant.id)",
                                   detail: "changed: \(changed.joined(separator: ", "))")
            try audit.insert(db)
            return true
        }
    }

    /// All tenants, by id.
    public func tenants() async throws -> [Tenant] {
        try await read { db in try Tenant.order(Tenant.Columns.id).fetchAll(db) }
    }

    /// Adds a token to a tenant (audited; never the token itself).
    public func addToken(_ token: APIToken, actor: String, now: Date) async throws {
        try await write { db in
            try token.insert(db)
            var audit = AuditEntry(at: now, actor: actor, action: "token.created", tenantID: token.tenantID, subject: "token:\(token.id)",
                                   detail: "token \(token.name) created, scope \(token.scope.rawValue)"
                                       + (token.expiresAt.map { ", expires \($0.ISO8601Format())" } ?? ""))
            try audit.insert(db)
        }
    }

    /// A tenant's tokens, oldest first.
    public func tokens(tenantID: String) async throws -> [APIToken] {
        try await read { db in
            try APIToken.filter(APIToken.Columns.tenantID == tenantID).order(APIToken.Columns.createdAt, APIToken.Columns.hash).fetchAll(db)
        }
    }

    /// Removes one of a tenant's tokens by its public id, putting `replacement` in its place in
    /// the same transaction when given (a rotation); audited. False when there is no such token.
    public func revokeToken(id: String, tenantID: String, replacement: APIToken?, actor: String, now: Date) async throws -> Bool {
        try await write { db in
            guard id.hasPrefix("tok_"), id.count == 20 else { return false }
            let prefix = String(id.dropFirst(4))
            guard let token = try APIToken.filter(APIToken.Columns.tenantID == tenantID)
                .filter(sql: "substr(hash, 1, 16) = ?", arguments: [prefix]).fetchOne(db) else { return false }
            try token.delete(db)
            if let replacement { try replacement.insert(db) }
            var audit = AuditEntry(at: now, actor: actor, action: replacement == nil ? "token.revoked" : "token.rotated", tenantID: tenantID,
                                   subject: "token:\(id)",
                                   detail: replacement.map { "token \(token.name) replaced by \($0.id)" } ?? "token \(token.name) revoked")
            try audit.insert(db)
            return true
        }
    }

    /// Notes a token's use (the service does so at most once a minute per token).
    public func touchToken(hash: String, at: Date) async throws {
        try await bookkeepingWrite { db in
            try db.execute(sql: "UPDATE apiToken SET lastUsedAt = ? WHERE hash = ?", arguments: [at.stored, hash])
        }
    }

    /// The token with this hash, or nil.
    public func token(hash: String) async throws -> APIToken? {
        try await read { db in try APIToken.fetchOne(db, key: hash) }
    }

    /// A tenant's custom templates for a kind and locale, or nil.
    public func customTemplate(tenantID: String, kind: String, locale: String) async throws -> CustomTemplate? {
        try await read { db in try CustomTemplate.fetchOne(db, key: ["tenantID": tenantID, "kind": kind, "locale": locale]) }
    }

    /// Stores (replacing) a tenant's custom templates and audits it.
    public func saveCustomTemplate(_ template: CustomTemplate, actor: String, now: Date) async throws {
        try await write { db in
            try template.save(db)
            var audit = AuditEntry(at: now, actor: actor, action: "template.saved", tenantID: template.tenantID,
                                   subject: "template:\(template.kind)/\(template.locale)", detail: "custom templates saved")
            try audit.insert(db)
        }
    }

    /// Deletes a tenant's custom templates; false when there were none.
    public func deleteCustomTemplate(tenantID: String, kind: String, locale: String, actor: String, now: Date) async throws -> Bool {
        try await write { db in
            guard try CustomTemplate.deleteOne(db, key: ["tenantID": tenantID, "kind": kind, "locale": locale]) else { return false }
            var audit = AuditEntry(at: now, actor: actor, action: "template.deleted", tenantID: tenantID,
                                   subject: "template:\(kind)/\(locale)", detail: "custom templates deleted; defaults apply")
            try audit.insert(db)
            return true
        }
    }

    /// Stores a setting and audits the change (the value itself is not in the audit entry).
    public func setSetting(_ key: String, _ value: String, actor: String, now: Date) async throws {
        try await write { db in
            try Setting(key: key, value: value, updatedAt: now).save(db)
            var audit = AuditEntry(at: now, actor: actor, action: "settings.changed", subject: key, detail: "setting \(key) changed")
            try audit.insert(db)
        }
    }

    /// A setting's value, or nil.
    public func setting(_ key: String) async throws -> String? {
        try await read { db in try Setting.fetchOne(db, key: key)?.value }
    }
}
