import Foundation
import Logging

/// Herald's files hold mail (2FA codes among them), tokens, the secret key and the database:
/// only the user Herald runs as may read them.
enum PrivateFiles {
    /// Makes every file and directory Herald creates from now on readable by its owner only.
    static func restrictNewFiles() {
        umask(0o077)
    }

    /// What ``tighten(directories:files:)`` changed or left alone.
    struct Change: Equatable {
        var path: String
        var oldMode: Int
        /// The mode now, or nil when the path was left as it is (see `reason`).
        var newMode: Int?
        var reason: String?
    }

    /// Takes group and other permissions away from `directories` (0700, with every regular file in
    /// them 0600) and `files` (0600) that exist with looser modes. A directory shared with other
    /// users (sticky, like /tmp, or owned by someone else) keeps its mode: only Herald's own files
    /// in it are tightened.
    static func tighten(directories: [String], files: [String]) -> [Change] {
        var changes: [Change] = []
        var seen = Set<String>()
        func fix(_ path: String, to mode: Int) {
            guard seen.insert(path).inserted, let info = status(path) else { return }
            let current = Int(info.st_mode) & 0o7777
            guard current & 0o077 != 0 else { return }
            if chmod(path, mode_t(mode)) == 0 {
                changes.append(Change(path: path, oldMode: current, newMode: mode))
            } else {
                changes.append(Change(path: path, oldMode: current, newMode: nil, reason: String(cString: strerror(errno))))
            }
        }
        for directory in directories {
            guard let info = status(directory), info.st_mode & S_IFMT == S_IFDIR else { continue }
            let shared = info.st_mode & S_ISVTX != 0 || info.st_uid != geteuid()
            if shared {
                if Int(info.st_mode) & 0o077 != 0 && seen.insert(directory).inserted {
                    changes.append(Change(path: directory, oldMode: Int(info.st_mode) & 0o7777, newMode: nil,
                                          reason: "shared with other users; keep Herald's files in a directory of their own"))
                }
            } else {
                fix(directory, to: 0o700)
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            // In a shared directory only the files named below are Herald's.
            if shared { continue }
            for name in names {
                let path = (directory as NSString).appendingPathComponent(name)
                if let entry = status(path), entry.st_mode & S_IFMT == S_IFREG { fix(path, to: 0o600) }
            }
        }
        for file in files {
            if let entry = status(file), entry.st_mode & S_IFMT == S_IFREG { fix(file, to: 0o600) }
        }
        return changes
    }

    /// Logs each change: a notice for a mode fixed, a warning for one left loose.
    static func log(_ changes: [Change], to logger: Logger) {
        for change in changes {
            var metadata: Logger.Metadata = ["herald.path": "\(change.path)", "herald.mode.old": "\(String(change.oldMode, radix: 8))"]
            if let mode = change.newMode {
                metadata["herald.mode.new"] = "\(String(mode, radix: 8))"
                logger.notice("made private: it was readable by other users", metadata: metadata)
            } else {
                metadata["herald.reason"] = "\(change.reason ?? "")"
                logger.warning("left readable by other users", metadata: metadata)
            }
        }
    }

    private static func status(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }
}
