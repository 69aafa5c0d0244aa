import CallEvents
@testable import Engine
import Testing
import Wire

/// The two-thread replay's hand-off under the conditions that break rings: a ring far
/// smaller than a packet's items (the consumer must hand slots back mid-packet or both
/// sides wait forever), an arena that wraps every few events, events larger than the
/// arena's cycle, and a producer that overwrites its source bytes as soon as it has
/// pushed (a view not copied would show the next event's bytes). Run under
/// `swift test --sanitize=thread` too: every cross-thread access must be ordered.
@Suite("Event ring between the decoding and screening threads")
struct EventRingTests {
    /// The deterministic shape of item `n`: how many events a packet has and how long each
    /// view of an event is. Some packets have more items than the ring has slots, some
    /// events more bytes than the arena's cycle.
    static func events(inPacket p: Int) -> Int { p % 17 == 0 ? 11 : p % 3 }
    static func viewLength(packet p: Int, event e: Int, view v: Int) -> Int {
        if p % 97 == 5 && v == 2 { return 3_000 + e * 100 }  // beyond the 1 KiB cycle
        return (p &* 31 &+ e &* 7 &+ v &* 13) % 90
    }
    static func byte(packet p: Int, event e: Int, view v: Int, at i: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: p &* 131 &+ e &* 17 &+ v &* 5 &+ i)
    }

    /// The 12 views of one event, filled from `scratch` (which the producer reuses).
    static func fill(_ event: inout CallEvent, packet p: Int, event e: Int, scratch: UnsafeMutableRawPointer) {
        var at = scratch
        EventRing.rebaseViews(&event) { _ in UnsafeRawBufferPointer(start: nil, count: 0) }
        var v = 0
        EventRing.rebaseViews(&event) { _ in
            let n = viewLength(packet: p, event: e, view: v)
            for i in 0..<n { at.storeBytes(of: byte(packet: p, event: e, view: v, at: i), toByteOffset: i, as: UInt8.self) }
            let view = UnsafeRawBufferPointer(start: n == 0 ? nil : at, count: n)
            at += n
            v += 1
            return view
        }
    }

    /// Where the consumer found the first wrong thing, or nil.
    static func check(_ event: CallEvent, packet p: Int, event e: Int) -> String? {
        guard event.key == UInt64(p << 8 | e) else { return "packet \(p) event \(e): key \(event.key)" }
        var problem: String?
        var v = 0
        var copy = event
        EventRing.rebaseViews(&copy) { view in
            defer { v += 1 }
            let n = viewLength(packet: p, event: e, view: v)
            guard problem == nil else { return view }
            guard view.count == n else { problem = "packet \(p) event \(e) view \(v): \(view.count) bytes, expected \(n)"; return view }
            for i in 0..<n where view[i] != byte(packet: p, event: e, view: v, at: i) {
                problem = "packet \(p) event \(e) view \(v) byte \(i) differs"
                break
            }
            return view
        }
        return problem
    }

    @Test(arguments: [(capacity: 4, cycle: 1 << 10), (capacity: 2, cycle: 1 << 10), (capacity: 64, cycle: 64 << 10)])
    func everyItemArrivesInOrderWithItsBytes(capacity: Int, cycle: Int) {
        let packets = 30_000
        let ring = EventRing(capacity: capacity, arenaSize: 64 << 10, arenaCycle: cycle)
        let producer = WorkerThread(name: "ring-producer") {
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: 64 << 10, alignment: 8)
            defer { scratch.deallocate() }
            for p in 0..<packets {
                ring.beginPacket(timestamp: Int64(p))
                for e in 0..<Self.events(inPacket: p) {
                    var event = CallEvent(kind: e == 0 ? .setup : .other, signalling: .sip, context: MessageContext(),
                                          key: UInt64(p << 8 | e), callID: UnsafeRawBufferPointer(start: nil, count: 0))
                    Self.fill(&event, packet: p, event: e, scratch: scratch)
                    ring.push(event, elapsed: UInt64(e))
                    // The source bytes change at once, as a reused packet buffer's would.
                    scratch.initializeMemory(as: UInt8.self, repeating: 0xEE, count: 8 << 10)
                }
                ring.endPacket(elapsed: UInt64(p))
            }
            ring.endInput()
        }
        var problems: [String] = []
        var packet = -1, event = 0, open = false
        // Drains to the end whatever it finds: a consumer that stopped would leave the
        // producer waiting for space forever.
        consume: while true {
            let item = ring.next().pointee
            switch item.kind {
            case .packetBegin:
                if open { problems.append("packet \(packet) ended without its end item") }
                open = true
                packet += 1
                event = 0
                if item.timestamp != Int64(packet) { problems.append("packet \(packet) began with timestamp \(item.timestamp)") }
            case .event:
                if let p = Self.check(item.event, packet: packet, event: event) { problems.append(p) }
                if item.elapsed != UInt64(event) { problems.append("packet \(packet) event \(event): elapsed \(item.elapsed)") }
                event += 1
            case .packetEnd:
                open = false
                if event != Self.events(inPacket: packet) { problems.append("packet \(packet): \(event) events") }
                if item.elapsed != UInt64(packet) { problems.append("packet \(packet): end elapsed \(item.elapsed)") }
            case .inputEnd:
                break consume
            }
        }
        producer.join()
        let count = problems.count
        #expect(count == 0, "\(count) problems, first: \(problems.prefix(5))")
        #expect(packet == packets - 1)
    }

    /// The default ring takes the largest event a message can make (12 views of a message
    /// at the parser's stream limit, more than the arena's cycle) after small ones, and
    /// hands back its bytes intact.
    @Test func theLargestPossibleEventFitsTheDefaultArena() {
        let ring = EventRing()
        let size = SIPParser.maxStreamMessage
        let source = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { source.deallocate() }
        for i in 0..<size { source[i] = UInt8(truncatingIfNeeded: i &* 7 &+ i >> 8) }
        let small = CallEvent(kind: .other, signalling: .sip, context: MessageContext(), key: 1,
                              callID: UnsafeRawBufferPointer(rebasing: source[0..<40]))
        var large = CallEvent(kind: .setup, signalling: .sip, context: MessageContext(), key: 2,
                              callID: UnsafeRawBufferPointer(start: nil, count: 0))
        EventRing.rebaseViews(&large) { _ in UnsafeRawBufferPointer(source) }
        ring.beginPacket(timestamp: 1)
        for _ in 0..<100 { ring.push(small) }
        ring.push(large)
        ring.endPacket()
        #expect(ring.next().pointee.kind == .packetBegin)
        for _ in 0..<100 {
            let e = ring.next().pointee.event
            #expect(e.key == 1 && e.callID.elementsEqual(source[0..<40]))
        }
        var copy = ring.next().pointee.event
        #expect(copy.key == 2 && EventRing.viewBytes(copy) == 12 * size)
        var intact = 0
        EventRing.rebaseViews(&copy) { view in
            if view.baseAddress != UnsafeRawPointer(source.baseAddress) && view.elementsEqual(source) { intact += 1 }
            return view
        }
        #expect(intact == 12)
        #expect(ring.next().pointee.kind == .packetEnd)
    }
}
