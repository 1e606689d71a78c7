import BastionProtocol

/// Cursor pagination for `*/list` (pagination.mdx): the server picks the page size, cursors are opaque.
///
/// A cursor names its list and an offset (`tools:50`), so a cursor from one list is refused by another.
struct Pagination {
    /// The list's name, embedded in its cursors.
    var list: String
    /// Items per page.
    var pageSize: Int

    /// The page of `items` the cursor points at, and the cursor of the next page if there is one.
    /// - Throws: -32602 for a cursor this server did not issue.
    func page<Item>(_ items: [Item], cursor: JSONValue?) throws(JSONRPCError) -> (ArraySlice<Item>, String?) {
        var start = 0
        if let cursor, !cursor.isNull {
            guard let text = cursor.stringValue, text.hasPrefix(list + ":"),
                let offset = Int(text.dropFirst(list.count + 1)), offset > 0, offset < items.count
            else { throw .invalidParams("unknown cursor") }
            start = offset
        }
        let end = min(items.count, start + max(1, pageSize))
        return (items[start..<end], end < items.count ? "\(list):\(end)" : nil)
    }
}
