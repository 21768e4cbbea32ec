import Foundation

/// How the connection to the SMTP server is protected.
public enum TLSMode: String, Sendable, CaseIterable {
    /// Plain connection upgraded with STARTTLS, which is required: never falls back to plain (port 587).
    case starttls
    /// TLS from the first byte (port 465).
    case implicit
    /// No TLS at all. Allowed, but warned about unless the host is a loopback address (port 25).
    case none
}

/// A secret string (password, API key, OAuth2 token) that never prints.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; read it only to hand it to the transport.
    public let value: String
    /// Wraps `value`.
    public init(_ value: String) { self.value = value }
    public var description: String { "[redacted]" }
    public var debugDescription: String { "[redacted]" }
}

/// Everything Herald needs to talk to one SMTP server.
public struct SMTPSettings: Sendable {
    /// Host name or IP address of the server.
    public var host: String
    /// TCP port; 587 for `starttls`, 465 for `implicit`, 25 for `none` by default.
    public var port: Int
    /// Connection protection; `starttls` by default.
    public var tls: TLSMode
    /// User name for AUTH, or nil for none.
    public var username: String?
    /// Password or API key for AUTH.
    public var password: Secret?
    /// OAuth2 bearer token (XOAUTH2 / OAUTHBEARER) used instead of a password, e.g. for Microsoft 365.
    public var oauth2Token: Secret?
    /// The name sent with EHLO; the machine's fully qualified name when nil.
    public var ehloName: String?
    /// Time allowed to connect, including the TLS handshake; 10 s by default.
    public var connectTimeout: Duration
    /// Time allowed for each server reply; 60 s by default.
    public var commandTimeout: Duration
    /// PEM file of CA certificates to trust instead of the system trust store.
    public var caFile: String?

    /// Creates settings. `port` defaults from `tls`.
    public init(host: String, port: Int? = nil, tls: TLSMode = .starttls, username: String? = nil,
                password: Secret? = nil, oauth2Token: Secret? = nil, ehloName: String? = nil,
                connectTimeout: Duration = .seconds(10), commandTimeout: Duration = .seconds(60),
                caFile: String? = nil) {
        self.host = host
        self.tls = tls
        self.port = port ?? Self.defaultPort(for: tls)
        self.username = username
        self.password = password
        self.oauth2Token = oauth2Token
        self.ehloName = ehloName
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.caFile = caFile
    }

    /// The usual port of a TLS mode.
    public static func defaultPort(for tls: TLSMode) -> Int {
        switch tls {
        case .starttls: 587
        case .implicit: 465
        case .none: 25
        }
    }

    /// Settings from a URL such as `smtp://mail.example.com:587` or `smtps://mail.example.com`.
    /// `smtps` means implicit TLS; `smtp` means `starttls` unless `tls` says otherwise.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidSettings`` for another scheme or a URL without host.
    public init(url: String, tls: TLSMode? = nil) throws {
        // A user or password in the URL is refused and never echoed: secrets go in through variables.
        if let components = URLComponents(string: url), components.user != nil || components.password != nil {
            throw SMTPError(.invalidSettings, .configuration,
                            "server: the URL holds a user or password; give smtp://HOST:PORT and the credentials with --user and --password-env")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else {
            throw SMTPError(.invalidSettings, .configuration,
                            "server: \"\(url.contains("@") ? "(a URL with @)" : url)\" is not a server URL; write smtp://HOST:PORT or smtps://HOST:PORT")
        }
        let mode: TLSMode
        switch (scheme, tls) {
        case ("smtps", nil), ("smtps", .implicit?): mode = .implicit
        case ("smtps", _):
            throw SMTPError(.invalidSettings, .configuration,
                            "server: smtps:// means implicit TLS but --tls says \(tls!.rawValue); use smtp:// for starttls or none")
        case ("smtp", let given): mode = given ?? .starttls
        default:
            throw SMTPError(.invalidSettings, .configuration,
                            "server: the scheme \"\(scheme)\" is not smtp or smtps; write smtp://HOST:PORT or smtps://HOST:PORT")
        }
        self.init(host: host, port: components.port, tls: mode)
    }

    /// True when `host` is a loopback name or address, where plain SMTP is acceptable.
    public var isLoopback: Bool {
        let h = host.lowercased()
        return h == "localhost" || h.hasPrefix("127.") || h == "::1" || h == "[::1]"
    }

    /// Checks what can be checked without the network.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidSettings`` naming the field.
    public func validate() throws {
        guard (1...65535).contains(port) else {
            throw SMTPError(.invalidSettings, .configuration, "port: \(port) is outside 1-65535")
        }
        if host.unicodeScalars.contains(where: { $0.value < 0x21 || $0 == "/" || $0 == "@" }) {
            throw SMTPError(.invalidSettings, .configuration,
                            "host: the host name contains spaces, control characters, \"/\" or \"@\"; give a plain host name")
        }
        if let name = ehloName, !Self.isValidEHLOName(name) || !name.unicodeScalars.allSatisfy(\.isASCII) {
            throw SMTPError(.invalidSettings, .configuration,
                            "ehlo: \"\(name)\" is not a host name or address literal; give a name like mail.example.com")
        }
        if username != nil && password == nil && oauth2Token == nil {
            throw SMTPError(.invalidSettings, .configuration,
                            "password: a user is set but no password or OAuth2 token; give --password-env or --oauth2-token-env")
        }
        for (name, secret) in [("password", password), ("oauth2 token", oauth2Token)] {
            if let s = secret?.value, s.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                throw SMTPError(.invalidSettings, .configuration,
                                "\(name): the value contains a line break or NUL; check the environment variable")
            }
        }
        if let user = username, user.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            throw SMTPError(.invalidSettings, .configuration, "user: the user name contains a line break or NUL")
        }
        if let ca = caFile, !FileManager.default.isReadableFile(atPath: ca) {
            throw SMTPError(.invalidSettings, .configuration, "ca-file: \(ca) does not exist or is not readable")
        }
    }

    /// Host name (letters, digits, hyphens, dots) or an address literal like `[192.0.2.1]`.
    static func isValidEHLOName(_ name: String) -> Bool {
        if name.hasPrefix("[") && name.hasSuffix("]") {
            return name.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" || $0.isLetter }
        }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return !name.isEmpty && name.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D }
        }
    }

    /// The machine's fully qualified domain name, from the resolver; the plain host name when
    /// that has no dot, and `localhost` if even that fails.
    public static func machineFQDN() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let hostname = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        defer { if let r = result { freeaddrinfo(r) } }
        if getaddrinfo(hostname, nil, &hints, &result) == 0, let canon = result?.pointee.ai_canonname {
            let name = String(cString: canon)
            if name.contains("."), isValidEHLOName(name) { return name }
        }
        return isValidEHLOName(hostname) ? hostname : "localhost"
    }
}
