#if canImport(Glibc)
import Glibc
#endif

/// A `pipe(2)` whose ends the test closes explicitly (closing twice is harmless).
final class Pipe: @unchecked Sendable {
    // The descriptors are set once in init; `close` races are avoided by the tests closing each end
    // from one place only.
    let readEnd: Int32
    let writeEnd: Int32
    private var isReadOpen = true
    private var isWriteOpen = true

    init() throws {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw PipeError(errno: errno) }
        readEnd = descriptors[0]
        writeEnd = descriptors[1]
    }

    deinit {
        closeRead()
        closeWrite()
    }

    func closeRead() {
        if isReadOpen { close(readEnd) }
        isReadOpen = false
    }

    func closeWrite() {
        if isWriteOpen { close(writeEnd) }
        isWriteOpen = false
    }

    /// Writes all of `text` to the write end.
    func write(_ text: String) {
        write(Array(text.utf8))
    }

    /// Writes all of `bytes` to the write end.
    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(writeEnd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += count
            }
        }
    }

    /// Reads the read end until end of file (blocks: close the write end first, or read on a thread).
    /// Reads exactly `count` bytes, or fewer if the write end closes first.
    func readExactly(_ wanted: Int) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while result.count < wanted {
            let count = chunk.withUnsafeMutableBytes {
                Glibc.read(readEnd, $0.baseAddress, min($0.count, wanted - result.count))
            }
            if count > 0 {
                result.append(contentsOf: chunk[..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        return result
    }

    func readToEnd() -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 {
                result.append(contentsOf: chunk[..<count])
            } else if count == 0 || errno != EINTR {
                return result
            }
        }
    }

    /// The lines read until end of file, without their newlines.
    func readLines() -> [String] {
        String(decoding: readToEnd(), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }
}

struct PipeError: Error {
    var errno: Int32
}
