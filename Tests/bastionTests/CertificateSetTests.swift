import Foundation
import SwiftASN1
import Testing
import X509

@testable import bastion

/// The test CA and its certificates (CertificateSet.swift).
struct CertificateSetTests {
    private func certificate(_ set: CertificateSet, _ name: String) throws -> Certificate {
        let text = try #require(set.files.first { $0.name == name }?.text)
        return try Certificate(pemEncoded: text)
    }

    @Test func theServerAndClientsAreSignedByTheCAWithTheirSubjects() throws {
        let set = try CertificateSet.make(clients: ["claude", "ci"], hosts: ["mcp.example.com", "10.0.0.7"])
        #expect(set.files.map(\.name) == [
            "ca.pem", "ca.key", "server.pem", "server.key", "client-claude.pem", "client-claude.key", "client-ci.pem",
            "client-ci.key",
        ])
        let ca = try certificate(set, "ca.pem")
        let server = try certificate(set, "server.pem")
        let claude = try certificate(set, "client-claude.pem")
        #expect(server.issuer == ca.subject && claude.issuer == ca.subject)
        #expect(String(describing: claude.subject) == "CN=claude")
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let names = try #require(try server.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("localhost")) && names.contains(.dnsName("mcp.example.com")))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [10, 0, 0, 7]))))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))))
        #expect(try claude.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
        #expect(try server.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
    }

    @Test func keysAreWrittenForTheOwnerOnly() throws {
        let set = try CertificateSet.make(clients: ["a"], hosts: [])
        for file in set.files {
            #expect(file.mode == (file.name.hasSuffix(".key") ? 0o600 : 0o644), "\(file.name)")
        }
    }

    @Test(arguments: [("127.0.0.1", 4), ("::1", 16)])
    func anAddressIsAnIPName(host: String, bytes: Int) {
        guard case .ipAddress(let octets) = CertificateSet.generalName(host) else {
            Issue.record("\(host) is not an IP name")
            return
        }
        #expect(octets.bytes.count == bytes)
    }
}
