import ArgumentParser
import Bastion
import BastionTokens
import Foundation

/// `bastion token --config FILE --client ID [--ttl S]`: a JWT for trying `[auth.jwt]`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint a JWT for a configured client, for testing [auth.jwt].",
        discussion: """
            Signs with [auth.jwt] signing_key_file (RS256, ES256 or EdDSA by its type) or the HS256 secret. The \
            token carries iss, aud (the audience), sub (the client's auth.jwt_subject), nbf, exp and the required \
            scopes. Prints it on stdout: curl -H "Authorization: Bearer $(bastion token …)".
            """
    )

    @Option(name: .long, help: ArgumentHelp("Configuration file (TOML).", valueName: "file"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("The client the token is for.", valueName: "id"))
    var client: String

    @Option(name: .long, help: ArgumentHelp("Lifetime in seconds (default 3600).", valueName: "seconds"))
    var ttl: Int = 3600

    func validate() throws {
        guard (1...31_536_000).contains(ttl) else { throw ValidationError("--ttl must be 1 to 31536000 seconds") }
    }

    func run() async throws {
        let configuration: BastionConfiguration
        do {
            configuration = try BastionConfiguration.load(
                path: config,
                environment: ProcessEnvironment.current(),
                customPermissions: BastionServer.builtInCustomPermissions
            )
        } catch {
            throw CommandFailure("\(error)")
        }
        guard let jwt = configuration.jwt else { throw CommandFailure("\(config) has no [auth.jwt]") }
        guard let entry = configuration.clients.first(where: { $0.id == client }) else {
            throw CommandFailure("no client \"\(client)\" in \(config)")
        }
        guard let subject = entry.auth.jwtSubject else {
            throw CommandFailure("client \"\(client)\" has no auth.jwt_subject")
        }
        guard let audience = jwt.audience ?? configuration.http?.publicURL else {
            throw CommandFailure("[auth.jwt] needs an audience: set audience or [transport.http] public_url")
        }
        do {
            let token = try await JWTMinter.mint(
                key: try TokenKeys.signingKey(jwt),
                issuer: jwt.issuer,
                audience: audience,
                subject: subject,
                scopes: jwt.requiredScopes,
                lifetime: TimeInterval(ttl)
            )
            print(token)
        } catch let failure as JWTMinter.Failure {
            throw CommandFailure(failure.description)
        }
    }
}
