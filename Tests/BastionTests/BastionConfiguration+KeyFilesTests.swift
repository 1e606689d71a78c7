import BastionSecurity
import Foundation
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

/// `signature_key_file` read at load and on reload (BastionConfiguration+KeyFiles.swift).
struct BastionConfigurationKeyFilesTests {
    static let hmacKey = "hmac-sha256:" + String(repeating: "QUJD", count: 11)
    static let ed25519Key = "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

    /// Writes a configuration whose client reads its key from `key.txt` (holding `key`, mode `mode`).
    private func load(key: String, mode: mode_t, _ scratch: borrowing ScratchDirectory) throws -> BastionConfiguration {
        let keyFile = scratch.file("key.txt")
        try (key + "\n").write(toFile: keyFile, atomically: false, encoding: .utf8)
        chmod(keyFile, mode)
        try "[[clients]]\nid = \"c\"\nauth = { signature_key_file = \"key.txt\" }\n"
            .write(toFile: scratch.file("bastion.toml"), atomically: false, encoding: .utf8)
        return try BastionConfiguration.load(
            path: scratch.file("bastion.toml"),
            environment: ConfigurationTestSupport.environment
        )
    }

    /// The error of loading a configuration whose client reads its key from `keyFile`.
    private func loadError(keyFile: String, _ scratch: borrowing ScratchDirectory) throws -> ConfigurationError {
        try "[[clients]]\nid = \"c\"\nauth = { signature_key_file = \"\(keyFile)\" }\n"
            .write(toFile: scratch.file("bastion.toml"), atomically: false, encoding: .utf8)
        return try #require(throws: ConfigurationError.self) {
            try BastionConfiguration.load(
                path: scratch.file("bastion.toml"),
                environment: ConfigurationTestSupport.environment
            )
        }
    }

    @Test func anHMACSecretFileOfMode600IsTheClientsKey() throws {
        let scratch = try ScratchDirectory()
        let configuration = try load(key: Self.hmacKey, mode: 0o600, scratch)
        #expect(configuration.clients[0].auth.signatureKey?.algorithm == .hmacSHA256)
        #expect(configuration.clients[0].auth.signatureKeyFile == scratch.file("key.txt"))
    }

    /// Review 14, finding 10: a secret no longer has to sit in the configuration file, and a
    /// secret file others can read is refused.
    @Test(arguments: [0o644, 0o640, 0o604] as [mode_t])
    func anHMACSecretFileOthersCanReadIsRefused(mode: mode_t) throws {
        let scratch = try ScratchDirectory()
        let error = try #require(throws: ConfigurationError.self) { try load(key: Self.hmacKey, mode: mode, scratch) }
        #expect(error.keyPath == "clients[0].auth.signature_key_file")
        #expect(error.message.contains("chmod 600"))
        #expect(!error.description.contains("QUJD"))
    }

    @Test func aPublicKeyFileMayBeReadableByAll() throws {
        let scratch = try ScratchDirectory()
        let configuration = try load(key: Self.ed25519Key, mode: 0o644, scratch)
        #expect(configuration.clients[0].auth.signatureKey?.algorithm == .ed25519)
    }

    /// Review 15, finding 6: whoever can rewrite a public key file can sign as the client.
    @Test(arguments: [0o646, 0o666, 0o664] as [mode_t])
    func aKeyFileOthersCanWriteIsRefused(mode: mode_t) throws {
        let scratch = try ScratchDirectory()
        let error = try #require(throws: ConfigurationError.self) {
            try load(key: Self.ed25519Key, mode: mode, scratch)
        }
        #expect(error.message.contains("writable by other users"))
    }

    @Test func aKeyFileBehindASymbolicLinkIsRefusedUnread() throws {
        let scratch = try ScratchDirectory()
        _ = try load(key: Self.ed25519Key, mode: 0o644, scratch)
        try FileManager.default.moveItem(atPath: scratch.file("key.txt"), toPath: scratch.file("real.txt"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("key.txt"), withDestinationPath: "/dev/zero")
        let error = try loadError(keyFile: "key.txt", scratch)
        #expect(error.message.contains("cannot read"))
    }

    @Test func aKeyFileThatIsNotARegularFileIsRefused() throws {
        let scratch = try ScratchDirectory()
        let error = try loadError(keyFile: "/dev/null", scratch)
        #expect(error.message.contains("not a regular file"))
    }

    @Test func aBadKeyInTheFileIsRefusedWithoutQuotingIt() throws {
        let scratch = try ScratchDirectory()
        let error = try #require(throws: ConfigurationError.self) {
            try load(key: "hmac-sha256:c2hvcnQ=", mode: 0o600, scratch)
        }
        #expect(error.message.contains("at least 32 bytes"))
        #expect(!error.description.contains("c2hvcnQ"))
    }

    @Test func aMissingFileIsRefused() throws {
        let scratch = try ScratchDirectory()
        let error = try loadError(keyFile: "nope", scratch)
        #expect(error.message.contains("cannot read"))
    }

    @Test func anInlineKeyAndAFileAreRefusedTogether() throws {
        let error = try ConfigurationTestSupport.error(
            "[[clients]]\nid = \"c\"\nauth = { signature_key = \"\(Self.ed25519Key)\", signature_key_file = \"k\" }\n"
        )
        #expect(error.message.contains("not both"))
    }

    @Test func theFileIsRenderedNotItsSecret() throws {
        let scratch = try ScratchDirectory()
        let text = try load(key: Self.hmacKey, mode: 0o600, scratch).renderedTOML()
        #expect(text.contains("signature_key_file = \"\(scratch.file("key.txt"))\""))
        #expect(!text.contains("QUJD"))
    }
}
