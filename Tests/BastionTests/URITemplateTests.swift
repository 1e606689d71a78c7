import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct URITemplateTests {
    @Test func variablesAreListedInOrder() throws {
        let template = try #require(URITemplate("repo://{owner}/{name}/blob/{path}"))
        #expect(template.variables == ["owner", "name", "path"])
        #expect(template.pattern == "repo://{owner}/{name}/blob/{path}")
    }

    @Test func aTemplateWithoutVariablesMatchesOnlyItself() throws {
        let template = try #require(URITemplate("bastion://info"))
        #expect(template.variables.isEmpty)
        #expect(template.match("bastion://info") == [:])
        #expect(template.match("bastion://info/x") == nil)
        #expect(template.match("bastion://inf") == nil)
    }

    @Test(arguments: [
        ("bastion://diagnostics/echo/{text}", "bastion://diagnostics/echo/hello", ["text": "hello"]),
        ("repo://{owner}/{name}", "repo://apple/swift", ["owner": "apple", "name": "swift"]),
        ("file:///{name}.txt", "file:///notes.txt", ["name": "notes"]),
        ("x://{a}.{b}", "x://1.2.3", ["a": "1", "b": "2.3"]),
        ("x://{a}-end", "x://v-end", ["a": "v"]),
    ])
    func matchingExtractsTheVariables(pattern: String, uri: String, expected: [String: String]) throws {
        let template = try #require(URITemplate(pattern))
        #expect(template.match(uri) == expected)
    }

    @Test(arguments: [
        ("hello%20world", "hello world"),
        ("a%2Fb", "a/b"),
        ("%C3%A9t%C3%A9", "été"),
        ("100%25", "100%"),
        ("%e2%9c%93", "✓"),
    ])
    func valuesArePercentDecoded(raw: String, decoded: String) throws {
        let template = try #require(URITemplate("bastion://echo/{text}"))
        #expect(template.match("bastion://echo/" + raw) == ["text": decoded])
    }

    @Test(arguments: ["%zz", "%2", "%", "abc%4", "%FF", "%C3"])
    func badPercentEncodingDoesNotMatch(raw: String) throws {
        let template = try #require(URITemplate("bastion://echo/{text}"))
        #expect(template.match("bastion://echo/" + raw) == nil)
    }

    @Test(arguments: [
        "bastion://echo/a/b", "bastion://echo/../etc", "bastion://echo/a?b", "bastion://echo/a#b", "bastion://echo/",
        "bastion://echo", "other://echo/a",
    ])
    func variablesNeverSpanSegmentsAndNeverMatchEmpty(uri: String) throws {
        let template = try #require(URITemplate("bastion://echo/{text}"))
        #expect(template.match(uri) == nil)
    }

    @Test func anEncodedSlashIsDecodedButCannotAddASegment() throws {
        let template = try #require(URITemplate("files://{dir}/{file}"))
        #expect(template.match("files://a%2Fb/c") == ["dir": "a/b", "file": "c"])
        #expect(template.match("files://a/b/c") == nil)
    }

    @Test(arguments: ["x://{", "x://}", "x://{}", "x://{a}{b}", "x://{a{b}}", "x://{a}}", "{"])
    func malformedTemplatesAreRefused(pattern: String) {
        #expect(URITemplate(pattern) == nil)
    }

    @Test
    func aStrayClosingBraceBeforeAVariableIsRefused() {
        #expect(URITemplate("x://a}{b}") == nil)
    }

    @Test(arguments: ["{a}", "x://{a}/{b}", "plain", ""])
    func wellFormedTemplatesParse(pattern: String) {
        #expect(URITemplate(pattern) != nil)
    }

    @Test func aReservedExpansionVariableSpansSegments() throws {
        let template = try #require(URITemplate("file:///{+path}"))
        #expect(template.variables == ["path"])
        #expect(template.match("file:///home/ada/a%20b.txt") == ["path": "home/ada/a b.txt"])
        #expect(template.match("file:///x?y") == nil)
        let plain = try #require(URITemplate("file:///{path}"))
        #expect(plain.match("file:///home/ada") == nil)
    }
}
