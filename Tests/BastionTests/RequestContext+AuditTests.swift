import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct RequestContextAuditTests {
    @Test func aNotedDenialOverridesAnEarlierAllowAndSaysDenied() {
        let context = SessionTestSupport.makeContext()
        context.annotate("decision", "allow")
        context.note(
            PermissionDenial(permission: "file_write", target: "/w/.bashrc", rule: .protected, pattern: "**/.bashrc")
        )
        #expect(context.annotations["decision"] == "deny")
        #expect(context.annotations["permission"] == "file_write")
        #expect(context.annotations["path"] == "/w/.bashrc")
        #expect(context.annotations["rule"] == "protected")
        #expect(context.annotations["rule_pattern"] == "**/.bashrc")
        #expect(context.annotations["outcome"] == "denied")
    }
}
