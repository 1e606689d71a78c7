public import NIOSSL

/// The listener's TLS (`tls_cert`, `tls_key`, `client_ca`): TLS 1.3 only, HTTP/2 or HTTP/1.1 by
/// ALPN, and with a client CA a client certificate that chains to it is required at the
/// handshake (mutual TLS) — a peer without one never reaches HTTP.
public struct HTTPTLSSettings: Sendable {
    /// The server certificate chain, PEM.
    public var certificateChainPath: String
    /// The server private key, PEM.
    public var privateKeyPath: String
    /// The CA bundle client certificates must chain to, PEM; `nil`: no client certificate asked.
    public var clientCAPath: String?

    /// Creates TLS settings.
    public init(certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
    }

    /// Whether a client certificate is required (mutual TLS).
    public var isMutual: Bool { clientCAPath != nil }

    /// The swift-nio-ssl configuration: TLS 1.3 and nothing below it.
    /// - Throws: ``HTTPTLSError`` naming the file that cannot be read or parsed.
    public func makeConfiguration() throws(HTTPTLSError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath)
        } catch {
            throw HTTPTLSError("cannot read the certificate chain \(certificateChainPath): \(error)")
        }
        guard !chain.isEmpty else { throw HTTPTLSError("\(certificateChainPath) holds no certificate") }
        do {
            key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        } catch {
            throw HTTPTLSError("cannot read the private key \(privateKeyPath): \(error)")
        }
        var configuration: TLSConfiguration
        if let clientCAPath {
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMFile(clientCAPath)
            } catch {
                throw HTTPTLSError("cannot read the client CA \(clientCAPath): \(error)")
            }
            guard !roots.isEmpty else { throw HTTPTLSError("\(clientCAPath) holds no certificate") }
            configuration = .makeServerConfigurationWithMTLS(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(key),
                trustRoots: .certificates(roots)
            )
        } else {
            configuration = .makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(key)
            )
        }
        configuration.minimumTLSVersion = .tlsv13
        configuration.maximumTLSVersion = .tlsv13
        return configuration
    }
}

/// TLS could not be set up from the configured files.
public struct HTTPTLSError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, naming the file.
    public var description: String

    init(_ description: String) { self.description = description }
}
