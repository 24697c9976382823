// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "vegas",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vegas-server", targets: ["vegas-server"]),
        .executable(name: "vegas-credentials", targets: ["vegas-credentials"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Pure cores: no I/O.
        .target(name: "OTP", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "QRCode"),
        .target(name: "AWSProtocol", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "IAMPolicy"),
        .target(name: "AtomicFile"),
        .target(
            name: "WebAuthn",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),

        // Client side.
        .target(name: "AWSConfig", dependencies: ["AWSProtocol"]),
        .target(
            name: "Vault",
            dependencies: [
                "AtomicFile", "OTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(name: "ChildProcess"),
        .target(name: "CKeyctl"),
        .target(name: "KeyStorage", dependencies: ["AtomicFile", "ChildProcess", "CKeyctl"]),
        .target(name: "YubiKey", dependencies: ["ChildProcess"]),
        .target(
            name: "AWSClient",
            dependencies: ["AWSProtocol", .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        .target(
            name: "Credentials",
            dependencies: [
                "AWSClient", "AWSConfig", "AWSProtocol", "AtomicFile", "ChildProcess", "KeyStorage", "OTP", "QRCode",
                "Vault", "YubiKey",
            ]
        ),
        .executableTarget(
            name: "vegas-credentials",
            dependencies: [
                "Credentials", "AWSClient", "AWSConfig", "ChildProcess", "OTP", "QRCode", "Vault", "YubiKey",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Server side.
        .target(
            name: "IdentityService",
            dependencies: [
                "OTP", "QRCode", "AWSProtocol", "IAMPolicy", "WebAuthn",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "IdentityStore",
            dependencies: [
                "IdentityService",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "VegasServer",
            dependencies: [
                "IdentityService", "IdentityStore", "AWSProtocol", "AtomicFile", "OTP", "WebAuthn",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "vegas-server",
            dependencies: [
                "VegasServer", "WebAuthn", "IdentityService", "IdentityStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .testTarget(name: "OTPTests", dependencies: ["OTP", "TestSupport"]),
        .testTarget(name: "ChildProcessTests", dependencies: ["ChildProcess"]),
        .testTarget(name: "KeyStorageTests", dependencies: ["KeyStorage", "TestSupport"]),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode"]),
        // Helpers shared by test targets (running the Python implementations tests compare against).
        .target(
            name: "TestSupport",
            dependencies: ["ChildProcess", "WebAuthn", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/TestSupport"),
        .testTarget(name: "AWSProtocolTests", dependencies: ["AWSProtocol", "TestSupport"]),
        .testTarget(name: "IAMPolicyTests", dependencies: ["IAMPolicy"]),
        .testTarget(
            name: "WebAuthnTests",
            dependencies: [
                "WebAuthn", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(name: "AWSConfigTests", dependencies: ["AWSConfig", "AWSProtocol", "TestSupport"]),
        .testTarget(name: "AtomicFileTests", dependencies: ["AtomicFile"]),
        .testTarget(name: "VaultTests", dependencies: ["Vault", "OTP"]),
        .testTarget(name: "YubiKeyTests", dependencies: ["YubiKey", "TestSupport"]),
        .testTarget(
            name: "AWSClientTests",
            dependencies: [
                "AWSClient", "AWSProtocol", "OTP", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "IdentityServiceTests",
            dependencies: ["IdentityService", "IdentityStore", "OTP", "TestSupport", "WebAuthn"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "VegasServerTests",
            dependencies: [
                "VegasServer", "IdentityStore", "AWSProtocol", "OTP",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ]
)
