import Foundation

/// `FileManager.contentsOfDirectory` behind a name the tests can use without importing Foundation.
enum FoundationListing {
    static func contents(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path)
    }
}
