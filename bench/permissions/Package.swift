// swift-tools-version:6.1
import PackageDescription

// Micro-benchmark of a cached call-level permission decision (issue 4: ≤ 1 µs).
// Run from this directory: swift run -c release
let package = Package(
    name: "permissions-bench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "bastion", path: "../..")],
    targets: [
        .executableTarget(
            name: "PermissionsBench",
            dependencies: [.product(name: "Bastion", package: "bastion")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
