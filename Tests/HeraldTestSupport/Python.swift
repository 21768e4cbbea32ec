import Foundation

/// The package's root directory.
public let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs the Python helpers under Tests/Peers (real Python libraries as oracles).
public enum Python {
    public static let peers = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Peers")

    /// Runs `python3 script args...` and returns its stdout; fails on a non-zero exit.
    public static func run(_ script: String, _ arguments: [String], stdin: Data? = nil) throws -> Data {
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["python3", peers.appendingPathComponent(script).path] + arguments, stdin: stdin ?? Data())
        guard result.status == 0 else {
            throw NSError(domain: "python", code: Int(result.status),
                          userInfo: [NSLocalizedDescriptionKey: String(decoding: result.stderr, as: UTF8.self)])
        }
        return result.stdout
    }
}

/// Runs a program to its end and returns its exit status, stdout and stderr.
/// - Parameters:
///   - environment: added to (or replacing entries of) this process's environment.
///   - stdin: what the program reads; nothing (end of file at once) by default.
public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                       stdin: Data = Data()) throws -> (status: Int32, stdout: Data, stderr: Data) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    // Feed stdin on a thread of its own: a program that answers while it reads (a line per line)
    // would otherwise fill its stdout pipe while this thread still writes, and both would wait.
    let writer = input.fileHandleForWriting
    Thread.detachNewThread {
        writer.write(stdin)
        try? writer.close()
    }
    // Drain stderr on its own thread so a program that fills one pipe never blocks on the other.
    let errors = Drained(err.fileHandleForReading)
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.wait()
    process.waitUntilExit()
    return (process.terminationStatus, output, errorData)
}

/// Reads a pipe to its end on a thread of its own.
private final class Drained: @unchecked Sendable {
    // @unchecked: `data` is written once by the reading thread before `done` is signalled, and
    // read only after waiting for it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// Runs a program (a PDF tool, say) from /usr/bin and returns its exit status and its output
/// (stdout, then stderr).
public func runTool(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let result = try runProcess(URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/\(executable)"), arguments)
    return (result.status, String(decoding: result.stdout + result.stderr, as: UTF8.self))
}
