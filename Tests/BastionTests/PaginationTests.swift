import BastionProtocol
import BastionSecurity
import Testing

@testable import Bastion

struct PaginationTests {
    let items = Array(0..<7)
    let pagination = Pagination(list: "tools", pageSize: 3)

    @Test func theFirstPageHasACursorToTheNext() throws {
        let (page, next) = try pagination.page(items, cursor: nil)
        #expect(Array(page) == [0, 1, 2])
        #expect(next == "tools:3")
    }

    @Test func followingCursorsVisitEveryItemOnce() throws {
        var seen: [Int] = []
        var cursor: JSONValue? = nil
        var pages = 0
        repeat {
            let (page, next) = try pagination.page(items, cursor: cursor)
            seen += page
            cursor = next.map { .string($0) }
            pages += 1
        } while cursor != nil && pages < 10
        #expect(seen == items)
        #expect(pages == 3)
    }

    @Test func theLastPageHasNoCursor() throws {
        let (page, next) = try pagination.page(items, cursor: "tools:6")
        #expect(Array(page) == [6])
        #expect(next == nil)
    }

    @Test func aNullCursorIsTheFirstPage() throws {
        let (page, _) = try pagination.page(items, cursor: .null)
        #expect(Array(page) == [0, 1, 2])
    }

    @Test func aListThatFitsHasNoCursor() throws {
        let (page, next) = try Pagination(list: "tools", pageSize: 50).page(items, cursor: nil)
        #expect(page.count == 7)
        #expect(next == nil)
    }

    @Test func anEmptyListIsOneEmptyPage() throws {
        let (page, next) = try pagination.page([Int](), cursor: nil)
        #expect(page.isEmpty)
        #expect(next == nil)
    }

    @Test(arguments: [0, -5])
    func aPageSizeBelowOneStillMakesProgress(size: Int) throws {
        let (page, next) = try Pagination(list: "tools", pageSize: size).page(items, cursor: nil)
        #expect(Array(page) == [0])
        #expect(next == "tools:1")
    }

    @Test(arguments: [
        JSONValue.string("prompts:3"), "resources:3", "tools:0", "tools:-1", "tools:7", "tools:99", "tools:abc",
        "tools:", "tools", "3", "", 3, true, ["offset": 3],
    ])
    func badAndForeignCursorsAreInvalidParams(cursor: JSONValue) throws {
        let error = try #require(throws: JSONRPCError.self) { try pagination.page(items, cursor: cursor) }
        #expect(error.code == JSONRPCError.invalidParamsCode)
        #expect(error.message.contains("unknown cursor"))
    }
}
