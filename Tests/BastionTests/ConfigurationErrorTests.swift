import Testing

@testable import Bastion

struct ConfigurationErrorTests {
    @Test(
        "description is FILE:LINE[:COLUMN]: KEYPATH: MESSAGE, leaving out what is unknown",
        arguments: [
            (12, 5, "clients[1].permissions[2]", "bastion.toml:12:5: clients[1].permissions[2]: bad"),
            (12, nil, "server.name", "bastion.toml:12: server.name: bad"),
            (nil, nil, "server", "bastion.toml: server: bad"),
            (3, 1, "", "bastion.toml:3:1: bad"),
            (nil, 4, "", "bastion.toml: bad"),
        ] as [(Int?, Int?, String, String)]
    )
    func description(line: Int?, column: Int?, keyPath: String, expected: String) {
        let error = ConfigurationError(
            code: .invalidValue,
            file: "bastion.toml",
            line: line,
            column: column,
            keyPath: keyPath,
            message: "bad"
        )
        #expect(error.description == expected)
    }

    @Test("Codes compare by value and describe themselves")
    func codes() {
        let all: [ConfigurationError.Code] = [
            .unreadable, .syntax, .unknownKey, .wrongType, .missingKey, .invalidValue, .duplicate, .unsafe,
        ]
        #expect(Set(all).count == all.count)
        #expect(
            all.map(\.description) == [
                "unreadable", "syntax", "unknownKey", "wrongType", "missingKey", "invalidValue", "duplicate", "unsafe",
            ]
        )
    }
}
