import BastionProtocol
import HTTPTypes
import Hummingbird
import NIOCore

/// The checks of a request's media types and body that every MCP endpoint makes before any
/// client is involved.
enum HTTPRequestChecks {
    /// 406 unless `Accept` lists both JSON and SSE (a wildcard counts).
    static func checkAccept(_ request: Request) throws(HTTPRefusal) {
        let accepted = request.headers[values: .accept].flatMap { $0.split(separator: ",") }.map {
            $0.split(separator: ";")[0].trimmingASCIIWhitespace().lowercased()
        }
        let json = accepted.contains { $0 == "application/json" || $0 == "application/*" || $0 == "*/*" }
        let sse = accepted.contains { $0 == ServerSentEvents.mediaType || $0 == "text/*" || $0 == "*/*" }
        guard json, sse else {
            throw HTTPRefusal(
                status: 406,
                code: JSONRPCError.invalidRequestCode,
                message: "the Accept header must list application/json and text/event-stream"
            )
        }
    }

    /// 415 unless the body is declared JSON.
    static func checkContentType(_ request: Request) throws(HTTPRefusal) {
        let type = request.headers[.contentType].map {
            $0.split(separator: ";")[0].trimmingASCIIWhitespace().lowercased()
        }
        guard type == "application/json" else {
            throw HTTPRefusal(
                status: 415,
                code: JSONRPCError.invalidRequestCode,
                message: "the Content-Type must be application/json"
            )
        }
    }

    /// The body, at most `limit` bytes (413 beyond, before reading it when its length is declared).
    static func collectBody(_ request: Request, limit: Int) async throws(HTTPRefusal) -> [UInt8] {
        let tooLarge = HTTPRefusal(
            status: 413,
            code: JSONRPCError.invalidRequestCode,
            message: "the body is larger than the server's limit of \(limit) bytes"
        )
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit { throw tooLarge }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        } catch {
            throw HTTPRefusal(status: 400, code: JSONRPCError.invalidRequestCode, message: "the body could not be read")
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingASCIIWhitespace() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
