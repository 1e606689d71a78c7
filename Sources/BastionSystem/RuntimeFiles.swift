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
    /// The names the binary was started by, unresolved: the path in `argv[0]` (or found on
    /// `PATH`) and each symbolic link on the way from it to ``executable`` (review 9, finding 6:
    /// `/usr/local/bin/bastion -> /opt/bastion/bin/bastion` is what the next start runs).
    package var launchPaths: [String] = []
    /// Directories the next start searches before it finds what runs now, unresolved: the `PATH`
    /// entries ahead of the binary's (a `bastion` planted there would be the next one, review 10,
    /// finding 3) and `LD_LIBRARY_PATH`'s (searched before everything, finding 6).
    package var searchedDirectories: [String] = []
    /// The shared libraries mapped into the process, by the path the kernel gives them.
    package var libraries: [String]
    /// The directories of ``libraries``, each once, in the order first seen.
    package var libraryDirectories: [String]

    /// Where the dynamic loader looks when no `RUNPATH` or cache entry names a library.
    package static let loaderDirectories = ["/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib"]

    /// The dynamic loader's own configuration: what it preloads into every program and where it
    /// looks (review 9, finding 2).
    package static let loaderConfiguration = [
        "/etc/ld.so.preload", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
    ]

    /// This process's, read once.
    package static let current: RuntimeFiles = {
        var files = RuntimeFiles(executable: ownExecutable(), maps: readMaps())
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        if let invoked = CommandLine.arguments.first, let start = resolveInvocation(invoked, path: path) {
            files.launchPaths = linkChain(from: start)
            if !invoked.utf8.contains(UInt8(ascii: "/")) {
                files.searchedDirectories = directories(of: path, before: start)
            }
        }
        if let libraries = getenv("LD_LIBRARY_PATH") {
            files.searchedDirectories += String(cString: libraries).split(separator: ":").map(String.init)
                .filter { $0.hasPrefix("/") }
        }
        return files
    }()

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

    /// What no client may write: the binary and its directory (the loader searches `$ORIGIN`,
    /// which the binary's `RUNPATH` names, before the system's directories: review 9, finding 1);
    /// every directory a library was loaded from, whole (the loader opens a library by its SONAME
    /// link, not by the file the kernel names, and a library loaded later — an NSS module — comes
    /// from the same places: finding 2); the loader's default directories and those its
    /// configuration names; and that configuration.
    package var unwritable: [String] {
        var paths = [executable].compactMap { $0 }
        func add(_ path: String) {
            if path != "/", !paths.contains(path) { paths.append(path) }
        }
        // The binary's directory, and those of the names it was started by, whole.
        for path in [executable].compactMap({ $0 }) + launchPaths {
            add(path)
            if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.utf8.startIndex {
                add(String(path[..<slash]))
            }
        }
        for directory in libraryDirectories + Self.loaderDirectories + Self.configuredLibraryDirectories()
            + searchedDirectories
        {
            add(directory)
        }
        for path in Self.loaderConfiguration { add(path) }
        // Every symbolic link on the way to one of these (`/opt/swift -> swift-6.3`): moved away and
        // replaced by a directory of a client's, it would lead the next start to the client's files
        // (review 10, findings 3 and 6).
        for path in paths { for link in Self.linksOnTheWay(to: path) { add(link) } }
        return paths
    }

    /// The entries of a `PATH` ahead of the one that holds `found`.
    static func directories(of path: String, before found: String) -> [String] {
        guard let slash = found.utf8.lastIndex(of: UInt8(ascii: "/")) else { return [] }
        let holder = String(found[..<slash])
        var ahead: [String] = []
        for entry in path.split(separator: ":").map(String.init) where entry.hasPrefix("/") {
            if entry == holder { break }
            ahead.append(entry)
        }
        return ahead
    }

    /// The components of `path` (each prefix, unresolved) that are symbolic links.
    static func linksOnTheWay(to path: String) -> [String] {
        var links: [String] = []
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            var info = stat()
            if lstat(prefix, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK { links.append(prefix) }
        }
        return links
    }

    /// The absolute directories the loader's configuration (`/etc/ld.so.conf.d/*.conf`) names.
    static func configuredLibraryDirectories(in directory: String = "/etc/ld.so.conf.d") -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var found: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(".conf") else { continue }
            let descriptor = open(directory + "/" + name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            var bytes = [UInt8](repeating: 0, count: 16_384)
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            for line in bytes[..<count].split(separator: UInt8(ascii: "\n")) {
                let text = String(decoding: line, as: UTF8.self).trimmingSpaces
                if text.hasPrefix("/"), !found.contains(text) { found.append(text) }
            }
        }
        return found
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

    /// The absolute path `argv[0]` names: itself when it holds a `/` (joined to the working
    /// directory when relative), else the first executable of that name on `path`.
    static func resolveInvocation(_ invoked: String, path: String) -> String? {
        if invoked.utf8.contains(UInt8(ascii: "/")) {
            if invoked.hasPrefix("/") { return invoked }
            guard let directory = getcwd(nil, 0) else { return nil }
            defer { free(directory) }
            return String(cString: directory) + "/" + invoked
        }
        for directory in path.split(separator: ":") where directory.hasPrefix("/") {
            let candidate = directory + "/" + invoked
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// `path` and every symbolic link it leads through (its last component, link after link, at
    /// most 40), each unresolved; the final file is included.
    static func linkChain(from path: String) -> [String] {
        var chain = [path]
        var current = path
        var target = [CChar](repeating: 0, count: 4_097)
        for _ in 0..<40 {
            let count = readlink(current, &target, target.count - 1)
            guard count > 0 else { break }
            let link = String(decoding: target[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if link.hasPrefix("/") {
                current = link
            } else if let slash = current.utf8.lastIndex(of: UInt8(ascii: "/")) {
                current = String(current[..<slash]) + "/" + link
            } else {
                break
            }
            if chain.contains(current) { break }
            chain.append(current)
        }
        return chain
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

extension String {
    fileprivate var trimmingSpaces: String {
        let bytes = Array(utf8)
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}

extension ArraySlice<UInt8> {
    fileprivate func ends(with suffix: String) -> Bool {
        let tail = Array(suffix.utf8)
        return count >= tail.count && self.suffix(tail.count).elementsEqual(tail)
    }
}
