import Testing

@testable import Bastion

struct ConfigurationNameTests {
    @Test(
        "Names are 1 to max characters from [A-Za-z0-9_.-]",
        arguments: [
            ("abc", 3, true), ("abcd", 3, false), ("", 3, false), ("a-b", 3, true), ("a b", 3, false),
            ("é", 3, false), ("a\u{0}", 3, false), ("Z.9", 3, true),
        ]
    )
    func validity(name: String, maxLength: Int, isValid: Bool) {
        #expect(ConfigurationName.isValid(name, maxLength: maxLength) == isValid)
    }
}
