import Testing

@testable import BastionSecurity

struct SecretPrefixTests {
    @Test func aLongerPrefixIsCheckedBeforeEveryPrefixOfIt() {
        let all = SecretPrefix.all
        for (index, prefix) in all.enumerated() {
            for later in all[(index + 1)...] {
                #expect(!later.text.starts(with: prefix.text), "\(later.text) is shadowed by \(prefix.text)")
            }
        }
    }

    @Test func everyPrefixHasTextAndALengthBeyondIt() {
        for prefix in SecretPrefix.all {
            #expect(!prefix.text.isEmpty)
            #expect(prefix.lengths.lowerBound > 0)
        }
    }

    @Test func awsAccessKeyIDsHaveTheirFixedLength() {
        let aws = SecretPrefix.all.filter { $0.text == Array("AKIA".utf8) }
        #expect(aws.count == 1)
        #expect(aws.first?.lengths == 16...16)
    }
}
