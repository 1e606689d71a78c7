// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every target: Swift 6 language mode plus the upcoming features from STYLE.md.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "bastion",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Bastion", targets: ["Bastion"]),
        .executable(name: "bastion", targets: ["bastion"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Layer 2: JSON-RPC codec and MCP protocol handling. No I/O.
        .target(
            name: "BastionProtocol",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // Layer 1: byte transports that hand frames to the protocol layer.
        .target(
            name: "BastionTransport",
            dependencies: ["BastionProtocol", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // Layer 3: authentication, permissions, client contexts, audit.
        .target(
            name: "BastionSecurity",
            dependencies: [
                "BastionProtocol",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Linux system calls Swift cannot call directly (no glibc wrapper; syscall(2) is variadic).
        .target(name: "CBastionLinux"),
        // RE2, Google's automaton-based regular expression library, from the system (Debian: libre2-dev).
        .systemLibrary(name: "CRE2", pkgConfig: "re2", providers: [.apt(["libre2-dev"])]),
        // A C API over RE2's C++ one, for search_content (Swift calls C, the shim calls C++).
        .target(name: "CBastionRegex", dependencies: ["CRE2"]),
        // Layer 4: file system, execution, sandboxes.
        .target(
            name: "BastionResources",
            dependencies: [
                "BastionSecurity", "CBastionLinux", "CBastionRegex", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Core: server assembly, tools, modules, configuration.
        .target(
            name: "Bastion",
            dependencies: [
                "BastionTransport", "BastionProtocol", "BastionSecurity", "BastionResources",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "bastion",
            dependencies: [
                "Bastion", "BastionSecurity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "BastionProtocolTests", dependencies: ["BastionProtocol"], swiftSettings: strictSettings),
        .testTarget(
            name: "BastionTransportTests",
            dependencies: ["BastionTransport"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "BastionSecurityTests", dependencies: ["BastionSecurity"], swiftSettings: strictSettings),
        .testTarget(
            name: "BastionResourcesTests",
            dependencies: ["BastionResources"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "BastionTests", dependencies: ["Bastion"], swiftSettings: strictSettings),
        .testTarget(name: "bastionTests", dependencies: ["bastion"], swiftSettings: strictSettings),
    ],
    cxxLanguageStandard: .cxx17
)
