import Crypto
import Foundation

/// The service's keyed secrets: API tokens (only their SHA-256 is stored), the SMTP password at
/// rest (AES-GCM) and 2FA codes (HMAC-SHA-256, so a stolen database does not reveal them).
public struct SecretBox: Sendable {
    /// The key's bytes; a `SymmetricKey` is made per use because it is not `Sendable`.
    let keyData: Data
    var key: SymmetricKey { SymmetricKey(data: keyData) }

    /// Uses `keyData` (32 bytes) as the key.
    public init(keyData: Data) throws {
        guard keyData.count == 32 else {
            throw ServiceError(.configuration, field: "secretKey",
                               "the secret key must be 32 bytes (base64 in HERALD_SECRET_KEY, or raw in the key file); make one with `head -c 32 /dev/urandom | base64`")
        }
        self.keyData = keyData
    }

    /// The key from `HERALD_SECRET_KEY` (base64) or else from `file`, which is created with mode 0600
    /// and 32 random bytes when missing.
    /// - Throws: ``ServiceError`` naming the variable or file and the remedy.
    public static func load(environment: [String: String], file: String) throws -> SecretBox {
        if let text = environment["HERALD_SECRET_KEY"], !text.isEmpty {
            guard let data = Data(base64Encoded: text) else {
                throw ServiceError(.configuration, field: "HERALD_SECRET_KEY", "is not base64; make one with `head -c 32 /dev/urandom | base64`")
            }
            return try SecretBox(keyData: data)
        }
        if let data = FileManager.default.contents(atPath: file) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
                throw ServiceError(.configuration, field: "secretKeyFile",
                                   "\(file) is readable by others (mode \(String(mode, radix: 8))); run `chmod 600 \(file)`")
            }
            return try SecretBox(keyData: data)
        }
        let data = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
        guard SecretFile.write(data, to: file) else {
            throw ServiceError(.configuration, field: "secretKeyFile", "cannot create \(file); check the directory's permissions or set HERALD_SECRET_KEY")
        }
        return try SecretBox(keyData: data)
    }

    /// Encrypts `text`; the result is base64 of nonce, ciphertext and tag.
    public func seal(_ text: String) throws -> String {
        try AES.GCM.seal(Data(text.utf8), using: key).combined!.base64EncodedString()
    }

    /// Decrypts what ``seal(_:)`` made.
    /// - Throws: ``ServiceError`` when the key is not the one it was sealed with.
    public func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key) else {
            throw ServiceError(.configuration, field: "smtp.password",
                               "the stored SMTP password cannot be decrypted with this secret key; set the key it was stored with, or store the password again")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    /// HMAC-SHA-256 of a 2FA code, bound to its challenge id.
    public func codeHash(_ code: String, challenge: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("\(challenge):\(code)".utf8), using: key))
    }

    /// Compares two MACs in constant time.
    public static func equal(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// A new API token: `hrd_` and 32 random bytes, base64url.
    public static func newToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return "hrd_" + bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The hex SHA-256 under which a token is stored and looked up.
    public static func tokenHash(_ token: String) -> String {
        hex(SHA256.hash(data: Data(token.utf8)))
    }

    /// Lower-case hex of `bytes`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// A uniformly random six-digit code from the system's CSPRNG.
    public static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", UInt32.random(in: 0..<1_000_000, using: &generator))
    }
}

/// Files only their owner may read: the secret key and the token files.
public enum SecretFile {
    /// Writes `data` to `path` created with mode 0600 from the start (no moment in which the
    /// file is readable by others), replacing what was there; makes the directory when missing.
    /// - Returns: false when the file cannot be written.
    public static func write(_ data: Data, to path: String) -> Bool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // An existing file keeps its mode through O_TRUNC: make it 0600 as well.
        guard fchmod(fd, 0o600) == 0 else { return false }
        return data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
    }
}

