// swift-tools-version:6.1
// The benchmark's peer: the official MCP Swift SDK serving the same `echo` tool as Bastion over stdio.
import PackageDescription

let package = Package(
    name: "swift-sdk-echo",
    platforms: [.macOS("13.0")],
    dependencies: [
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1")
    ],
    targets: [
        .executableTarget(
            name: "swift-sdk-echo",
            dependencies: [.product(name: "MCP", package: "swift-sdk")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
