import Foundation
import HeraldTestSupport
import Testing
@testable import Reports

/// A report that cannot be drawn whole is an error, never a PDF with less than the document asked for.
@Suite struct IncompleteRenderTests {
    @Test(arguments: [0xFFFE, 0xFFFF] as [UInt32])
    func aNoncharacterInTheDocumentIsRefusedWithItsLine(code: UInt32) throws {
        let character = String(Unicode.Scalar(code)!)
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <report title="t">
              <table widths="1,1"><thead><tr><th>Host</th><th>Status</th></tr></thead>
              <tbody><tr><td>web-1</td><td>OK</td></tr>
              <tr><td>db\(character)-1</td><td>OK</td></tr></tbody></table>
              <p title="x\(character)">after</p>
            </report>
            """
        let error = #expect(throws: ReportError.self) { try DocumentParser.parse(Data(xml.utf8)) }
        #expect(error?.message.contains("U+FFF") == true, "\(error?.message ?? "")")
        #expect(error?.line == 5, "\(error?.description ?? "")")
    }

    @Test func aTextCairoRefusesFailsTheRenderInsteadOfDroppingTheRest() async throws {
        // Built directly, past the parser's check: the renderer itself must notice.
        var document = ReportDocument()
        document.title = "t"
        document.blocks = [.paragraph(RichText("before")), .paragraph(RichText("host \(String(Unicode.Scalar(0xFFFE as UInt32)!)) name")),
                           .paragraph(RichText("after"))]
        let error = #expect(throws: ReportError.self) { try ReportRenderingTests.renderer.render(document) }
        #expect(error?.message.contains("could not be drawn whole") == true, "\(error?.message ?? "")")
    }
}
