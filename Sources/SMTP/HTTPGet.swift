import CCurl
import Foundation

/// An HTTP(S) GET over the same libcurl Herald's mail core uses, for report data sources (the
/// monitoring product's API). Lives here because this module is the one that owns libcurl.
public enum HTTPGet {
    /// What went wrong, for people: the URL's host, the cause and the remedy.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Fetches `url` and returns the body when the status is 2xx. Blocks the calling thread for
    /// the transfer: call it from a thread of the caller's own pool, never the cooperative pool.
    /// - Parameters:
    ///   - headers: request headers (`Name: value`); never logged, never in errors.
    ///   - maxBytes: a longer body is an error.
    /// - Throws: ``Failure`` naming the status or the transfer error.
    public static func fetch(_ url: String, headers: [String], timeout: Double, maxBytes: Int = 64 << 20) throws -> Data {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parsed.host, !host.isEmpty else {
            throw Failure(message: "\"\(url)\" is not an http(s) URL")
        }
        return try perform(url, host: host, headers: headers, timeout: timeout, maxBytes: maxBytes)
    }

    private final class Sink {
        var data = Data()
        var maxBytes: Int
        var tooLarge = false
        init(maxBytes: Int) { self.maxBytes = maxBytes }
    }

    private static func perform(_ url: String, host: String, headers: [String], timeout: Double, maxBytes: Int) throws -> Data {
        let easy = try CurlEasy()
        easy.set(CURLOPT_URL, url)
        easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        easy.set(CURLOPT_NOSIGNAL, 1)
        easy.set(CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout, 10) * 1000))
        easy.set(CURLOPT_FOLLOWLOCATION, 0)
        easy.set(CURLOPT_ACCEPT_ENCODING, "")
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers + ["Accept: application/json"] { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        herald_curl_setopt_slist(easy.handle, CURLOPT_HTTPHEADER, list)
        let sink = Sink(maxBytes: maxBytes)
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        easy.set(CURLOPT_WRITEDATA, pointer: box.toOpaque())
        herald_curl_setopt_io_callback(easy.handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, user in
            let sink = Unmanaged<Sink>.fromOpaque(user!).takeUnretainedValue()
            let length = size * count
            guard sink.data.count + length <= sink.maxBytes else {
                sink.tooLarge = true
                return 0
            }
            if let buffer { sink.data.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length) }
            return length
        }
        let code = easy.perform()
        if sink.tooLarge { throw Failure(message: "the answer from \(host) is larger than \(maxBytes / 1_048_576) MiB") }
        guard code == CURLE_OK else {
            let detail = easy.errorText.isEmpty ? String(cString: curl_easy_strerror(code)) : easy.errorText
            throw Failure(message: "cannot fetch from \(host): \(detail); check the URL, the network and the timeout")
        }
        let status = easy.info(CURLINFO_RESPONSE_CODE)
        guard (200..<300).contains(status) else {
            let remedy = status == 401 || status == 403 ? "check the data source's authorization" : "check the URL and the source's logs"
            throw Failure(message: "\(host) answered HTTP \(status); \(remedy)")
        }
        return sink.data
    }
}
