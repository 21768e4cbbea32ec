// swift-tools-version:6.0
import Foundation
import PackageDescription

// Herald's libraries come from the enclosing package two levels up; a path
// dependency's identity is its directory's name, which differs between checkouts.
let rootIdentity = URL(fileURLWithPath: Context.packageDirectory)
    .appendingPathComponent("../..").standardizedFileURL.lastPathComponent.lowercased()

let package = Package(
    name: "outbox-benchmark",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "OutboxBench",
            dependencies: [
                .product(name: "Mail", package: rootIdentity),
                .product(name: "SMTP", package: rootIdentity),
                .product(name: "Store", package: rootIdentity),
                .product(name: "Delivery", package: rootIdentity),
                .product(name: "Clocks", package: rootIdentity),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
