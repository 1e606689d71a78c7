#if canImport(Glibc)
import Glibc
#endif

/// The one `write(2)` loop every layer shares (stdout, the audit log, file writes).
package enum FileDescriptorIO {
    /// Writes all of `bytes`, retrying after `EINTR` and short writes.
    /// - Returns: `nil`, or the `errno` of the failure (`EIO` for a write that wrote nothing).
    package static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard var next = bytes.baseAddress else { return nil }
        var remaining = bytes.count
        while remaining > 0 {
            let count = write(descriptor, next, remaining)
            if count < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if count == 0 { return EIO }
            remaining -= count
            next += count
        }
        return nil
    }
}
