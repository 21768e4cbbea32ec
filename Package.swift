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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C shim over libcurl: typed wrappers for the variadic curl_easy_setopt / curl_easy_getinfo.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(name: "Mail"),
        .target(name: "Cron"),
        .target(name: "SMTP", dependencies: ["CCurl", "Mail"]),
        .executableTarget(
            name: "herald",
            dependencies: [
                "Mail", "SMTP", "Cron",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Starts the real peers the tests talk to (aiosmtpd, smtp-sink, Python oracles).
        .target(name: "HeraldTestSupport", path: "Tests/HeraldTestSupport"),
        .testTarget(name: "MailTests", dependencies: ["Mail", "HeraldTestSupport"]),
        .testTarget(name: "SMTPTests", dependencies: ["SMTP", "Mail", "HeraldTestSupport"]),
        .testTarget(name: "CronTests", dependencies: ["Cron"]),
        .testTarget(name: "CLITests", dependencies: ["herald", "HeraldTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
