import Foundation

/// A real SMTP server for a test: aiosmtpd (Tests/Peers/smtp_peer.py) on 127.0.0.1 and a free port.
///
/// The server runs until ``stop()`` or until this object goes: its standard input is a pipe
/// from the test process, and it exits when that closes, so no peer outlives its test.
public final class SMTPPeer: @unchecked Sendable {
    // @unchecked: the process handles are set in init and only read afterwards.
    public let port: Int
    public let spool: URL
    private let process: Process
    private let input: Pipe

    /// What the peer recorded about one accepted message.
    public struct Envelope: Decodable, Sendable {
        public let mail_from: String
        public let rcpt_tos: [String]
        public let mail_options: [String]
        public let tls: Bool
        public let auth: String?
        public let ehlo: String?
        public let connection: Int?
    }

    /// Starts the peer with smtp_peer.py's options, e.g. `["--tls", "starttls", "--auth", "u:p"]`.
    public init(_ options: [String] = []) throws {
        spool = FileManager.default.temporaryDirectory.appendingPathComponent("herald-peer-\(UUID().uuidString)")
        var arguments = ["smtp_peer.py", "--spool", spool.path] + options
        if options.contains("starttls") || options.contains("implicit") {
            let ca = try TestCA.shared()
            arguments += ["--cert", ca.serverCert, "--key", ca.serverKey]
        }
        (process, input, port) = try startPeer(arguments)
    }

    deinit { stop() }

    /// Stops the server and removes its spool.
    public func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: spool)
    }

    /// The accepted messages' bytes, in order of arrival.
    public var messages: [Data] {
        files("eml").compactMap { FileManager.default.contents(atPath: $0.path) }
    }

    /// The accepted messages' envelopes, in order of arrival.
    public var envelopes: [Envelope] {
        files("json").compactMap { url in
            FileManager.default.contents(atPath: url.path).flatMap { try? JSONDecoder().decode(Envelope.self, from: $0) }
        }
    }

    /// TCP connections the server has accepted so far.
    public var connections: Int {
        guard let data = FileManager.default.contents(atPath: spool.appendingPathComponent("connections").path) else { return 0 }
        return Int(String(decoding: data, as: UTF8.self)) ?? 0
    }

    private func files(_ ext: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { spool.appendingPathComponent($0) }
    }
}

/// A throw-away CA and a server certificate for localhost / 127.0.0.1, made once per test run.
public struct TestCA: Sendable {
    public let caCert: String
    public let serverCert: String
    public let serverKey: String

    private static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-ca-\(getpid())")

    private static let made: Result<TestCA, NSError> = {
        let dir = directory
        // The CA lives as long as the test process; it goes with it.
        atexit { try? FileManager.default.removeItem(at: TestCA.directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Python.peers.appendingPathComponent("make_test_ca.sh").path, dir.path]
        do {
            try process.run()
            process.waitUntilExit()
        } catch {
            return .failure(error as NSError)
        }
        guard process.terminationStatus == 0 else {
            return .failure(NSError(domain: "TestCA", code: Int(process.terminationStatus)))
        }
        return .success(TestCA(caCert: dir.appendingPathComponent("ca.pem").path,
                               serverCert: dir.appendingPathComponent("server.pem").path,
                               serverKey: dir.appendingPathComponent("server.key").path))
    }()

    /// The CA, created on first use.
    public static func shared() throws -> TestCA { try made.get() }
}

/// Postfix's smtp-sink on 127.0.0.1 and a free port: a real Postfix SMTP peer that accepts everything.
public final class SMTPSink: @unchecked Sendable {
    // @unchecked: the process handle is set in init and only read afterwards.
    public let port: Int
    private let process: Process

    /// Starts smtp-sink; `options` go before the address (e.g. `["-c"]`).
    public init(_ options: [String] = []) throws {
        port = try freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/smtp-sink")
        // smtp-sink refuses to run as root without a user to drop to.
        let user = getuid() == 0 ? ["-u", "nobody"] : []
        process.arguments = user + options + ["127.0.0.1:\(port)", "64"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if canConnect(port) { return }
            usleep(20_000)
        }
        if process.isRunning { process.terminate() }
        throw NSError(domain: "SMTPSink", code: 1, userInfo: [NSLocalizedDescriptionKey: "smtp-sink did not start"])
    }

    deinit {
        // No waitUntilExit: Foundation's version can spin on a child that already exited.
        if process.isRunning { process.terminate() }
    }
}

/// A TCP port that was free a moment ago.
public func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw NSError(domain: "freePort", code: Int(errno)) }
    return Int(UInt16(bigEndian: addr.sin_port))
}

func canConnect(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// Starts `python3 Tests/Peers/SCRIPT ARGS...`, which prints `READY <port>` once it listens and
/// exits when its standard input (the returned pipe) closes.
func startPeer(_ arguments: [String]) throws -> (Process, Pipe, Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", Python.peers.appendingPathComponent(arguments[0]).path] + arguments.dropFirst()
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw NSError(domain: "peer", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(arguments[0]) did not start: \(message)"])
        }
        line.append(chunk)
    }
    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) else {
        throw NSError(domain: "peer", code: 2, userInfo: [NSLocalizedDescriptionKey: "unexpected output of \(arguments[0]): \(text)"])
    }
    return (process, input, port)
}

/// An HTTP JSON data source (Tests/Peers/json_source.py) on 127.0.0.1: answers every GET with
/// `body`, and records each request's path and Authorization header.
public final class JSONSourcePeer: @unchecked Sendable {
    // @unchecked: the process handles are set in init and only read afterwards.
    public let port: Int
    private let dir: URL
    private let process: Process
    private let input: Pipe

    public struct Request: Decodable, Sendable {
        public let path: String
        public let authorization: String?
    }

    public init(body: Data, status: Int = 200) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("herald-source-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try body.write(to: dir.appendingPathComponent("body.json"))
        (process, input, port) = try startPeer(["json_source.py", dir.appendingPathComponent("body.json").path,
                                                dir.appendingPathComponent("requests.log").path, "--status", "\(status)"])
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }

    /// The requests received so far.
    public var requests: [Request] {
        let text = (try? String(contentsOf: dir.appendingPathComponent("requests.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }
}
