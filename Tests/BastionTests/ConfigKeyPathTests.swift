import Testing

@testable import Bastion

struct ConfigKeyPathTests {
    @Test("Keys join with dots, indexes follow in brackets, counting from 0")
    func description() {
        let path = ConfigKeyPath.root.appending("clients").appending(index: 1).appending("permissions").appending(
            index: 2
        )
        #expect(path.description == "clients[1].permissions[2]")
        #expect(ConfigKeyPath.root.description == "")
    }

    @Test("Keys that are not bare TOML keys are quoted")
    func quotesOddKeys() {
        #expect(ConfigKeyPath.root.appending("server").appending("odd key").description == "server.\"odd key\"")
        #expect(ConfigKeyPath.root.appending("a.b").description == "\"a.b\"")
        #expect(ConfigKeyPath.root.appending("").description == "\"\"")
    }

    @Test("parent removes the last step; the root has none")
    func parent() {
        let path = ConfigKeyPath.root.appending("a").appending(index: 0)
        #expect(path.parent == ConfigKeyPath.root.appending("a"))
        #expect(path.parent?.parent == .root)
        #expect(ConfigKeyPath.root.parent == nil)
    }
}
