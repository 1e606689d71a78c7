import BastionProtocol
import Testing

@testable import BastionTransport

struct DeliveryGateTests {
    @Test func framesPassUntilTheGateIsStopped() {
        let receiver = RecordingReceiver()
        let gate = DeliveryGate(receiver)
        Array("one".utf8).withUnsafeBytes { gate.receive($0) }
        gate.receiveOversizedFrame(byteCount: 9)
        gate.stop()
        Array("two".utf8).withUnsafeBytes { gate.receive($0) }
        gate.receiveOversizedFrame(byteCount: 7)
        #expect(receiver.events == [.frame("one"), .oversized(9)])
    }

    @Test func stoppingResumesTheArmedWaiterOnceEvenWhenStoppedTwice() async {
        let gate = DeliveryGate(RecordingReceiver())
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            #expect(gate.arm(continuation))
            gate.stop()
            gate.stop()
        }
    }

    @Test func armingAStoppedGateResumesAtOnce() async {
        let gate = DeliveryGate(RecordingReceiver())
        gate.stop()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            #expect(!gate.arm(continuation))
        }
    }
}
