#if canImport(Glibc)
import Glibc
#endif

/// The files the running server executes: its binary and the shared libraries it mapped, read
/// from `/proc/self/exe` and `/proc/self/maps`.
///
/// No client may write them (review 8, finding 17): a server running as root that loads a
/// library a client replaced, or a binary a client rewrote, runs the client's code as root at its
/// next start. The directories of libraries outside the system's own library directories (a
/// Swift toolchain's runtime, a library path named by `RUNPATH`) are kept whole, since the loader
/// takes the first file of a name it finds there.
package struct RuntimeFiles: Sendable, Hashable {
    /// The canonical path of the running binary, when `/proc` tells it.
    package var executable: String?
    /// The shared libraries mapped into the process, by the path the kernel gives them.
    package var libraries: [String]
    /// The directories of ``libraries``, each once, in the order first seen.
    package var libraryDirectories: [String]

    /// Where the system keeps its libraries; a library there is protected as a file, not its directory.
    package static let systemLibraryDirectories = [
        "/lib", "/lib32", "/lib64", "/libx32", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32",
    ]

    /// This process's, read once.
    package static let current = RuntimeFiles(executable: ownExecutable(), maps: readMaps())

    /// Builds the list from a binary's path and the text of a `maps` file.
    package init(executable: String?, maps: [UInt8]) {
        self.executable = executable
        var libraries: [String] = []
        var directories: [String] = []
        for line in maps.split(separator: UInt8(ascii: "\n")) {
            // The path is the sixth field; it is absent for anonymous mappings and has no spaces
            // before it other than the padding (a path with a space keeps it: it runs to the end).
            guard let slash = line.firstIndex(of: UInt8(ascii: "/")), let last = line.lastIndex(of: UInt8(ascii: "/"))
            else { continue }
            let path = line[slash...]
            let name = line[(last + 1)...]
            guard Self.isSharedLibraryName(name), !path.ends(with: " (deleted)") else { continue }
            let library = String(decoding: path, as: UTF8.self)
            if !libraries.contains(library) { libraries.append(library) }
            let directory = last == slash ? "/" : String(decoding: line[slash..<last], as: UTF8.self)
            if !directories.contains(directory) { directories.append(directory) }
        }
        self.libraries = libraries
        self.libraryDirectories = directories
    }

    /// What no client may write: the binary, every library, and the library directories that are
    /// not the system's (nor `/`).
    package var unwritable: [String] {
        var paths = [executable].compactMap { $0 } + libraries
        for directory in libraryDirectories where directory != "/" && !Self.isSystemLibraryDirectory(directory) {
            paths.append(directory)
        }
        return paths
    }

    /// Whether a directory is one of ``systemLibraryDirectories`` or inside one.
    package static func isSystemLibraryDirectory(_ directory: String) -> Bool {
        let bytes = Array(directory.utf8)
        return systemLibraryDirectories.contains { root in
            let prefix = Array(root.utf8)
            return bytes.starts(with: prefix)
                && (bytes.count == prefix.count || bytes[prefix.count] == UInt8(ascii: "/"))
        }
    }

    /// `libfoo.so`, `libfoo.so.6`, `ld-linux-x86-64.so.2`: a name with a `.so` that ends it or
    /// is followed by a `.`.
    static func isSharedLibraryName(_ name: ArraySlice<UInt8>) -> Bool {
        let marker = Array(".so".utf8)
        var index = name.startIndex
        while index + marker.count <= name.endIndex {
            if name[index..<(index + marker.count)].elementsEqual(marker) {
                let after = index + marker.count
                if after == name.endIndex || name[after] == UInt8(ascii: ".") { return true }
            }
            index += 1
        }
        return false
    }

    /// The canonical path of the running binary.
    package static func ownExecutable() -> String? {
        guard let resolved = realpath("/proc/self/exe", nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The bytes of `/proc/self/maps` (at most 4 MiB), or none.
    static func readMaps() -> [UInt8] {
        let descriptor = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < 4 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[..<count]
        }
        return bytes
    }
}

extension ArraySlice<UInt8> {
    fileprivate func ends(with suffix: String) -> Bool {
        let tail = Array(suffix.utf8)
        return count >= tail.count && self.suffix(tail.count).elementsEqual(tail)
    }
}
