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
        // HTTP transport: Hummingbird 2 on SwiftNIO (without its Foundation and swift-configuration traits).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // RFC 9421 Signature-Input/Signature and RFC 9530 Content-Digest are RFC 8941 structured fields.
        .package(url: "https://github.com/apple/swift-http-structured-headers", from: "1.7.0"),
    ],
    targets: [
        // Below every layer: file descriptors and threads, the only system code the layers share.
        .target(name: "BastionSystem", dependencies: ["CBastionLinux"], swiftSettings: strictSettings),
        // Layer 2: JSON-RPC codec and MCP protocol handling. No I/O.
        .target(
            name: "BastionProtocol",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // Layer 1: byte transports that hand frames to the protocol layer.
        .target(
            name: "BastionTransport",
            dependencies: [
                "BastionProtocol", "BastionSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        // Layer 3: authentication, permissions, client contexts, audit.
        .target(
            name: "BastionSecurity",
            dependencies: [
                "BastionProtocol",
                "BastionSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // Only the raw module: StructuredFieldValues (the Codable one) imports Foundation.
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ],
            swiftSettings: strictSettings
        ),
        // Layer 3, JWT bearer tokens (jwt-kit), behind BastionSecurity's BearerTokenVerifier: a target
        // of its own that only the executable links, because jwt-kit re-exports Foundation, whose
        // CoreFoundation would take over the Glibc types (stat) the other layers use.
        .target(
            name: "BastionTokens",
            dependencies: [
                "BastionProtocol", "BastionSecurity",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
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
                "BastionSecurity", "BastionSystem", "CBastionLinux", "CBastionRegex",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Core: server assembly, tools, modules, configuration.
        .target(
            name: "Bastion",
            dependencies: [
                "BastionTransport", "BastionProtocol", "BastionSecurity", "BastionResources", "BastionSystem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "bastion",
            dependencies: [
                "Bastion", "BastionSecurity", "BastionSystem", "BastionTokens", "CBastionLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "BastionSystemTests", dependencies: ["BastionSystem"], swiftSettings: strictSettings),
        .testTarget(name: "BastionProtocolTests", dependencies: ["BastionProtocol"], swiftSettings: strictSettings),
        .testTarget(
            name: "BastionTransportTests",
            dependencies: [
                "BastionTransport", "BastionSystem",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BastionSecurityTests",
            // Crypto signs the requests the signature tests verify.
            dependencies: [
                "BastionSecurity", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BastionTokensTests",
            dependencies: ["BastionTokens", .product(name: "JWTKit", package: "jwt-kit")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "BastionResourcesTests",
            dependencies: ["BastionResources"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "BastionTests", dependencies: ["Bastion"], swiftSettings: strictSettings),
        .testTarget(
            name: "bastionTests",
            dependencies: [
                "bastion", .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    cxxLanguageStandard: .cxx17
)

// libFuzzer targets (fuzz/README.md), declared only when BASTION_FUZZ=1 so that the normal build and
// `scripts/test` neither compile nor depend on them. `scripts/fuzz` sets the variable and builds them
// with `-sanitize=fuzzer,address` in a scratch path of their own (`.build-fuzz`).
if Context.environment["BASTION_FUZZ"] == "1" {
    /// A fuzz target: one `LLVMFuzzerTestOneInput` under `fuzz/Sources/NAME`, no `main` of its own.
    func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport", "CLibFuzzerDriver"] + dependencies,
            path: "fuzz/Sources/\(name)",
            swiftSettings: strictSettings + [.unsafeFlags(["-parse-as-library", "-warnings-as-errors"])]
        )
    }
    package.targets += [
        .target(name: "CLibFuzzerDriver", path: "fuzz/Sources/CLibFuzzerDriver"),
        .target(
            name: "FuzzSupport",
            path: "fuzz/Sources/FuzzSupport",
            swiftSettings: strictSettings + [.unsafeFlags(["-warnings-as-errors"])]
        ),
        fuzzTarget("FuzzJSON", ["BastionTransport", "BastionProtocol"]),
        fuzzTarget(
            "FuzzSession",
            ["BastionTransport", "BastionProtocol", .product(name: "Logging", package: "swift-log")]
        ),
        fuzzTarget("FuzzConfiguration", ["Bastion"]),
        fuzzTarget("FuzzPaths", ["BastionSecurity"]),
    ]
}
