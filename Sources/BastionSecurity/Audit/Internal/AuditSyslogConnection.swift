import BastionSystem

#if canImport(Glibc)
import Glibc
#endif

/// The sender thread's socket to the syslog receiver, (re)connected lazily.
///
/// Datagram sockets (unix, UDP) send one message per datagram; TCP frames each message with its
/// length (RFC 6587 octet counting). Every socket has a 1 s send timeout, and after a failed
/// connection no new attempt is made for a second (messages meanwhile count as dropped), so a dead
/// receiver cannot stall the thread for long.
struct AuditSyslogConnection: ~Copyable {
    private let destination: AuditSyslogDestination
    private var descriptor: Int32 = -1
    private var retryAfter: ContinuousClock.Instant?

    init(destination: AuditSyslogDestination) {
        self.destination = destination
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The largest message for this transport.
    var limit: Int {
        if case .tcp = destination { return AuditSyslogMessage.maxStreamBytes }
        return AuditSyslogMessage.maxDatagramBytes
    }

    /// Sends one message; returns whether it went out.
    mutating func send(_ message: [UInt8]) -> Bool {
        if descriptor < 0, !connect() { return false }
        var bytes = message
        if case .tcp = destination { bytes = AuditSyslogMessage.octetCounted(message) }
        let isSent = bytes.withUnsafeBytes { FileDescriptorIO.sendAll(descriptor, $0) } == nil
        if !isSent {
            close(descriptor)
            descriptor = -1
        }
        return isSent
    }

    private mutating func connect() -> Bool {
        if let retryAfter, ContinuousClock.now < retryAfter { return false }
        retryAfter = .now + .seconds(1)
        switch destination {
        case .unix(let path):
            descriptor = Self.connectUnix(path)
        case .udp(let host, let port):
            descriptor = Self.connectInet(host: host, port: port, type: SOCK_DGRAM)
        case .tcp(let host, let port):
            descriptor = Self.connectInet(host: host, port: port, type: SOCK_STREAM)
        }
        return descriptor >= 0
    }

    private static func connectUnix(_ path: String) -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return -1 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return configured(descriptor, isConnected: status == 0)
    }

    private static func connectInet(host: String, port: UInt16, type: __socket_type) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(type.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return -1 }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            let info = current.pointee
            let descriptor = socket(info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.ai_protocol)
            if descriptor >= 0 {
                setTimeout(descriptor)
                if Glibc.connect(descriptor, info.ai_addr, info.ai_addrlen) == 0 { return descriptor }
                close(descriptor)
            }
            entry = info.ai_next
        }
        return -1
    }

    private static func configured(_ descriptor: Int32, isConnected: Bool) -> Int32 {
        guard isConnected else {
            close(descriptor)
            return -1
        }
        setTimeout(descriptor)
        return descriptor
    }

    private static func setTimeout(_ descriptor: Int32) {
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }
}
