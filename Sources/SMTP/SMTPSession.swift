import Dispatch
import Mail

/// An SMTP session that sends messages one after the other over one connection, from async code.
///
/// libcurl blocks, so every transfer runs on the session's own serial dispatch queue, never on
/// Swift's cooperative thread pool. A batch goes over one connection (one TLS handshake, one
/// AUTH) while the server allows it; after a failure the next message opens a fresh connection.
public final class SMTPSession: @unchecked Sendable {
    // @unchecked: `connection` is only touched from `queue`, which is serial.
    private let queue: DispatchQueue
    private let connection: SMTPConnection

    /// Prepares a session; nothing is connected until the first message.
    /// - Parameter keepTranscript: keep the whole conversation across messages (for diagnostics);
    ///   otherwise each report carries only its own message's part.
    /// - Throws: ``SMTPError`` with code ``SMTPError/Code/invalidSettings`` for unusable settings.
    public init(settings: SMTPSettings, keepTranscript: Bool = false) throws {
        connection = try SMTPConnection(settings: settings, keepTranscript: keepTranscript)
        queue = DispatchQueue(label: "herald.smtp.\(settings.host)")
    }

    deinit {
        let connection = self.connection
        queue.async { connection.close() }
    }

    /// Runs `body` with a new session and closes it (QUIT) afterwards, also when `body` throws.
    public static func with<T: Sendable>(_ settings: SMTPSettings,
                                         _ body: (SMTPSession) async throws -> T) async throws -> T {
        let session = try SMTPSession(settings: settings)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    /// Sends `message` and returns one outcome per recipient.
    /// - Throws: ``SMTPError`` when the failure precedes the recipients (connect, TLS, AUTH,
    ///   SIZE, MAIL FROM); later failures are per recipient in the report.
    public func send(_ message: EncodedMessage) async throws -> DeliveryReport {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [connection] in
                continuation.resume(with: Result { try connection.send(message) })
            }
        }
    }

    /// Sends `messages` one after the other over the session's connection, in one hop to the
    /// session's queue (cheaper than one ``send(_:)`` per message for a run of mails).
    /// - Returns: one result per message, in order: the report, or the ``SMTPError`` that
    ///   stopped the message before its recipients. A failed message does not stop the batch;
    ///   the next one opens a fresh connection.
    public func send(batch messages: [EncodedMessage]) async -> [Result<DeliveryReport, SMTPError>] {
        await withCheckedContinuation { continuation in
            queue.async { [connection] in
                continuation.resume(returning: messages.map { message -> Result<DeliveryReport, SMTPError> in
                    do {
                        return .success(try connection.send(message))
                    } catch let error as SMTPError {
                        return .failure(error)
                    } catch {
                        return .failure(SMTPError(.transport, .temporary, "\(error)"))
                    }
                })
            }
        }
    }

    /// Ends the session with QUIT. The next message opens a new connection.
    public func close() async {
        await withCheckedContinuation { continuation in
            queue.async { [connection] in
                connection.close()
                continuation.resume()
            }
        }
    }

    /// How many connections this session has opened so far.
    public var connectionsOpened: Int {
        get async {
            await withCheckedContinuation { continuation in
                queue.async { [connection] in continuation.resume(returning: connection.connectionsOpened) }
            }
        }
    }

    /// Runs `body` on the session's queue with the connection (for diagnostics).
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (SMTPConnection) -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { [connection] in continuation.resume(returning: body(connection)) }
        }
    }
}
