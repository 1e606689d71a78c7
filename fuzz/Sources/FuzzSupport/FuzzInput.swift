/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`, with the ways the targets cut them up.
package struct FuzzInput {
    /// The whole input.
    package let bytes: UnsafeRawBufferPointer

    /// Wraps libFuzzer's arguments; valid only during the call.
    package init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    }

    /// A cheap, stable hash of the input (FNV-1a), for choices that must not cost input bytes.
    package var hash: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// The input split at its first NUL byte (dropped; the first half has none), or in two halves
    /// when there is no NUL.
    package var halves: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        let cut = bytes.firstIndex(of: 0) ?? bytes.count / 2
        let second = cut < bytes.count && bytes[cut] == 0 ? cut + 1 : cut
        return (UnsafeRawBufferPointer(rebasing: bytes[..<cut]), UnsafeRawBufferPointer(rebasing: bytes[second...]))
    }
}
