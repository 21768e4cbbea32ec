// swift-tools-version:6.0
import Foundation
import PackageDescription

// Herald's Jinja library comes from the enclosing package two levels up; a path
// dependency's identity is its directory's name, which differs between checkouts.
let rootIdentity = URL(fileURLWithPath: Context.packageDirectory)
    .appendingPathComponent("../..").standardizedFileURL.lastPathComponent.lowercased()

let package = Package(
    name: "jinja-benchmark",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "JinjaBench",
            dependencies: [
                .product(name: "Jinja", package: rootIdentity),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
