import Testing

@testable import BastionTransport

/// Connections counted per listener, address and client (ConnectionLedger.swift).
struct ConnectionLedgerTests {
    /// Distinct live objects whose identifiers name connections.
    final class Token {}

    static func ledger(
        max: Int = 8,
        perClient: Int = 2,
        pendingPerAddress: Int = 3
    ) -> ConnectionLedger {
        ConnectionLedger(
            limits: HTTPLimits(
                maxConnections: max,
                maxConnectionsPerClient: perClient,
                maxPendingConnectionsPerAddress: pendingPerAddress
            )
        )
    }

    @Test func aFullListenerRefusesTheNextConnection() throws {
        let ledger = Self.ledger(max: 2, pendingPerAddress: 10)
        let tokens = [Token(), Token(), Token()]
        try ledger.open(ObjectIdentifier(tokens[0]), address: "10.0.0.1")
        try ledger.admit(ObjectIdentifier(tokens[0]), client: "claude")
        try ledger.open(ObjectIdentifier(tokens[1]), address: "10.0.0.2")
        try ledger.admit(ObjectIdentifier(tokens[1]), client: "gpt")
        #expect(throws: ConnectionLedger.Refusal.full) {
            try ledger.open(ObjectIdentifier(tokens[2]), address: "10.0.0.3")
        }
        ledger.close(ObjectIdentifier(tokens[0]))
        try ledger.open(ObjectIdentifier(tokens[2]), address: "10.0.0.3")
        #expect(ledger.count == 2)
    }

    @Test func anAddressHoldsFewUnauthenticatedConnectionsButOthersStillConnect() throws {
        let ledger = Self.ledger(pendingPerAddress: 2)
        let tokens = (0..<4).map { _ in Token() }
        try ledger.open(ObjectIdentifier(tokens[0]), address: "10.0.0.1")
        try ledger.open(ObjectIdentifier(tokens[1]), address: "10.0.0.1")
        #expect(throws: ConnectionLedger.Refusal.tooManyPending) {
            try ledger.open(ObjectIdentifier(tokens[2]), address: "10.0.0.1")
        }
        try ledger.open(ObjectIdentifier(tokens[3]), address: "10.0.0.9")
        // Once one authenticates, it is no longer pending: the address may open another.
        try ledger.admit(ObjectIdentifier(tokens[0]), client: "claude")
        try ledger.open(ObjectIdentifier(tokens[2]), address: "10.0.0.1")
    }

    @Test func aClientHoldsAtMostItsShareAndClosingFreesIt() throws {
        let ledger = Self.ledger(perClient: 2)
        let tokens = (0..<3).map { _ in Token() }
        for token in tokens { try ledger.open(ObjectIdentifier(token), address: "10.0.0.1") }
        try ledger.admit(ObjectIdentifier(tokens[0]), client: "claude")
        try ledger.admit(ObjectIdentifier(tokens[1]), client: "claude")
        #expect(throws: ConnectionLedger.Refusal.tooManyForClient) {
            try ledger.admit(ObjectIdentifier(tokens[2]), client: "claude")
        }
        // Another client is not concerned.
        try ledger.admit(ObjectIdentifier(tokens[2]), client: "gpt")
        #expect(ledger.connections(of: "claude") == 2)
        ledger.close(ObjectIdentifier(tokens[0]))
        #expect(ledger.connections(of: "claude") == 1)
    }

    @Test func aConnectionIsCountedOnceForItsFirstClient() throws {
        let ledger = Self.ledger(perClient: 1)
        let token = Token()
        try ledger.open(ObjectIdentifier(token), address: "10.0.0.1")
        for _ in 0..<3 { try ledger.admit(ObjectIdentifier(token), client: "claude") }
        // A proxy's connection carrying another client's request later is not that client's.
        try ledger.admit(ObjectIdentifier(token), client: "gpt")
        #expect(ledger.connections(of: "claude") == 1)
        #expect(ledger.connections(of: "gpt") == 0)
    }

    @Test func anHTTP2StreamIsCountedOnItsConnection() throws {
        let ledger = Self.ledger()
        let stream = Token()
        let connection = Token()
        try ledger.open(ObjectIdentifier(connection), address: "10.0.0.1")
        ledger.sawRequest(ObjectIdentifier(stream), ObjectIdentifier(connection))
        #expect(ledger.hasSeenRequest(ObjectIdentifier(connection)))
        try ledger.admit(ObjectIdentifier(stream), ObjectIdentifier(connection), client: "claude")
        #expect(ledger.connections(of: "claude") == 1)
    }

    @Test func aRequestHeadIsNotedOnlyOnItsConnection() throws {
        let ledger = Self.ledger()
        let (first, second) = (Token(), Token())
        try ledger.open(ObjectIdentifier(first), address: "10.0.0.1")
        try ledger.open(ObjectIdentifier(second), address: "10.0.0.1")
        ledger.sawRequest(ObjectIdentifier(first))
        #expect(ledger.hasSeenRequest(ObjectIdentifier(first)))
        #expect(!ledger.hasSeenRequest(ObjectIdentifier(second)))
    }

    /// Review 14, finding 1: unauthenticated peers from many addresses could fill the listener.
    @Test func halfTheListenerIsKeptForConnectionsThatAuthenticate() throws {
        let ledger = Self.ledger(max: 4, perClient: 4, pendingPerAddress: 10)
        let tokens = (0..<4).map { _ in Token() }
        try ledger.open(ObjectIdentifier(tokens[0]), address: "10.0.0.1")
        try ledger.open(ObjectIdentifier(tokens[1]), address: "10.0.0.2")
        #expect(throws: ConnectionLedger.Refusal.tooManyPending) {
            try ledger.open(ObjectIdentifier(tokens[2]), address: "10.0.0.3")
        }
        try ledger.admit(ObjectIdentifier(tokens[0]), client: "claude")
        #expect(ledger.isAttributed(ObjectIdentifier(tokens[0])))
        #expect(!ledger.isAttributed(ObjectIdentifier(tokens[1])))
        try ledger.open(ObjectIdentifier(tokens[2]), address: "10.0.0.3")
    }

    @Test func closingAnUnknownConnectionChangesNothing() throws {
        let ledger = Self.ledger(pendingPerAddress: 1)
        let (known, unknown) = (Token(), Token())
        try ledger.open(ObjectIdentifier(known), address: "10.0.0.1")
        ledger.close(ObjectIdentifier(unknown))
        #expect(ledger.count == 1)
        #expect(throws: ConnectionLedger.Refusal.tooManyPending) {
            try ledger.open(ObjectIdentifier(unknown), address: "10.0.0.1")
        }
    }
}
