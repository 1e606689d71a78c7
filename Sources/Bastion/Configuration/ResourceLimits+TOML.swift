import BastionSecurity

extension ResourceLimits {
    /// The keys of a client's `limits` table, each with the values it accepts: positive and below sane maxima.
    static let tomlRanges: KeyValuePairs<String, ClosedRange<Int>> = [
        "cpu_seconds": 1...86_400,  // one day of CPU
        "memory_mb": 1...1_048_576,  // 1 TiB
        "open_files": 1...1_048_576,  // the kernel's default nr_open
        "processes": 1...65_536,
        "timeout_ms": 1...86_400_000,  // one day
        "output_kb": 1...1_048_576,  // 1 GiB
        "read_mb": 1...16_384,  // 16 GiB
        "list_entries": 1...100_000_000,
        "sessions": 1...1_024,
        "session_idle_ms": 1_000...86_400_000,  // one second to one day
        "session_timeout_ms": 1_000...604_800_000,  // one second to one week
    ]

    /// Reads a `limits` table; absent keys keep their defaults.
    static func decode(_ reader: TOMLTableReader?) throws(ConfigurationError) -> ResourceLimits {
        var limits = ResourceLimits()
        guard let reader else { return limits }
        try reader.checkKeys(tomlRanges.map(\.key))
        func read(_ key: String) throws(ConfigurationError) -> Int? {
            let range = tomlRanges.first { $0.key == key }?.value ?? 1...Int.max
            return try reader.int(key, in: range)
        }
        if let value = try read("cpu_seconds") { limits.cpuSeconds = value }
        if let value = try read("memory_mb") { limits.memoryMB = value }
        if let value = try read("open_files") { limits.openFiles = value }
        if let value = try read("processes") { limits.processes = value }
        if let value = try read("timeout_ms") { limits.timeoutMs = value }
        if let value = try read("output_kb") { limits.outputKB = value }
        if let value = try read("read_mb") { limits.readMB = value }
        if let value = try read("list_entries") { limits.listEntries = value }
        if let value = try read("sessions") { limits.sessions = value }
        if let value = try read("session_idle_ms") { limits.sessionIdleMs = value }
        if let value = try read("session_timeout_ms") { limits.sessionTimeoutMs = value }
        return limits
    }
}
