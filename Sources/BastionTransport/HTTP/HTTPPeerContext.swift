public import Hummingbird
public import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// Hummingbird's per-request context, with the connection's channel: where the transport finds
/// what the peer proved below HTTP (its TLS client certificate) and its address.
public struct HTTPPeerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection (for HTTP/2, the stream; its parent is the connection).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.channel = source.channel
    }

    /// The subject of the client certificate the TLS handshake verified (mutual TLS), most
    /// specific attribute first as RFC 4514 writes it (`CN=claude,O=Example`); `nil` without one.
    func peerCertificateSubject() async -> String? {
        await Self.peerCertificateSubject(of: channel)
    }

    /// The verified client certificate's subject of `channel`'s connection.
    static func peerCertificateSubject(of channel: any Channel) async -> String? {
        // HTTP/1.1: the TLS handler is on this channel; HTTP/2: on the stream's parent.
        for candidate in [channel, channel.parent].compactMap({ $0 }) {
            guard let certificate = try? await candidate.nioSSL_peerCertificate().get() else { continue }
            guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else {
                return nil
            }
            return String(describing: parsed.subject)
        }
        return nil
    }
}
