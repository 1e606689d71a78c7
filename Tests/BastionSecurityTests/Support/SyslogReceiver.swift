import Foundation

/// A syslog receiver for tests: a UDP or unix datagram socket, or a TCP listener, on loopback or in
/// a scratch directory. Receives block for at most 5 s.
final class SyslogReceiver {
    enum Kind {
        case udp, tcp
        case unix(String)
    }

    let descriptor: Int32
    private(set) var port: UInt16 = 0
    private var connection: Int32 = -1
    private var buffered: [UInt8] = []

    init(_ kind: Kind) throws {
        switch kind {
        case .udp, .tcp:
            let isTCP = if case .tcp = kind { true } else { false }
            descriptor = socket(AF_INET, Int32(isTCP ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
                }
            }
            guard bound, !isTCP || listen(descriptor, 4) == 0 else { throw CocoaError(.fileWriteUnknown) }
            port = UInt16(bigEndian: address.sin_port)
        case .unix(let path):
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
                }
            }
            guard bound else { throw CocoaError(.fileWriteUnknown) }
        }
        Self.setTimeout(descriptor)
    }

    deinit {
        close(descriptor)
        if connection >= 0 { close(connection) }
    }

    /// The next datagram, or `nil` after 5 s.
    func datagram() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count < 0 ? nil : Array(buffer[..<count])
    }

    /// The next octet-counted TCP frame `LEN SP MSG`, as the length and the message.
    func frame() -> (length: Int, message: [UInt8])? {
        if connection < 0 {
            connection = accept(descriptor, nil, nil)
            guard connection >= 0 else { return nil }
            Self.setTimeout(connection)
        }
        while true {
            if let space = buffered.firstIndex(of: 0x20),
                let length = Int(String(decoding: buffered[..<space], as: UTF8.self)),
                buffered.count >= space + 1 + length
            {
                let message = Array(buffered[(space + 1)..<(space + 1 + length)])
                buffered.removeFirst(space + 1 + length)
                return (length, message)
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            buffered += chunk[..<count]
        }
    }

    private static func setTimeout(_ descriptor: Int32) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}
