// swift-tools-version:6.0
import Foundation
import PackageDescription

// The Cron library comes from the enclosing package two levels up (the `herald` repository, or a
// standalone checkout of the Cron module). A path dependency's identity is the name of its directory,
// which differs between checkouts, so it is derived here rather than hard-coded.
let rootDirectory = URL(fileURLWithPath: Context.packageDirectory)
    .appendingPathComponent("../..").standardizedFileURL
let rootIdentity = rootDirectory.lastPathComponent.lowercased()

let package = Package(
    name: "cron-benchmark",
    dependencies: [
        .package(path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "CronBench",
            dependencies: [.product(name: "Cron", package: rootIdentity)]
        ),
    ],
    swiftLanguageModes: [.v6]
)
