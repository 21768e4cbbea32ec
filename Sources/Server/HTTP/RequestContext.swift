import Hummingbird
import Store

/// Who is calling: the platform admin or one tenant.
public enum Principal: Sendable, Equatable {
    case admin
    case tenant(String)

    /// The name audit entries record.
    var actor: String {
        switch self {
        case .admin: "admin"
        case .tenant(let id): "tenant:\(id)"
        }
    }
}

/// The request context of Herald's API: the caller, once the auth middleware has found it.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthMiddleware`` for every `/api/v1` route.
    public var principal: Principal?
    /// A tenant token's scope (nil for the admin).
    public var scope: TokenScope?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The caller; routes behind the auth middleware always have one.
    func caller() throws -> Principal {
        guard let principal else { throw ServiceError(.unauthorized, field: "Authorization", "send Authorization: Bearer TOKEN") }
        return principal
    }

    /// Only the platform admin may go on.
    func requireAdmin() throws {
        guard try caller() == .admin else {
            throw ServiceError(.forbidden, field: "Authorization", "this route needs the platform admin's token")
        }
    }
}
