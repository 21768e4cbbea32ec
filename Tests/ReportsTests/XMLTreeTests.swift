import Foundation
import HeraldTestSupport
import Testing
@testable import Reports

/// Herald's XML reader against Python's expat (through ElementTree): the same verdict on every
/// document, and the same tree for every well-formed one.
@Suite struct XMLTreeTests {
    static let documents: [[UInt8]] = [
        // Well-formed.
        "<report a=\"1\" b='2'><p>x &amp; y &lt; &gt; &quot; &apos; &#233; &#x20AC; &#128512;</p></report>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><report><?pi x?><p>a<!-- c -->b</p></report>\n<!-- end -->\n",
        "<report><p><![CDATA[<b>&amp;</b> ]] > ]]></p></report>",
        "<report>\r\n<p>a\r\nb\rc</p></report>",
        "<report t=\"a\tb\nc\r\nd &#10; e\"/>",
        "<report><p>one <b>two <i>three</i></b> four<br/>five</p>\n  <p/>\n</report>",
        "<report><p>a > b ]] c</p><td x=\"a>b\" y='\"'/></report >",
        "<report><ä ö=\"ü\">Größe „Zitat“ €</ä></report>",
        "\u{FEFF}<report/>",
        "<report><p >x</p ></report>",
        // Not well-formed.
        "", "   ", "text<report/>", "<report>", "<report><p>unclosed</report>", "<report><p>x</p></report><extra/>",
        "<report>a & b</report>", "<report>&nbsp;</report>", "<report>&#0;</report>", "<report>&#xD800;</report>",
        "<report>]]></report>", "<report><!-- a -- b --></report>", "<report x=1/>", "<report x=\"1\" x=\"2\"/>",
        "<report a=\"<\"/>", "<report>\u{01}</report>", "<report x=\"1\"y=\"2\"/>", "<report><p>x</P></report>",
        "<report><![CDATA[x</report>", "<report><!-- x</report>", "<1report/>", "<report/ >",
        "<?><report/>", "<report/><?xml version=\"1.0\"?>", "<report><?xml version=\"1.0\"?></report>",
        "<report><![CDATA[a\u{0}b]]></report>", "<report><!-- \u{1} --></report>",
        // Well-formed again: a long character reference, a PI whose target starts with xml.
        "<report>&#0000000000065;</report>", "<?xml-stylesheet href=\"a\"?><report/>",
    ].map { Array($0.utf8) } + [[0x3C, 0x72, 0x3E, 0xFF, 0x3C, 0x2F, 0x72, 0x3E]]   // <r>\xFF</r>: not UTF-8

    /// The tree as the oracle prints it: [name, {attributes}, [nodes]].
    static func canonical(_ e: XMLTree.Element) -> Any {
        let nodes: [Any] = e.nodes.map { node -> Any in
            switch node {
            case .text(let t): return t
            case .element(let child): return canonical(child)
            }
        }
        return [e.name, e.attributes, nodes] as [Any]
    }

    @Test func sameVerdictAndTreeAsExpat() async throws {
        let input = try JSONSerialization.data(withJSONObject: Self.documents.map { Data($0).base64EncodedString() })
        let oracle = try JSONSerialization.jsonObject(with: Python.run("xml_oracle.py", [], stdin: input)) as! [Any]
        #expect(oracle.count == Self.documents.count)
        for (document, expected) in zip(Self.documents, oracle) {
            let shown = String(decoding: document, as: UTF8.self).debugDescription
            let ours = Result { try XMLTree.parse(Data(document)) }
            switch (ours, expected) {
            case (.success(let tree), let expected) where !(expected is NSNull):
                let mine = try JSONSerialization.data(withJSONObject: Self.canonical(tree), options: .sortedKeys)
                let theirs = try JSONSerialization.data(withJSONObject: expected, options: .sortedKeys)
                #expect(mine == theirs, "\(shown): \(String(decoding: mine, as: UTF8.self)) vs \(String(decoding: theirs, as: UTF8.self))")
            case (.failure(let error), _) where expected is NSNull:
                let message = (error as? ReportError)?.message ?? ""
                #expect(message.contains("not well-formed XML"), "\(shown): \(message)")
            default:
                Issue.record("\(shown): Herald says \(ours), expat says \(expected)")
            }
        }
    }

    @Test(arguments: [
        ("<report>\n<p>\n<b>x</p></report>", 3, "<b> on line 3"),
        ("<report>\n\n<p>a &x; b</p></report>", 3, "entity &x; is not defined"),
        ("<!DOCTYPE report [<!ENTITY a \"b\">]><report>&a;</report>", 1, "DOCTYPE is not allowed"),
        ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><report/>", 1, "write the document in UTF-8"),
        ("<report>\r<p\r/>\r<q>&x;</q></report>", 4, "entity &x; is not defined"),
        ("<?xml version=\"1.0\"\nencoding=\"UTF-8\"?>\n<report>\n<p>a &x; b</p></report>", 4, "entity &x; is not defined"),
    ])
    func errorsNameTheLineAndTheCause(xml: String, line: Int, cause: String) {
        let error = #expect(throws: ReportError.self) { try XMLTree.parse(Data(xml.utf8)) }
        #expect(error?.line == line)
        #expect(error?.message.contains(cause) == true, "\(error?.message ?? "")")
    }

    /// A hostile document can neither exhaust the stack nor make reading quadratic.
    @Test func deepNestingIsAnErrorAndPiecedTextStaysWhole() async throws {
        let deep = "<report>" + String(repeating: "<b>", count: 100_000)
        let error = #expect(throws: ReportError.self) { try XMLTree.parse(Data(deep.utf8)) }
        #expect(error?.message.contains("nest deeper than") == true, "\(error?.message ?? "")")
        let pieces = 100_000
        let root = try XMLTree.parse(Data(("<report><p>" + String(repeating: "x<!---->", count: pieces) + "</p></report>").utf8))
        #expect(root.children[0].text == String(repeating: "x", count: pieces))
        #expect(root.children[0].nodes.count == 1)
    }

    @Test func elementsCarryTheLineOfTheirStartTag() async throws {
        let root = try XMLTree.parse(Data("<report>\n  <p>a\nb</p>\n  <!-- x\n -->\n  <table\n  widths=\"1\"/>\n</report>".utf8))
        #expect(root.line == 1)
        #expect(root.children.map(\.line) == [2, 6])
        #expect(root.children[0].text == "a\nb")
    }
}
