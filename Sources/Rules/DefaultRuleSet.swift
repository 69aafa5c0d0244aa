/// The rule set built into `callguard` and used when `replay` gets no `--rules`. Its
/// network part (trunks, own ranges, service numbers) describes the network of the
/// shipped and built-in traces; its detector part is the reasoning of the README's
/// "Default rule set": decisive signals block alone, volume needs a second, independent
/// signal. Copy it (`callguard rules show > mine.yaml`) and edit the network part for
/// another network.
public enum DefaultRuleSet {
    public static let yaml = """
    name: default
    description: Evidence-weighted detectors for a mobile network; a block needs a decisive finding or two independent ones agreeing; auto-block for an hour; victim warnings after 30 s of talk.
    utc_offset: 8
    capacity: 200000

    # The network: where calls enter decides what their caller ID may be.
    trunks:
      - {name: intl-gw, role: international, cidr: [203.0.113.50]}
      - {name: domestic-ic, role: domestic, cidr: [203.0.113.60]}
      - {name: bank-trunk, role: trusted, cidr: [192.0.2.90]}
      # An enterprise customer's trunk, with the volume it contracted for.
      - {name: pbx-trunk, role: enterprise, cidr: [192.0.2.70], contract: {calls_per_minute: 30, concurrent: 60}}
      - {name: volte-sbc, role: access, cidr: [198.51.100.0/24, "2001:db8:20::/48"]}
      - {name: fixed-sbc, role: access, cidr: [192.0.2.20, 192.0.2.30]}

    numbering:
      home_country: ["+86"]
      # The operator's own ranges, virtual operators it hosts included.
      own_ranges: ["+86137", "+86138", "+86139", "+86150", "+86186", "+8617012", "+8617105"]
      # Police, fire, ambulance, traffic, consumer and anti-fraud hotlines, bank short codes:
      # presented from abroad or over a domestic interconnect they are spoofed; they are
      # never auto-blocked.
      service_numbers: ["+86110", "+86119", "+86120", "+86122", "+8612315", "+8696110", "+8695"]
      # Calls to these are never blocked, whoever places them.
      emergency_numbers: ["+86110", "+86119", "+86120", "+86122"]
      # Only ranges known for revenue-share fraud; +881/+882/+883 as a whole also hold
      # satellite phones and seafarers.
      premium_ranges: ["+88216", "+88213"]
      valid_national_lengths: [3, 4, 5, 7, 8, 10, 11, 12]

    fingerprints:
      user_agents: [dble, hybertone, goip, ejoin, simbank]
      sdp_sessions: [DBL Session]
      max_forwards: 30

    profiles:
      # Registered business numbers (400 service lines, 95xxx short codes) call many
      # people by design: much higher volume limits.
      - {name: business, callers: ["+86400", "+86800", "+8695"]}
      # A declared enterprise trunk (PBX, contact centre) presents a few main numbers to
      # many customers: judged as a business, not as a handset (trunk_volume judges it
      # against its contract and its own history).
      - {name: enterprise, roles: [enterprise]}

    # Evidence, not single signals. Each finding adds its detector's weight (a warning
    # half of it); detectors that measure the same thing share a family and add only
    # their strongest finding. 1 flags, 2 blocks. Decisive findings (weight 2: a spoofed
    # origin, a premium-rate or one-ring Wangiri, a gateway fingerprint, a scan, a
    # campaign entity) block alone; volume (weight 1.5: bursts of a new number, fan-out,
    # call rate) only flags alone, because honest people and businesses have bursts too,
    # and blocks only with an independent signal: calls up at once, or short unanswered
    # calls.
    detectors:
      # The presented number belongs to someone else: block the call, never the number.
      spoofed_origin: {weight: 2, family: identity, auto_block: false}
      wangiri: {weight: 2, family: wangiri, ring_max: 5s, window: 10m, warning: 2, critical: 3}
      # Traits alone reach critical; many callers behind one cell and handset type, or
      # one unknown address, only add to them. Shares its family with campaign: both
      # judge what sits behind the calls (a gateway, a cell, a number block).
      simbox: {weight: 2, family: campaign, window: 10m, callers_per_source: 6, source_weight: 0.3, callers_per_cell_and_tac: 6,
               cell_weight: 0.3, warning: 0.5, critical: 0.8}
      sequential: {weight: 2, family: pattern, max_step: 20, warning: 2, critical: 3, max_gap: 60s, walk_warning: 3, walk_critical: 4}
      # Entities a campaign keeps when it rotates caller IDs: a number block through one
      # source, an IMEI carrying many numbers, many busy callers in one cell and TAC.
      # A block is judged against its own history and its source's typical block (a real
      # block of 10,000 numbers brings hundreds of honest callers an hour): callers count
      # above 3 times the usual. Brief rings count while they are half the block's calls
      # and come from two of its numbers or more (one person's hang-ups are one number's).
      campaign:
        weight: 2
        family: campaign
        window: 10m
        caller_block_digits: 4
        callers_warning: 4
        callers_critical: 8
        baseline_factor: 3
        baseline_weight: 0.3
        ring_max: 5s
        one_rings_warning: 2
        one_rings_critical: 2
        one_ring_share: 0.5
        imei_window: 1h
        numbers_per_imei_warning: 2
        numbers_per_imei_critical: 3
        # Three handsets of one type in one cell changing numbers in one window: a SIM
        # box's modules rotating their SIMs.
        rotating_imeis: 3
        busy_calls: 2
        busy_warning: 4
        busy_critical: 8
        busy_share: 0.5
        member_calls: 8
        group_asr_max: 0.35
        group_min_ended: 16
        cell_asr_margin: 0.1
        group_repeat_max: 0.05
        hold: 1h
        profiles:
          # A contact centre's dialler abandons rings to many people by design.
          business: {callers_warning: 1000, callers_critical: 5000, one_rings_warning: 1000, one_rings_critical: 5000}
      new_number_burst:
        weight: 1.5
        family: volume
        window: 30s
        warning: 2
        critical: 3
        include_access: 0
        profiles:
          business: {warning: 1000, critical: 5000}
          enterprise: {warning: 1000, critical: 5000}
      fan_out:
        weight: 1.5
        family: volume
        window: 10m
        warning: 12
        critical: 25
        profiles:
          business: {warning: 2000, critical: 10000}
          enterprise: {warning: 2000, critical: 10000}
      call_rate:
        weight: 1.5
        family: volume
        per_minute_warning: 8
        per_minute_critical: 20
        per_hour_warning: 40
        per_hour_critical: 120
        concurrent_warning: 100000
        concurrent_critical: 100000
        profiles:
          business: {per_minute_warning: 600, per_minute_critical: 3000, per_hour_warning: 20000, per_hour_critical: 100000}
          enterprise: {per_minute_warning: 600, per_minute_critical: 3000, per_hour_warning: 20000, per_hour_critical: 100000}
      # A declared enterprise trunk against its contract (on the trunk above) and its own
      # history of rates and destinations. The trunk is the entity: its excess calls are
      # refused, its main number is not blocked.
      trunk_volume: {weight: 2, family: volume, auto_block: false, history_window: 1h, history_minutes: 30, history_factor: 3, history_floor: 10}
      # A person holds one call, two with call waiting.
      concurrent_calls:
        weight: 1
        family: parallel
        warning: 3
        critical: 5
        profiles:
          business: {warning: 500, critical: 2000}
          enterprise: {warning: 500, critical: 2000}
      short_calls:
        weight: 1
        family: outcome
        window: 1h
        min_calls: 8
        asr_warning: 0.3
        asr_critical: 0.12
        acd_warning: 10s
        acd_critical: 4s
        profiles:
          business: {asr_warning: 0, asr_critical: 0, acd_warning: 0, acd_critical: 0}
          enterprise: {asr_warning: 0, asr_critical: 0, acd_warning: 0, acd_critical: 0}

    # A critical finding of weight 2 blocks alone; weaker findings add up across families
    # (each family counts once), but warnings alone only ever flag: a courier with many
    # callees and overlapping calls in a busy cell is still one honest person.
    combine: {mode: score, flag_at: 1, block_at: 2, block_needs_critical: true}

    actions:
      auto_block: {ttl: 1h}
      warnings: {min_talk: 30s}
      blocked_calls: reject
    """
}
