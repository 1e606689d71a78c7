import Foundation
import Testing

@testable import BastionResources

struct DirectoryReaderTests {
    @Test func entriesReportKindsWithoutDotEntries() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("x", to: fixture.workdir + "/file")
        try FileManager.default.createDirectory(atPath: fixture.workdir + "/dir", withIntermediateDirectories: false)
        try fixture.symlink(fixture.workdir + "/link", to: "/etc")
        let directory = try ConfinedOpener().openDirectory(fixture.workdir)
        let listing = try ConfinedOpener().open("", beneath: directory, flags: O_RDONLY | O_DIRECTORY, displayPath: "w")
        let kinds = Dictionary(
            uniqueKeysWithValues: try DirectoryReader.entries(of: listing, path: "w").map { ($0.name, $0.kind) }
        )
        #expect(kinds == ["file": .file, "dir": .directory, "link": .symlink])
    }

    @Test func aNonUTF8NameIsFlagged() throws {
        let fixture = try FileSystemFixture()
        let raw: [UInt8] = Array((fixture.workdir + "/bad-").utf8) + [0xFF, 0xFE, 0]
        let created = raw.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o600) }
        }
        #expect(created >= 0)
        close(created)
        let listing = try ConfinedOpener().open(
            "",
            beneath: try ConfinedOpener().openDirectory(fixture.workdir),
            flags: O_RDONLY | O_DIRECTORY,
            displayPath: "w"
        )
        let entry = try #require(try DirectoryReader.entries(of: listing, path: "w").first)
        #expect(!entry.isValidUTF8)
        #expect(entry.name == "bad-\\xFF\\xFE")
        #expect(
            entry.rawName == Array("bad-".utf8CString.dropLast()) + [
                CChar(bitPattern: 0xFF), CChar(bitPattern: 0xFE), 0,
            ]
        )
    }

    @Test func entriesSortByTheirRawNamesBytes() {
        func entry(_ bytes: [UInt8]) -> DirectoryReader.Entry {
            let name = String(validating: bytes, as: UTF8.self) ?? DirectoryReader.escaped(bytes)
            let raw = bytes.map { CChar(bitPattern: $0) } + [0]
            let isValid = name.utf8.elementsEqual(bytes)
            return DirectoryReader.Entry(name: name, isValidUTF8: isValid, rawName: raw, kind: .file)
        }
        let names: [[UInt8]] = [
            Array("b".utf8), [0xFF], Array("a".utf8), Array("\u{E9}".utf8), Array("B".utf8), Array("ab".utf8), [0x5C],
        ]
        let sorted = DirectoryReader.sortedByName(names.map(entry)).map {
            $0.rawName.dropLast().map { UInt8(bitPattern: $0) }
        }
        #expect(sorted == names.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(DirectoryReader.sortedByName([]).isEmpty)
    }

    @Test func escapingKeepsValidSequencesAndMarksEachInvalidByte() {
        #expect(DirectoryReader.escaped(Array("é-ok".utf8)) == "é-ok")
        #expect(DirectoryReader.escaped([0x61, 0xC3, 0x28, 0xE2, 0x82]) == "a\\xC3(\\xE2\\x82")
        #expect(DirectoryReader.escaped([0xEF, 0xBF, 0xBD]) == "\u{FFFD}")
    }

    @Test func readingStopsOneKeptEntryPastTheLimit() throws {
        let fixture = try FileSystemFixture()
        for index in 0..<200 { try fixture.write("x", to: fixture.workdir + "/f\(index)") }
        let listing = try ConfinedOpener().open(
            "",
            beneath: try ConfinedOpener().openDirectory(fixture.workdir),
            flags: O_RDONLY | O_DIRECTORY,
            displayPath: "w"
        )
        var looked = 0
        let cut = try DirectoryReader.entries(of: listing, path: "w", limit: 10) { entry -> String? in
            looked += 1
            return looked % 2 == 0 ? entry.name : nil
        }
        #expect(cut.items.count == 10)
        #expect(cut.isTruncated)
        #expect(cut.excluded == 11)
        // Ten kept, eleven left out, then the eleventh kept one ends the read: 22 of 200 looked at.
        #expect(looked == 22)
        let whole = try DirectoryReader.entries(of: listing, path: "w", limit: 200) { $0.name }
        #expect(whole.items.count == 200)
        #expect(!whole.isTruncated)
        #expect(Set(whole.items) == Set(try DirectoryReader.entries(of: listing, path: "w").map(\.name)))
    }

    @Test func aZeroLimitReadsOnlyUntilTheFirstKeptEntry() throws {
        let fixture = try FileSystemFixture()
        try fixture.write("x", to: fixture.workdir + "/only")
        let listing = try ConfinedOpener().open(
            "",
            beneath: try ConfinedOpener().openDirectory(fixture.workdir),
            flags: O_RDONLY | O_DIRECTORY,
            displayPath: "w"
        )
        let cut = try DirectoryReader.entries(of: listing, path: "w", limit: 0) { $0 }
        #expect(cut.items.isEmpty && cut.isTruncated)
    }
}
