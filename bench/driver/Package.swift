// swift-tools-version:6.1
// The benchmark driver: spawns an MCP server over stdio pipes and measures cold start, sequential
// latency, pipelined throughput and peak RSS with raw read/write syscalls. See bench/README.md.
import PackageDescription

let package = Package(
    name: "bench-driver",
    platforms: [.macOS(.v15)],
    targets: [
        .executableTarget(
            name: "bench-driver",
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
