import BastionSecurity
import Testing

@testable import Bastion

struct ResourceLimitsTOMLTests {
    typealias Support = ConfigurationTestSupport

    @Test("Given limits are read; omitted ones keep their defaults")
    func partialLimits() throws {
        let configuration = try Support.parse("[[clients]]\nid = \"c\"\nlimits = { processes = 8, output_kb = 16 }\n")
        #expect(configuration.clients.first?.limits == ResourceLimits(processes: 8, outputKB: 16))
    }

    @Test(
        "Each limit accepts 1 up to its maximum and nothing beyond",
        arguments: [
            ("cpu_seconds", 86_400), ("memory_mb", 1_048_576), ("open_files", 1_048_576), ("processes", 65_536),
            ("timeout_ms", 86_400_000), ("output_kb", 1_048_576), ("sessions", 1_024),
        ]
    )
    func ranges(key: String, maximum: Int) throws {
        for value in [1, maximum] {
            #expect(throws: Never.self) {
                try Support.parse("[[clients]]\nid = \"c\"\nlimits = { \(key) = \(value) }\n")
            }
        }
        for value in [0, -1, maximum + 1] {
            let error = try Support.error("[[clients]]\nid = \"c\"\nlimits = { \(key) = \(value) }\n")
            #expect(error.keyPath == "clients[0].limits.\(key)")
            #expect(error.message == "\(value) is out of range; expected 1 to \(maximum)")
        }
    }
}
