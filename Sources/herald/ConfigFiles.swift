import Foundation

/// Finds a file or directory of the Herald checkout (`Config/smtp-presets.json`, `Fonts`,
/// `ReportTemplates/...`): where the environment variable `variable` says (a directory holding
/// it, or the directory itself), else under the current directory, else under the checkout the
/// executable was built in (it lives in `.build/<configuration>/`).
func resourcePath(_ relative: String, variable: String) throws -> String {
    let fm = FileManager.default
    if let dir = ProcessInfo.processInfo.environment[variable], !dir.isEmpty {
        let inside = URL(fileURLWithPath: dir).appendingPathComponent(URL(fileURLWithPath: relative).lastPathComponent).path
        return fm.fileExists(atPath: inside) ? inside : dir
    }
    var roots = [URL(fileURLWithPath: fm.currentDirectoryPath)]
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        roots.append(dir)
        dir = dir.deletingLastPathComponent()
    }
    for root in roots {
        let path = root.appendingPathComponent(relative).path
        if fm.fileExists(atPath: path) { return path }
    }
    throw CLIError(status: ExitStatus.config, "cannot find \(relative); run from the Herald checkout or set \(variable)")
}

func presetsFile() throws -> String { try resourcePath("Config/smtp-presets.json", variable: "HERALD_CONFIG_DIR") }
func fontsDirectory() throws -> String { try resourcePath("Fonts", variable: "HERALD_FONTS_DIR") }
