import Testing

@testable import Bastion

struct TreeTextBuilderTests {
    @Test func theLayoutIsJSONStringifyWithTwoSpaces() {
        var builder = TreeTextBuilder()
        builder.file("a")
        builder.openDirectory("d")
        builder.file("b\"q")
        builder.openDirectory("empty")
        builder.closeDirectory()
        builder.closeDirectory()
        let expected = """
            [
              {
                "name": "a",
                "type": "file"
              },
              {
                "name": "d",
                "type": "directory",
                "children": [
                  {
                    "name": "b\\"q",
                    "type": "file"
                  },
                  {
                    "name": "empty",
                    "type": "directory",
                    "children": []
                  }
                ]
              }
            ]
            """
        #expect(builder.finish() == expected)
    }

    @Test func anEmptyTreeIsAnEmptyArrayAndOpenDirectoriesAreClosed() {
        var empty = TreeTextBuilder()
        #expect(empty.finish() == "[]")
        var open = TreeTextBuilder()
        open.openDirectory("d")
        #expect(open.finish().hasSuffix("\"children\": []\n  }\n]"))
    }
}
