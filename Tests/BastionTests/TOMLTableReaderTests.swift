import Testing

@testable import Bastion

/// The reader is exercised through `parse`, which is how every section uses it.
struct TOMLTableReaderTests {
    typealias Support = ConfigurationTestSupport

    @Test(
        "Type errors say what was expected and what was found",
        arguments: [
            ("name = 1", "expected a string, found an integer"),
            ("name = 1.5", "expected a string, found a floating-point number"),
            ("name = true", "expected a string, found a boolean"),
            ("name = []", "expected a string, found an array"),
            ("name = {}", "expected a string, found a table"),
            ("name = 1979-05-27", "expected a string, found a date"),
            ("name = 07:32:00", "expected a string, found a time"),
            ("name = 1979-05-27T07:32:00Z", "expected a string, found a date-time"),
            ("diagnostics = \"true\"", "expected a boolean, found a string"),
            ("page_size = \"5\"", "expected an integer, found a string"),
        ]
    )
    func typeErrors(body: String, message: String) throws {
        let error = try Support.error("[server]\n" + body + "\n" + Support.minimalClient)
        #expect(error.code == .wrongType)
        #expect(error.message == message)
    }

    @Test("An array of tables written as a table says so")
    func tableArrayMessage() throws {
        let error = try Support.error("[prompts]\nname = \"p\"\n" + Support.minimalClient)
        #expect(error.message == "expected an array of tables ([[prompts]]), found a table")
        let element = try Support.error("prompts = [1]\n" + Support.minimalClient)
        #expect(element.keyPath == "prompts[0]")
        #expect(element.message == "expected a table, found an integer")
    }

    @Test("Of several unknown keys, the first in the file is reported")
    func firstUnknownKeyInFileOrder() throws {
        let error = try Support.error("[[clients]]\nid = \"a\"\nzz = 1\naa = 2\n")
        #expect(error.keyPath == "clients[0].zz")
        #expect(error.line == 3)
    }

    @Test("A missing required key points at its table")
    func missingKey() throws {
        let error = try Support.error("\n\n[[clients]]\nworkdir = \"/w\"\n")
        #expect(error.message == "missing required key \"id\"")
        #expect(error.line == 3)
    }
}
