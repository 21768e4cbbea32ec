import CCurl
import Foundation

/// libcurl's global state, initialised once before the first handle (curl_global_init is not
/// safe to race with other libcurl calls).
private let curlGlobal: Void = {
    curl_global_init(Int(CURL_GLOBAL_ALL))
}()

/// Owns one libcurl easy handle and the buffers libcurl points into.
///
/// Not thread-safe: one ``SMTPConnection`` uses it from one thread at a time.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    /// libcurl writes its detailed error text here (CURLOPT_ERRORBUFFER needs CURL_ERROR_SIZE bytes).
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws {
        _ = curlGlobal
        guard let handle = curl_easy_init() else {
            throw SMTPError(.transport, .temporary, "libcurl could not create a handle (out of memory?)")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
    }

    deinit {
        // Cleanup closes the connection (for SMTP, SMTPConnection has said QUIT itself before).
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    var errorText: String { String(cString: errorBuffer) }

    func clearError() { errorBuffer[0] = 0 }

    @discardableResult
    func set(_ option: CURLoption, _ value: Int) -> CURLcode {
        herald_curl_setopt_long(handle, option, value)
    }

    @discardableResult
    func set(_ option: CURLoption, _ value: String?) -> CURLcode {
        guard let value else { return herald_curl_setopt_pointer(handle, option, nil) }
        // libcurl copies string options (since 7.17), so the temporary C string may go.
        return value.withCString { herald_curl_setopt_pointer(handle, option, $0) }
    }

    @discardableResult
    func set(_ option: CURLoption, pointer: UnsafeRawPointer?) -> CURLcode {
        herald_curl_setopt_pointer(handle, option, pointer)
    }

    @discardableResult
    func set(_ option: CURLoption, offset: Int64) -> CURLcode {
        herald_curl_setopt_offset(handle, option, curl_off_t(offset))
    }

    func info(_ info: CURLINFO) -> Int {
        var value = 0
        herald_curl_getinfo_long(handle, info, &value)
        return value
    }

    func perform() -> CURLcode {
        clearError()
        return curl_easy_perform(handle)
    }
}
