import BastionProtocol
import Testing

@testable import Bastion

#if canImport(Glibc)
import Glibc
#endif

struct ApprovalBasisWorkerWireTests {
    static var stamp: ApprovalBasis.Stamp {
        var info = stat()
        _ = stat("/", &info)
        return ApprovalBasis.Stamp(info)
    }

    @Test("Each state of a basis survives the pipe", arguments: [0, 1, 2, 3])
    func roundTrip(kind: Int) throws {
        let states: [ApprovalBasis.State] = [
            .absent, .present(Self.stamp, content: nil), .present(Self.stamp, content: .init([1, 2, 3])),
            .tree(.init(Array("3 entries".utf8))),
        ]
        let basis = ApprovalBasis(path: "/work/a.txt", state: states[kind])
        let decoded = ApprovalBasis(workerJSON: try JSONParser.parse(JSONWriter.encode(basis.workerJSON)))
        #expect(decoded == basis)
    }

    @Test("The digest is SHA-256, the same in every process (the worker checks it)")
    func theDigestIsSHA256() {
        let digest = ApprovalBasis.Digest(Array("abc".utf8))
        #expect(digest.count == 3)
        #expect(digest.value.prefix(4) == [0xba, 0x78, 0x16, 0xbf])
    }

    @Test(
        "A malformed basis is refused",
        arguments: [
            #"{"state":"absent"}"#, #"{"path":"/a","state":"present","stamp":[1,2]}"#,
            #"{"path":"/a","state":"tree","content":{"count":1,"sha256":[1]}}"#, #"{"path":"/a","state":"other"}"#,
        ]
    )
    func malformed(json: String) throws {
        #expect(ApprovalBasis(workerJSON: try JSONParser.parse(json)) == nil)
    }
}
