import Testing

@testable import BastionSecurity

struct AuditSyslogConnectionTests {
    @Test func udpSendsOneDatagramPerMessage() throws {
        let receiver = try SyslogReceiver(.udp)
        var connection = AuditSyslogConnection(destination: .udp(host: "127.0.0.1", port: receiver.port))
        let limit = connection.limit
        #expect(limit == 8192)
        let sent1 = connection.send(Array("<85>1 first".utf8))
        #expect(sent1)
        let sent2 = connection.send(Array("<85>1 second".utf8))
        #expect(sent2)
        #expect(receiver.datagram() == Array("<85>1 first".utf8))
        #expect(receiver.datagram() == Array("<85>1 second".utf8))
    }

    @Test func aUnixDatagramSocketReceivesTheMessage() throws {
        let scratch = try ScratchDirectory()
        let receiver = try SyslogReceiver(.unix(scratch.file("log.sock")))
        var connection = AuditSyslogConnection(destination: .unix(path: scratch.file("log.sock")))
        let sent3 = connection.send(Array("<85>1 unix".utf8))
        #expect(sent3)
        #expect(receiver.datagram() == Array("<85>1 unix".utf8))
    }

    @Test func tcpFramesEachMessageWithItsLength() throws {
        let receiver = try SyslogReceiver(.tcp)
        var connection = AuditSyslogConnection(destination: .tcp(host: "127.0.0.1", port: receiver.port))
        let limit = connection.limit
        #expect(limit == 65536)
        let sent4 = connection.send(Array("<85>1 one".utf8))
        #expect(sent4)
        let sent5 = connection.send(Array("<85>1 two é".utf8))
        #expect(sent5)
        let first = try #require(receiver.frame())
        #expect(first.length == 9 && first.message == Array("<85>1 one".utf8))
        let second = try #require(receiver.frame())
        #expect(second.length == 12 && second.message == Array("<85>1 two é".utf8))
    }

    @Test func anAbsentReceiverFailsWithoutBlockingAndIsNotRetriedAtOnce() throws {
        let scratch = try ScratchDirectory()
        var connection = AuditSyslogConnection(destination: .unix(path: scratch.file("nobody.sock")))
        let sent6 = connection.send(Array("x".utf8))
        #expect(!sent6)
        // The receiver appears, but the next attempt waits out the one-second back-off.
        let receiver = try SyslogReceiver(.unix(scratch.file("nobody.sock")))
        let sent7 = connection.send(Array("y".utf8))
        #expect(!sent7)
        _ = receiver
    }
}
