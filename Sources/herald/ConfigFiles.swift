import Foundation

/// Finds files under Herald's `Config/` directory: `$HERALD_CONFIG_DIR`, then `./Config`, then
/// the `Config/` of the checkout the executable was built in (it lives in `.build/<config>/`).
func configFile(_ name: String) throws -> String {
    var candidates: [URL] = []
    if let dir = ProcessInfo.processInfo.environment["HERALD_CONFIG_DIR"] {
        candidates.append(URL(fileURLWithPath: dir))
    }
    candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Config"))
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        candidates.append(dir.appendingPathComponent("Config"))
        dir = dir.deletingLastPathComponent()
    }
    for candidate in candidates {
        let path = candidate.appendingPathComponent(name).path
        if FileManager.default.isReadableFile(atPath: path) { return path }
    }
    throw CLIError(status: ExitStatus.config,
                   "cannot find Config/\(name); run from the Herald checkout or set HERALD_CONFIG_DIR")
}

func presetsFile() throws -> String { try configFile("smtp-presets.json") }
