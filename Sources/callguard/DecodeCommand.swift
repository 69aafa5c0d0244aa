import ArgumentParser
import Harness
import Numbering
import Wire

/// `callguard decode`: one tab-separated line per SIP or ISUP message, for comparing with Wireshark.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the SIP and ISUP messages in captures as a tab-separated table.",
        discussion: "Fields: " + DecodeTable.Field.allCases.map(\.rawValue).joined(separator: ","))

    @OptionGroup var capture: CaptureOptions

    @Option(help: "Comma-separated columns.")
    var fields: String = DecodeTable.defaultFields.map(\.rawValue).joined(separator: ",")

    func validate() throws {
        do {
            _ = try DecodeTable.parseFields(fields)
        } catch let e as DecodeTable.FieldError {
            throw ValidationError("--fields: \(e)")
        }
    }

    func run() throws {
        let table = DecodeTable(fields: try DecodeTable.parseFields(fields),
                                normalizer: NumberNormalizer(plan: capture.numberingPlan))
        let source = try capture.openCaptures()
        let decoder = PacketDecoder(configuration: try capture.decoderConfiguration())
        print(table.header)
        decoder.onISUP = { message, context in print(table.row(message, context)) }
        while let packet = source.next() {
            decoder.decode(packet) { message, context in
                print(table.row(message, context))
            }
        }
        decoder.finish()
        for r in source.readers {
            if let t = r.truncation {
                printError("callguard: warning: \(r.path): capture is truncated (\(t)); everything before the cut was decoded")
            }
            if let e = r.readError { throw Failure(message: "\(r.path): read error (\(e))") }
        }
    }
}
