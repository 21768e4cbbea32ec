import Foundation
import HeraldTestSupport
@testable import Server
import Testing

/// The composer checks its default templates when the service starts: a missing one would lose
/// every mail of its kind later.
@Suite struct MailComposerTests {
    @Test func aMissingDefaultTemplateStopsTheStartWithItsName() async throws {
        let reports = packageRoot.appendingPathComponent("ReportTemplates")
        _ = try MailComposer(reportsDirectory: reports, from: "Herald <herald@example.com>")

        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("herald-mail-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: reports.appendingPathComponent("mail"), to: copy.appendingPathComponent("mail"))
        try FileManager.default.removeItem(at: copy.appendingPathComponent("mail/watchdog/en/body.txt.j2"))
        do {
            _ = try MailComposer(reportsDirectory: copy, from: "Herald <herald@example.com>")
            Issue.record("a reports directory without watchdog/en/body.txt.j2 was accepted")
        } catch let error as ServiceError {
            #expect(error.code == .configuration)
            #expect(error.message.contains("mail/watchdog/en/body.txt.j2") && error.message.contains("HERALD_REPORTS_DIR"), "\(error)")
        }
    }
}
