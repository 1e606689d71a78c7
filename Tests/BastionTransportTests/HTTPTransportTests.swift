import BastionProtocol
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@testable import BastionTransport

#if canImport(Glibc)
import Glibc
#endif

/// The listener as a service (HTTPTransport.swift): bound on a free port, serving, stopped by
/// its group's graceful shutdown.
struct HTTPTransportTests {
    @Test(arguments: [
        ("127.0.0.1", 8765, false, "http://127.0.0.1:8765/mcp"), ("::1", 1, true, "https://[::1]:1/mcp"),
        ("localhost", 80, false, "http://localhost:80/mcp"),
    ])
    func theURLIsThatOfMCP(host: String, port: Int, tls: Bool, url: String) {
        #expect(HTTPTransport<FakeHTTPServer>.url(host: host, port: port, tls: tls) == url)
    }

    @Test func portZeroBindsAFreePortItAnnouncesAndServes() async throws {
        let announced = AsyncStream.makeStream(of: String.self)
        let transport = HTTPTransport(
            server: FakeHTTPServer(),
            settings: HTTPTransportSettings(port: 0),
            logger: TestSession.logger
        ) { url in announced.continuation.yield(url) }
        let group = ServiceGroup(services: [transport], logger: TestSession.logger)
        let running = Task { try await group.run() }
        var urls = announced.stream.makeAsyncIterator()
        let url = try #require(await urls.next())
        #expect(url.hasPrefix("http://127.0.0.1:"))
        #expect(url.hasSuffix("/mcp"))
        let port = try #require(Int(url.dropFirst("http://127.0.0.1:".count).dropLast("/mcp".count)))
        #expect(port > 0)
        let answer = try Self.exchange(
            port: port,
            "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        #expect(answer.hasSuffix(#"{"status":"ok"}"#))
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// Sends `request` on a new loopback TCP connection and reads until the server closes it.
    static func exchange(port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let connected = address.withSockAddr { connect(fd, $0, socklen_t($1)) }
        #expect(connected == 0)
        let bytes = Array(request.utf8)
        #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            received += chunk[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
