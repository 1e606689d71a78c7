import Crypto
import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#endif

/// The files of `bastion certs init`: a CA that signs a server certificate and client
/// certificates, each with its P-256 key, as PEM.
struct CertificateSet {
    /// One file to write: its name in the directory, its text, its mode.
    struct File {
        var name: String
        var text: String
        var mode: mode_t
    }

    var files: [File]

    /// How long the certificates are valid: long enough to try things, short enough not to be kept.
    static let validity: TimeInterval = 365 * 24 * 3600

    /// Makes a CA, a server certificate for localhost and `hosts`, and one client certificate per id.
    static func make(clients: [String], hosts: [String], now: Date = Date()) throws -> CertificateSet {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("Bastion")
            CommonName("Bastion test CA")
        }
        let ca = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(validity),
            issuer: caName,
            subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey)
        )
        var files = [
            File(name: "ca.pem", text: try ca.serializeAsPEM().pemString + "\n", mode: 0o644),
            File(name: "ca.key", text: caKey.pemRepresentation + "\n", mode: 0o600),
        ]
        func leaf(
            _ name: String,
            subject: DistinguishedName,
            usage: ExtendedKeyUsage.Usage,
            names: [GeneralName]
        ) throws {
            let key = P256.Signing.PrivateKey()
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: Certificate.PublicKey(key.publicKey),
                notValidBefore: now.addingTimeInterval(-300),
                notValidAfter: now.addingTimeInterval(validity),
                issuer: caName,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([usage])
                    if !names.isEmpty { SubjectAlternativeNames(names) }
                },
                issuerPrivateKey: Certificate.PrivateKey(caKey)
            )
            files.append(
                File(name: "\(name).pem", text: try certificate.serializeAsPEM().pemString + "\n", mode: 0o644)
            )
            files.append(File(name: "\(name).key", text: key.pemRepresentation + "\n", mode: 0o600))
        }
        let serverNames = ["localhost"] + hosts.filter { $0 != "localhost" }
        try leaf(
            "server",
            subject: try DistinguishedName { CommonName(serverNames[0]) },
            usage: .serverAuth,
            names: serverNames.map(generalName) + [
                .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                .ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))),
            ]
        )
        for client in clients {
            try leaf(
                "client-\(client)",
                subject: try DistinguishedName { CommonName(client) },
                usage: .clientAuth,
                names: []
            )
        }
        return CertificateSet(files: files)
    }

    /// A host name, or an IPv4 or IPv6 address, as a subject alternative name.
    static func generalName(_ host: String) -> GeneralName {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(withUnsafeBytes(of: &v4) { Array($0) })))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(withUnsafeBytes(of: &v6) { Array($0) })))
        }
        return .dnsName(host)
    }

    /// Writes every file into `directory` (made 0700 when missing), refusing to replace any.
    func write(into directory: String) throws {
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw CommandFailure("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        for file in files where access(directory + "/" + file.name, F_OK) == 0 {
            throw CommandFailure("\(directory)/\(file.name) exists already; nothing was written")
        }
        for file in files {
            let path = directory + "/" + file.name
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, file.mode)
            guard fd >= 0 else { throw CommandFailure("cannot create \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let bytes = Array(file.text.utf8)
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard written == bytes.count, fchmod(fd, file.mode) == 0 else {
                throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
            }
        }
    }
}
