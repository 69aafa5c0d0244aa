import Foundation
import PacketCrafting
import Testing

/// `callguard decode` prints a row per ISUP message with its point codes, circuit, type
/// and the IAM's numbers, beside the SIP rows.
@Suite("callguard decode: ISUP")
struct DecodeISUPCommandTests {
    @Test func anMTP2CaptureDecodesToISUPRows() throws {
        let iam: [UInt8] = [0x1D, 0x1D, 0x20, 0x85, 0x02, 0x40, 0x00, 0x90, 0x0E, 0x00, 0x01, 0x11, 0x00, 0x00, 0x0A, 0x03, 0x02, 0x09,
                            0x07, 0x03, 0x90, 0x40, 0x38, 0x09, 0x82, 0x99, 0x0A, 0x06, 0x03, 0x14, 0x17, 0x73, 0x45, 0x08, 0x00]
        let rel: [UInt8] = [0x1D, 0x1D, 0x20, 0x85, 0x01, 0x80, 0x00, 0x90, 0x0E, 0x00, 0x0C, 0x02, 0x00, 0x02, 0x80, 0x90]
        let writer = PcapWriter(linkType: 140)
        writer.add(iam, nanoseconds: 1_700_000_000_000_000_000)
        writer.add(rel, nanoseconds: 1_700_000_001_000_000_000)
        let path = CLI.temporary("mtp2.pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(writer.write(to: path))
        let r = try CLI.run(["decode", path, "--fields", "frame,protocol,opc,dpc,cic,isup_type,called,calling,calling_presentation,calling_screening"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").map(String.init) == [
            "frame\tprotocol\topc\tdpc\tcic\tisup_type\tcalled\tcalling\tcalling_presentation\tcalling_screening",
            "1\tisup\t1\t2\t14\tIAM\t0483902899\t71375480\t1\t0",
            "2\tisup\t2\t1\t14\tREL\t\t\t\t",
        ])
    }
}
