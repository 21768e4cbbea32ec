import Foundation
import Reports

extension JSONDecoder {
    /// How the API reads JSON: instants in ISO 8601 (with or without fractional seconds).
    static var api: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = ReportFormat.parseISO(text) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not an ISO 8601 instant like 2026-11-25T08:00:00Z")
        }
        return decoder
    }
}

extension JSONEncoder {
    /// How the API writes JSON: ISO 8601 instants in UTC, keys sorted (stable output).
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Formats.iso(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

