/// Where each key, table and array element of a TOML document starts, by key path.
///
/// TOMLKit reports positions only for syntax errors, not for the values of a parsed document, so
/// this scanner walks the source text a second time and records the 1-based line and column of
/// every key (`clients[1].id`), table header (`server`, `clients[1]`) and array element
/// (`clients[1].permissions[2]`). It runs only on text that TOMLKit has already accepted, so it
/// can be lenient; on anything unexpected it stops early rather than fail.
///
/// It also finds NUL characters, which TOMLKit cannot represent: it hands the document and every
/// string to C as NUL-terminated strings, so a NUL would silently cut a value short. And it finds
/// the inputs on which TOMLKit's parser aborts the process (``TOMLParserHazard``): it runs before
/// TOMLKit for that reason, and stays in step with it on every valid prefix.
struct TOMLSourceMap: Sendable {
    /// A 1-based line and column (columns count Unicode scalars).
    struct Position: Hashable, Sendable {
        var line: Int
        var column: Int
    }

    /// The first position of each recorded path.
    private(set) var positions: [ConfigKeyPath: Position] = [:]
    /// The first NUL in a string (raw or escaped as `\u0000`), with the path of the value that holds it.
    private(set) var firstNUL: (position: Position, path: ConfigKeyPath)?
    /// The first place where TOMLKit would abort; the scan stops there.
    private(set) var firstParserHazard: TOMLParserHazard?

    /// Scans `source`.
    init(source: String) {
        var scanner = Scanner(scalars: Array(source.unicodeScalars))
        scanner.scanDocument()
        self.positions = scanner.positions
        // Errors about the document as a whole (no `[[clients]]` at all) point at its start.
        self.positions[.root] = Position(line: 1, column: 1)
        self.firstNUL = scanner.firstNUL
        self.firstParserHazard = scanner.firstParserHazard
    }

    /// The position of `path`, or of its nearest recorded ancestor (a missing key points at its table).
    func position(of path: ConfigKeyPath) -> Position? {
        var current: ConfigKeyPath? = path
        while let candidate = current {
            if let position = positions[candidate] { return position }
            current = candidate.parent
        }
        return nil
    }
}

extension TOMLSourceMap {
    /// A recursive-descent walk over the document that records positions instead of building values.
    struct Scanner {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var column = 1
        var positions: [ConfigKeyPath: Position] = [:]
        var firstNUL: (position: Position, path: ConfigKeyPath)?
        var firstParserHazard: TOMLParserHazard?
        /// How many `[[name]]` tables each array of tables has so far, keyed by the array's path.
        var arrayTableCounts: [ConfigKeyPath: Int] = [:]

        init(scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        var position: Position { Position(line: line, column: column) }
        var isAtEnd: Bool { index >= scalars.count }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            let target = index + offset
            return target < scalars.count ? scalars[target] : nil
        }

        mutating func advance(_ count: Int = 1) {
            for _ in 0..<count where !isAtEnd {
                if scalars[index] == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                index += 1
            }
        }

        mutating func record(_ path: ConfigKeyPath, at position: Position) {
            if positions[path] == nil { positions[path] = position }
        }

        mutating func skipBlanks() {
            while let scalar = peek(), scalar == " " || scalar == "\t" { advance() }
        }

        /// Skips blanks, line breaks and comments (between array elements and between statements).
        mutating func skipBlanksAndComments() {
            while let scalar = peek() {
                switch scalar {
                case " ", "\t", "\n", "\r": advance()
                case "#": while let next = peek(), next != "\n" { advance() }
                default: return
                }
            }
        }

        mutating func scanDocument() {
            var table = ConfigKeyPath.root
            while true {
                skipBlanksAndComments()
                guard let scalar = peek() else { return }
                let start = index
                if scalar == "[" {
                    if noteHeaderHazard() { return }
                    table = scanHeader()
                } else {
                    scanKeyValue(in: table)
                }
                // No progress: not TOML we understand.
                guard index > start, firstParserHazard == nil else { return }
            }
        }

        /// Scans `[a.b]` or `[[a.b]]` and returns the path of the table it opens.
        mutating func scanHeader() -> ConfigKeyPath {
            let start = position
            let isArray = peek(1) == "["
            advance(isArray ? 2 : 1)
            let keys = scanKey()
            skipBlanks()
            advance(isArray ? 2 : 1)
            var path = ConfigKeyPath.root
            for (offset, key) in keys.enumerated() {
                path = path.appending(key.name)
                record(path, at: start)
                let isLast = offset == keys.count - 1
                if isArray && isLast {
                    let count = arrayTableCounts[path, default: 0]
                    arrayTableCounts[path] = count + 1
                    path = path.appending(index: count)
                    record(path, at: start)
                } else if let count = arrayTableCounts[path] {
                    path = path.appending(index: count - 1)  // `[a.b]` after `[[a]]` extends the last `a`
                }
            }
            return path
        }

        mutating func scanKeyValue(in table: ConfigKeyPath) {
            let keys = scanKey()
            guard !keys.isEmpty else { return }
            var path = table
            for key in keys {
                path = path.appending(key.name)
                record(path, at: key.position)
            }
            skipBlanks()
            guard peek() == "=" else { return }
            advance()
            skipBlanks()
            scanValue(at: path)
        }

