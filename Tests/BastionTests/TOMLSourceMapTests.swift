import Testing

@testable import Bastion

struct TOMLSourceMapTests {
    private func position(_ map: TOMLSourceMap, _ path: ConfigKeyPath) -> [Int]? {
        map.positions[path].map { [$0.line, $0.column] }
    }

    private let root = ConfigKeyPath.root

    @Test("Headers, keys, dotted keys and array elements are located")
    func locatesEverything() {
        let map = TOMLSourceMap(
            source: """
                # comment with [brackets] and "quotes"
                [server]
                  name = "x" # trailing [comment]
                [[clients]]
                id = 'a'
                limits.cpu_seconds = 1
                [[clients]]
                "quoted key" = 2
                permissions = [
                  "file_read", # first
                  'file_write',
                ]
                [clients.auth]
                dbus_uid = 1
                """
        )
        #expect(position(map, root.appending("server")) == [2, 1])
        #expect(position(map, root.appending("server").appending("name")) == [3, 3])
        #expect(position(map, root.appending("clients")) == [4, 1])
        #expect(position(map, root.appending("clients").appending(index: 0)) == [4, 1])
        #expect(position(map, root.appending("clients").appending(index: 0).appending("id")) == [5, 1])
        #expect(position(map, root.appending("clients").appending(index: 0).appending("limits")) == [6, 1])
        #expect(
            position(map, root.appending("clients").appending(index: 0).appending("limits").appending("cpu_seconds"))
                == [6, 8]
        )
        #expect(position(map, root.appending("clients").appending(index: 1)) == [7, 1])
        #expect(position(map, root.appending("clients").appending(index: 1).appending("quoted key")) == [8, 1])
        let permissions = root.appending("clients").appending(index: 1).appending("permissions")
        #expect(position(map, permissions.appending(index: 0)) == [10, 3])
        #expect(position(map, permissions.appending(index: 1)) == [11, 3])
        #expect(
            position(map, root.appending("clients").appending(index: 1).appending("auth").appending("dbus_uid")) == [
                14, 1,
            ]
        )
    }

    @Test("Multi-line strings with quotes, brackets and escapes do not confuse the scanner")
    func multilineStrings() {
        let map = TOMLSourceMap(
            source: #"""
                a = """
                [not.a.table]
                "quoted" \"escaped\" ""still inside""""
                b = '''
                [[neither]]'''
                c = { d = "x\"}", e = [1, { f = 'g' }] }
                """#
        )
        #expect(position(map, root.appending("b")) == [4, 1])
        #expect(map.positions[root.appending("not")] == nil)
        #expect(map.positions[root.appending("neither")] == nil)
        #expect(position(map, root.appending("c").appending("e")) == [6, 19])
        #expect(position(map, root.appending("c").appending("e").appending(index: 1).appending("f")) == [6, 29])
    }

    @Test("A missing path falls back to its nearest located ancestor, then to the document start")
    func fallback() {
        let map = TOMLSourceMap(source: "\n[server]\n")
        #expect(map.position(of: root.appending("server").appending("name"))?.line == 2)
        #expect(map.position(of: root.appending("clients").appending(index: 3))?.line == 1)
    }

    @Test("Escaped and raw NULs in strings are found with the path of their value")
    func findsNUL() throws {
        let escaped = TOMLSourceMap(source: "x = 1\nkey = \"ab\\u0000\"\n")
        let nul = try #require(escaped.firstNUL)
        #expect([nul.position.line, nul.position.column] == [2, 10])
        #expect(nul.path == root.appending("key"))
        #expect(TOMLSourceMap(source: "k = \"\\U00000000\"").firstNUL != nil)
        #expect(TOMLSourceMap(source: "k = '\\u0000'").firstNUL == nil)  // literal strings have no escapes
        #expect(TOMLSourceMap(source: "k = \"\\u0041\"").firstNUL == nil)
        #expect(TOMLSourceMap.firstRawNUL(in: "a\nbc\u{0}").map { [$0.line, $0.column] } == [2, 3])
        #expect(TOMLSourceMap.firstRawNUL(in: "clean") == nil)
    }

    @Test(
        "Where TOMLKit would assert is found, with a replacement it refuses by itself",
        arguments: [
            ("[[[a]]", [1, 3], "]"), ("x = 1\n[\n", [2, 2], "]"), ("[ = ]", [1, 3], "]"), ("[[ \t[a]]]", [1, 5], "]"),
            ("[.a]", [1, 2], "]"), ("a = [}", [1, 6], ","), ("a = [1, \n # c\n }]", [3, 2], ","),
            ("a = [[\u{2028}]]", [1, 7], ","), ("t = { a = [\u{85}] }", [1, 12], ","),
            ("d = 1979-05-27Tx07:32", [1, 16], " "), ("d = [1979-05-27t:]", [1, 17], " "),
            ("d = 2995-05-4s 9 1x", [1, 16], "x"), ("d = [1979-05-27 1]", [1, 17], "x"),
            ("d = 1_979-05-27 1\n", [1, 17], "x"),
        ]
    )
    func findsParserHazard(source: String, position: [Int], replacement: String) throws {
        let hazard = try #require(TOMLSourceMap(source: source).firstParserHazard)
        #expect([hazard.position.line, hazard.position.column] == position)
        #expect(String(hazard.replacement) == replacement)
        let neutralized = hazard.neutralized(source)
        #expect(neutralized.unicodeScalars.count == source.unicodeScalars.count)
        #expect(TOMLSourceMap(source: neutralized).firstParserHazard == nil)
    }

    @Test(
        "Headers and array elements that TOMLKit parses or refuses by itself, and brackets in strings, are not flagged",
        arguments: [
            "[a]", "[[a]]", "[ \"a\" ]", "['a'.b]", "[]", "[ [a]]", "[", "a = [\n[\n1]]", "s = \"\"\"\n[[[\n\"\"\"",
            "# [[[", "t = { a = [[ ]] }", "a = [1 }]", "a = [\"}\", '}', {}]", "a = [ # }\n]",
            "d = 1979-05-27T07:32:00Z", "d = 1979-05-27 07:32", "d = 1979-05-27 # T", "d = 1979-05-27T\n",
            "k = 1979-5-27Tx", "d = 1979-05-27 1", "d = 1979-05-27 12:00", "d = 1979-05-27 # 1", "d = 19790-05-27 1\n",
        ]
    )
    func safeInputIsNotFlagged(source: String) {
        #expect(TOMLSourceMap(source: source).firstParserHazard == nil)
    }

    @Test(
        "Malformed input ends the scan without crashing",
        arguments: ["[", "a = [", "a = {", "\"", "= = =", "[[a", "a.", "a = \"\"\"x"]
    )
    func malformedInput(source: String) {
        let map = TOMLSourceMap(source: source)
        #expect(map.position(of: .root) != nil)
    }
}
