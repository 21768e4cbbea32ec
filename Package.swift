// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "herald",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
        .library(name: "Mail", targets: ["Mail"]),
        .library(name: "SMTP", targets: ["SMTP"]),
        .library(name: "Cron", targets: ["Cron"]),
        .library(name: "Clocks", targets: ["Clocks"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Delivery", targets: ["Delivery"]),
        .library(name: "Jinja", targets: ["Jinja"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C shim over libcurl: typed wrappers for the variadic curl_easy_setopt / curl_easy_getinfo.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // Cairo, cairo-pdf, Pango with its fontconfig backend: the PDF renderer's C libraries.
        .systemLibrary(
            name: "CCairo",
            pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]
        ),
        .target(name: "Mail"),
        // Jinja2-compatible template engine, Foundation only.
        .target(name: "Jinja"),
        .target(name: "Reports", dependencies: ["CCairo", "Jinja"]),
        // The Clock every waiting component takes, so tests move time instead of sleeping.
        .target(name: "Clocks"),
        .target(name: "Cron"),
        .target(name: "Store", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "Delivery", dependencies: ["Store", "SMTP", "Mail", "Clocks", .product(name: "Logging", package: "swift-log")]),
        .target(name: "SMTP", dependencies: ["CCurl", "Mail"]),
        // The service: HTTP API, scheduler, report jobs, alerts, digests, 2FA.
        .target(
            name: "Server",
            dependencies: [
                "Mail", "SMTP", "Cron", "Clocks", "Store", "Delivery", "Reports", "Jinja",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/openapi.json")]
        ),
        .executableTarget(
            name: "herald",
            dependencies: [
                "Mail", "SMTP", "Cron", "Store", "Delivery", "Reports", "Jinja", "Server",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Starts the real peers the tests talk to (aiosmtpd, smtp-sink, Python oracles).
        .target(name: "HeraldTestSupport", path: "Tests/HeraldTestSupport"),
        .testTarget(name: "MailTests", dependencies: ["Mail", "HeraldTestSupport"]),
        .testTarget(name: "SMTPTests", dependencies: ["SMTP", "Mail", "HeraldTestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Jinja", "HeraldTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "JinjaTests", dependencies: ["Jinja", "HeraldTestSupport"], exclude: ["Corpus", "FuzzCorpus"]),
        // Grammar-based template fuzzer; scripts/fuzz-templates runs it and keeps inputs that crash it.
        .executableTarget(name: "jinja-fuzz", dependencies: ["Jinja", "HeraldTestSupport"], path: "Tests/JinjaFuzz"),
        .testTarget(name: "CronTests", dependencies: ["Cron", "Clocks", "HeraldTestSupport"]),
        // The store's repositories against a real SQLite file.
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "Store", "SMTP", "Mail", "Clocks", "HeraldTestSupport"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Store", "Clocks", "Mail", "HeraldTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "CLITests", dependencies: ["herald", "HeraldTestSupport", "Store", "Mail"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
