import Testing

@testable import BastionResources

struct SandboxStatusTests {
    @Test func anAppliedLineCarriesTheReport() throws {
        let report = SandboxReport(landlockABI: 6, seccomp: true)
        let line = SandboxStatus.applied(report).line
        #expect(line.starts(with: "applied {".utf8))
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(try SandboxStatus(parsing: line) == .applied(report))
    }

    @Test func aFailedLineNamesItsStepOnOneLine() throws {
        let line = SandboxStatus.failed(step: "landlock", message: "restricting: no\nway").line
        #expect(String(decoding: line, as: UTF8.self) == "failed landlock: restricting: no way\n")
        #expect(try SandboxStatus(parsing: line) == .failed(step: "landlock", message: "restricting: no way"))
        #expect(
            try SandboxStatus(parsing: Array("failed exec: /x: gone".utf8))
                == .failed(step: "exec", message: "/x: gone")
        )
    }

    @Test(arguments: ["", "ok", "failed nothing", "applied ", "applied []"])
    func anythingElseIsRefused(line: String) {
        #expect(throws: SandboxError.self) { try SandboxStatus(parsing: Array(line.utf8)) }
    }
}

struct SandboxStatusOutputTests {
    private let applied = SandboxStatus.applied(SandboxReport(landlockABI: 7, seccomp: true)).line
    private let failed = SandboxStatus.failed(step: "exec", message: "/x: Exec format error").line

    @Test func theLastLineIsTheVerdict() throws {
        #expect(try SandboxStatus(parsingOutput: applied) == .applied(SandboxReport(landlockABI: 7, seccomp: true)))
        #expect(
            try SandboxStatus(parsingOutput: applied + failed)
                == .failed(step: "exec", message: "/x: Exec format error")
        )
        #expect(try SandboxStatus(parsingOutput: failed) == .failed(step: "exec", message: "/x: Exec format error"))
    }

    @Test func noLineTooManyOrAnOddPairIsRefused() {
        for output in [[], applied + applied, failed + applied, applied + failed + failed] {
            #expect(throws: SandboxError.self) { try SandboxStatus(parsingOutput: output) }
        }
    }
}