        /// Scans a dotted key such as `a."b c".d` and returns its parts with their positions.
        mutating func scanKey() -> [(name: String, position: Position)] {
            var keys: [(name: String, position: Position)] = []
            while true {
                skipBlanks()
                let start = position
                guard let scalar = peek() else { return keys }
                let name: String
                switch scalar {
                case "\"": name = scanBasicString(at: .root)
                case "'": name = scanLiteralString()
                default:
                    var bare = ""
                    while let next = peek(), Self.isBareKeyScalar(next) {
                        bare.unicodeScalars.append(next)
                        advance()
                    }
                    guard !bare.isEmpty else { return keys }
                    name = bare
                }
                keys.append((name, start))
                skipBlanks()
                guard peek() == "." else { return keys }
                advance()
            }
        }

        static func isBareKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar {
            case " ", "\t", "\n", "\r", ".", "=", "[", "]", "{", "}", "\"", "'", "#", ",": return false
            default: return true
            }
        }

        mutating func scanValue(at path: ConfigKeyPath) {
            switch peek() {
            case "\"": _ = scanBasicString(at: path)
            case "'": _ = scanLiteralString()
            case "[": scanArray(at: path)
            case "{": scanInlineTable(at: path)
            default:
                if noteDateTimeHazard() || noteDateSpaceHazard() { return }
                // Numbers, booleans, dates: up to the next delimiter.
                while let scalar = peek(), !["\n", "\r", "#", ",", "]", "}"].contains(scalar) { advance() }
            }
        }

        mutating func scanArray(at path: ConfigKeyPath) {
            advance()  // [
            var element = 0
            var expectsValue = true
            while true {
                skipBlanksAndComments()
                guard let scalar = peek() else { return }
                if scalar == "]" {
                    advance()
                    return
                }
                if expectsValue, noteArrayElementHazard() { return }
                let start = index
                let elementPath = path.appending(index: element)
                record(elementPath, at: position)
                scanValue(at: elementPath)
                skipBlanksAndComments()
                expectsValue = peek() == ","
                if expectsValue { advance() }
                element += 1
                guard index > start, firstParserHazard == nil else { return }
            }
        }

        mutating func scanInlineTable(at path: ConfigKeyPath) {
            advance()  // {
            while true {
                skipBlanksAndComments()
                guard let scalar = peek() else { return }
                if scalar == "}" {
                    advance()
                    return
                }
                let start = index
                scanKeyValue(in: path)
                skipBlanksAndComments()
                if peek() == "," { advance() }
                guard index > start, firstParserHazard == nil else { return }
            }
        }

        /// Scans `"…"` or `"""…"""` and returns the decoded text (needed for quoted keys).
        mutating func scanBasicString(at path: ConfigKeyPath) -> String {
            let isMultiline = peek(1) == "\"" && peek(2) == "\""
            advance(isMultiline ? 3 : 1)
            var text = ""
            while let scalar = peek() {
                if scalar == "\"" {
                    if !isMultiline {
                        advance()
                        return text
                    }
                    if peek(1) == "\"" && peek(2) == "\"" {
                        advance(3)
                        // Up to two more quotes belong to the content: `""""` ends with one quote.
                        for _ in 0..<2 where peek() == "\"" { advance() }
                        return text
                    }
                }
                if scalar == "\\" {
                    text += scanEscape(at: path)
                    continue
                }
                if scalar == "\0" { noteNUL(at: path) }
                text.unicodeScalars.append(scalar)
                advance()
            }
            return text
        }

        /// Scans one escape sequence starting at `\` and returns what it stands for.
        mutating func scanEscape(at path: ConfigKeyPath) -> String {
            let start = position
            advance()  // backslash
            guard let scalar = peek() else { return "" }
            advance()
            switch scalar {
            case "n": return "\n"
            case "t": return "\t"
            case "r": return "\r"
            case "b": return "\u{08}"
            case "f": return "\u{0C}"
            case "e": return "\u{1B}"
            case "\"": return "\""
            case "\\": return "\\"
            case "u", "U", "x":
                let width = scalar == "u" ? 4 : scalar == "U" ? 8 : 2
                var hex = ""
                for _ in 0..<width {
                    guard let digit = peek(), digit.properties.isASCIIHexDigit else { break }
                    hex.unicodeScalars.append(digit)
                    advance()
                }
                guard let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) else { return "" }
                if value == 0 && firstNUL == nil { firstNUL = (start, path) }
                return String(decoded)
            default:
                return ""  // a line-ending backslash in a multi-line string: the content is irrelevant here
            }
        }

        /// Scans `'…'` or `'''…'''` (no escapes).
        mutating func scanLiteralString() -> String {
            let isMultiline = peek(1) == "'" && peek(2) == "'"
            advance(isMultiline ? 3 : 1)
            var text = ""
            while let scalar = peek() {
                if scalar == "'" {
                    if !isMultiline {
                        advance()
                        return text
                    }
                    if peek(1) == "'" && peek(2) == "'" {
                        advance(3)
                        for _ in 0..<2 where peek() == "'" { advance() }
                        return text
                    }
                }
                text.unicodeScalars.append(scalar)
                advance()
            }
            return text
        }

        mutating func noteNUL(at path: ConfigKeyPath) {
            if firstNUL == nil { firstNUL = (position, path) }
        }
    }
}

extension TOMLSourceMap {
    /// The position of the first raw NUL character of `source`, if any.
    static func firstRawNUL(in source: String) -> Position? {
        var line = 1
        var column = 1
        for scalar in source.unicodeScalars {
            if scalar == "\0" { return Position(line: line, column: column) }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return nil
    }
}
