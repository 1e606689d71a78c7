import Synchronization
import Testing

@testable import Bastion

struct LiveConnectionTests {
    private func connection() -> LiveConnection {
        LiveConnection(session: SessionTestSupport.makeSession(), client: SessionTestSupport.makeClient())
    }

    @Test func aStopRequestedBeforeTheWaitIsSeenAtOnce() async {
        let live = connection()
        #expect(!live.isStopRequested)
        live.requestStop(grace: .milliseconds(300))
        #expect(live.isStopRequested)
        #expect(await live.stopRequested() == .milliseconds(300))
    }

    @Test func theFirstGraceWins() async {
        let live = connection()
        let waiting = Task { await live.stopRequested() }
        live.requestStop(grace: .seconds(2))
        live.requestStop(grace: .zero)
        #expect(await waiting.value == .seconds(2))
    }

    @Test func aCancelledWaitReturnsWithoutAStop() async {
        let live = connection()
        let waiting = Task { await live.stopRequested() }
        waiting.cancel()
        #expect(await waiting.value == .zero)
        #expect(!live.isStopRequested)
    }

    @Test func aConnectionNoTaskWaitsOnIsStoppedThroughItsHandlerOnce() {
        let graces = Mutex<[Duration]>([])
        let live = LiveConnection(session: SessionTestSupport.makeSession(), client: SessionTestSupport.makeClient()) {
            grace in graces.withLock { $0.append(grace) }
        }
        live.requestStop(grace: .milliseconds(500))
        live.requestStop(grace: .zero)
        #expect(graces.withLock { $0 } == [.milliseconds(500)])
    }
}
