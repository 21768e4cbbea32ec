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
    private var recipientList: UnsafeMutablePointer<curl_slist>?

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
        // Cleanup sends QUIT on a connection that is still open.
        curl_easy_cleanup(handle)
        if let list = recipientList { curl_slist_free_all(list) }
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

    /// Sets CURLOPT_MAIL_RCPT; the list lives until replaced or the handle goes.
    func setRecipients(_ recipients: [String]?) {
        herald_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
        if let list = recipientList { curl_slist_free_all(list) }
        recipientList = nil
        guard let recipients else { return }
        for r in recipients { recipientList = curl_slist_append(recipientList, "<\(r)>") }
        herald_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipientList)
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
