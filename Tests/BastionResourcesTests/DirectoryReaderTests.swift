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

    @Test func escapingKeepsValidSequencesAndMarksEachInvalidByte() {
        #expect(DirectoryReader.escaped(Array("é-ok".utf8)) == "é-ok")
        #expect(DirectoryReader.escaped([0x61, 0xC3, 0x28, 0xE2, 0x82]) == "a\\xC3(\\xE2\\x82")
        #expect(DirectoryReader.escaped([0xEF, 0xBF, 0xBD]) == "\u{FFFD}")
    }
}
