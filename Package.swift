// swift-tools-version: 6.1
import PackageDescription

// The dependency graph carries Senim's one non-negotiable rule: nothing that
// `senim-intake` links can open a sealed box or load a secret key. Secret-key
// code lives in `SafetyKeys`, which only the triage side (`TriageCLI`, `senim`)
// depends on. `IntakeBoundaryTests` fails if that stops being true.
let package = Package(
    name: "senim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "senim-intake", targets: ["senim-intake"]),
        .executable(name: "senim", targets: ["senim"]),
        .executable(name: "senim-bench", targets: ["senim-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // Envelope and payload format, sealing to a public key. Public-key operations only.
        .target(name: "ReportFormat", dependencies: ["CSodium"], exclude: ["FORMAT.md"]),
        // Secret keys: passphrase wrapping (Argon2id + AEAD), locked memory, opening sealed boxes.
        .target(name: "SafetyKeys", dependencies: ["CSodium", "ReportFormat"]),
        // The intake's spool of sealed envelopes: written by the intake, collected by triage.
        .target(
            name: "Spool",
            dependencies: ["ReportFormat", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The regulation's logic: vocabulary, risk rules, the working-day calendar, urgency, statistics periods and
        // suppression. Pure Swift and Foundation: no database, no cryptography (IntakeBoundaryTests holds it).
        .target(name: "SafeguardingRules", resources: [.copy("Resources")]),
        // The confidential incident journal: members, keys, reports, entries, the event log.
        .target(
            name: "Journal",
            dependencies: [
                "SafeguardingRules", "ReportFormat", "SafetyKeys", "Spool",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The HTML escaping of every Mustache template (swift-mustache's own misses a quote before a combining mark).
        .target(name: "SafeHTML", dependencies: [.product(name: "Mustache", package: "swift-mustache")]),
        .target(
            name: "IntakeServer",
            dependencies: [
                "ReportFormat",
                "SafeHTML",
                "Spool",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "senim-intake",
            dependencies: [
                "IntakeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TriageCLI",
            dependencies: [
                "CSodium",
                "ReportFormat",
                "SafetyKeys",
                "Journal",
                "SafeHTML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(name: "senim", dependencies: ["TriageCLI"]),
        .executableTarget(
            name: "senim-bench",
            dependencies: [
                "Journal", "Spool", "ReportFormat", "SafetyKeys",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The tests' shared tools: fixture keys, sample reports, the intake in process and as a child process, one
        // raw-socket client, the WebDriver client.
        .target(
            name: "TestSupport",
            dependencies: [
                "ReportFormat", "SafetyKeys", "Spool", "IntakeServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ReportFormatTests",
            dependencies: ["ReportFormat", "SafetyKeys", "TestSupport"],
            resources: [.copy("Vectors")]
        ),
        .testTarget(name: "SafetyKeysTests", dependencies: ["SafetyKeys", "ReportFormat", "TestSupport"]),
        .testTarget(
            name: "IntakeServerTests",
            dependencies: [
                "IntakeServer", "TestSupport", "SafetyKeys", "SafeHTML",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .testTarget(
            name: "TriageCLITests", dependencies: ["TriageCLI", "TestSupport", "ReportFormat", "Spool", "SafetyKeys"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "IntakeServer", "Journal", "TestSupport", "ReportFormat",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "SpoolTests",
            dependencies: [
                "Spool", "ReportFormat", "SafetyKeys", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "SafeHTMLTests",
            dependencies: ["SafeHTML", "TestSupport", .product(name: "Mustache", package: "swift-mustache")]
        ),
        // The rules alone: no journal, no database, no keys.
        .testTarget(name: "SafeguardingRulesTests", dependencies: ["SafeguardingRules"]),
        .testTarget(
            name: "JournalTests",
            dependencies: ["Journal", "SafeguardingRules", "Spool", "TestSupport", "SafetyKeys", "ReportFormat"]
        ),
    ]
)
