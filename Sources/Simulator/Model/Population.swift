/// The subscribers, derived from their index on demand (number, access network, cell,
/// handset, contacts, activity, age group) so that memory does not grow with the
/// population.
public struct PopulationModel: Sendable {
    public let population: Population
    let seed: UInt64
    let accessWeights: [Double]
    /// Numbers per block and the multiplier that spreads subscriber numbers over a block.
    private let blockCapacity: [UInt64]
    private let elderlyInBlock: Double
    private let elderlyElsewhere: Double
    private let isElderlyBlock: [Bool]

    init(_ population: Population, access: [AccessNetwork], seed: UInt64) {
        self.population = population
        self.seed = seed
        accessWeights = access.map(\.share)
        blockCapacity = population.blocks.map { b in
            var cap: UInt64 = 1
            for _ in 0..<max(0, population.numberLength - b.count) { cap = cap &* 10 }
            return cap
        }
        isElderlyBlock = population.blocks.map { population.elderlyBlocks.contains($0) }
        let fe = Double(isElderlyBlock.filter { $0 }.count) / Double(max(1, population.blocks.count))
        let share = population.elderlyShare
        if fe > 0 && fe < 1 {
            elderlyInBlock = min(1, share * population.elderlyConcentration / fe)
            elderlyElsewhere = min(1, share * (1 - population.elderlyConcentration) / (1 - fe))
        } else {
            elderlyInBlock = share
            elderlyElsewhere = share
        }
    }

    public var count: Int { population.subscribers }

    /// Subscriber `i`'s block: subscribers are dealt round-robin over the blocks.
    func block(_ i: Int) -> Int { i % population.blocks.count }

    /// Subscriber `i`'s number: a distinct, scattered position inside its block.
    public func number(_ i: Int) -> SimNumber {
        let b = block(i)
        let cap = blockCapacity[b]
        let k = UInt64(i / population.blocks.count)
        // 7,919 is prime and coprime to every power of ten: k -> k * 7919 mod cap is a permutation.
        let offset = cap <= 1 ? 0 : (k % cap) &* 7919 % cap
        return SimNumber.inBlock(population.blocks[b], offset: offset, length: population.numberLength)
    }

    /// A number of block `b` that no subscriber has been dealt (the `h`th such, modulo how
    /// many there are): a SIM the operator sold that this scenario's subscribers do not hold.
    public func undealtNumber(block b: Int, _ h: UInt64) -> SimNumber {
        let cap = blockCapacity[b]
        let n = population.blocks.count
        let dealt = UInt64(max(0, (population.subscribers - b + n - 1) / n))
        // Subscribers hold the images of k < dealt under k -> k * 7919 mod cap (see `number`).
        let k = cap > dealt ? dealt + h % (cap - dealt) : h % max(cap, 1)
        let offset = cap <= 1 ? 0 : (k % cap) &* 7919 % cap
        return SimNumber.inBlock(population.blocks[b], offset: offset, length: population.numberLength)
    }

    public func isElderly(_ i: Int) -> Bool {
        let p = isElderlyBlock[block(i)] ? elderlyInBlock : elderlyElsewhere
        return Double(mixHash(seed, UInt64(i), 1) >> 11) * 0x1.0p-53 < p
    }

    /// Relative calling activity: log-normal around 1 (heavy and light users), capped at 4.
    func activity(_ i: Int) -> Double {
        var r = SimRandom(seed: mixHash(seed, UInt64(i), 2))
        return min(4, exp(0.7 * r.normal() - 0.245))
    }

    /// Subscriber `i`'s `j`th contact (another subscriber).
    public func contact(_ i: Int, _ j: Int) -> Int {
        let n = population.subscribers
        guard n > 1 else { return i }
        let c = Int(mixHash(seed, UInt64(i), 100 + UInt64(j)) % UInt64(n - 1))
        return c >= i ? c + 1 : c
    }

    /// The access network subscriber `i` is attached to.
    func access(_ i: Int) -> Int {
        var r = SimRandom(seed: mixHash(seed, UInt64(i), 4))
        return r.pick(accessWeights)
    }

    /// A stable per-subscriber hash for cells, handsets and SBC choice.
    func trait(_ i: Int, _ what: UInt64) -> UInt64 { mixHash(seed, UInt64(i), 1000 + what) }
}

/// The contacts of a subscriber under a scenario's contact range.
extension PopulationModel {
    public func contacts(of i: Int, min lo: Int, max hi: Int) -> [Int] {
        let k = lo + Int(mixHash(seed, UInt64(i), 3) % UInt64(hi - lo + 1))
        return (0..<k).map { contact(i, $0) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
