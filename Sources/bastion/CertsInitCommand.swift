import ArgumentParser
import Foundation

/// `bastion certs init DIR [--client ID]… [--host NAME]…`: a test CA, a server certificate and
/// one client certificate per client id, so that a person can try mutual TLS in a minute.
struct CertsInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a test CA, a server certificate and client certificates into DIR.",
        discussion: """
            Writes ca.pem, ca.key, server.pem, server.key and, for each --client ID, client-ID.pem and \
            client-ID.key (subject CN=ID). The server certificate names localhost, 127.0.0.1, ::1 and every \
            --host. Keys are P-256, written 0600; existing files are never overwritten. Then set in \
            [transport.http]: tls_cert = "DIR/server.pem", tls_key = "DIR/server.key", client_ca = "DIR/ca.pem", \
            and per client auth = { mtls_subject = "CN=ID" }.
            """
    )

    @Argument(help: ArgumentHelp("Where to write the files (created 0700 if missing).", valueName: "dir"))
    var directory: String

    @Option(name: .customLong("client"), help: ArgumentHelp("A client id to make a certificate for.", valueName: "id"))
    var clients: [String] = []

    @Option(name: .customLong("host"), help: ArgumentHelp("Another name or address of the server.", valueName: "name"))
    var hosts: [String] = []

    func validate() throws {
        for client in clients {
            guard !client.isEmpty, client.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else {
                throw ValidationError("client id \"\(client)\" must be visible ASCII without '/'")
            }
        }
    }

    func run() throws {
        let set: CertificateSet
        do {
            set = try CertificateSet.make(clients: clients, hosts: hosts)
        } catch {
            throw CommandFailure("cannot make the certificates: \(error)")
        }
        try set.write(into: directory)
        print("wrote \(set.files.map(\.name).joined(separator: ", ")) in \(directory)")
        print("ca.key signs certificates for any client: move it off this machine once you have made the ones you need")
    }
}
