import Foundation
import Testing

@testable import BastionResources

struct DescriptorTests {
    @Test func theDescriptorIsClosedWhenReleased() throws {
        var raw: Int32 = -1
        do {
            let descriptor = Descriptor(open("/", O_RDONLY | O_DIRECTORY))
            raw = descriptor.raw
            #expect(fcntl(raw, F_GETFD) >= 0)
            #expect(try descriptor.status().st_mode & S_IFMT == S_IFDIR)
        }
        #expect(fcntl(raw, F_GETFD) == -1)
    }
}
