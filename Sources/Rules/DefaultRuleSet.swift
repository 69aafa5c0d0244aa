/// The rule set built into `callguard` and used when `replay` gets no `--rules`. It
/// describes the network of the shipped traces (`traces/`): its trunks, its own number
/// ranges and its business callers. Copy it (`callguard rules show > mine.yaml`) and edit
/// the network part for another network.
public enum DefaultRuleSet {
    public static let yaml = """
    name: default
    description: Every detector with thresholds for a mobile network; auto-block for an hour; victim warnings after 30 s of talk.
    utc_offset: 8
    capacity: 200000

    trunks:
      - {name: intl-gw, role: international, cidr: [203.0.113.50]}
      - {name: domestic-ic, role: domestic, cidr: [203.0.113.60]}
      - {name: bank-trunk, role: trusted, cidr: [192.0.2.90]}
      - {name: volte-sbc, role: access, cidr: [198.51.100.0/24, "2001:db8:20::/48"]}
      - {name: fixed-sbc, role: access, cidr: [192.0.2.20, 192.0.2.30]}

    numbering:
      home_country: ["+86"]
      own_ranges: ["+86137", "+86138", "+86139", "+86150", "+86186"]
      service_numbers: ["+86110", "+86119", "+86120", "+86122", "+8612315", "+8695"]
      premium_ranges: ["+88216", "+88213", "+882", "+883", "+881"]
      valid_national_lengths: [3, 4, 5, 7, 8, 10, 11, 12]

    fingerprints:
      user_agents: [dble, hybertone, goip, ejoin, simbank]
      sdp_sessions: [DBL Session]
      max_forwards: 30

    profiles:
      # Registered business numbers (400 service lines, 95xxx short codes) call many
      # people by design: much higher volume limits.
      - {name: business, callers: ["+86400", "+86800", "+8695"]}
      # Virtual-operator ranges carry most reported fraud: react sooner.
      - {name: virtual_operators, callers: ["+86170", "+86171", "+86165", "+86167"]}

    detectors:
      # The presented number belongs to someone else: block the call, never the number.
      spoofed_origin: {action: {warning: flag, critical: block}, auto_block: false}
      wangiri: {ring_max: 5s, window: 10m, warning: 2, critical: 3}
      # Traits alone reach critical; many callers behind one cell and handset type, or
      # one unknown address, only add to them (either alone stays below a warning).
      simbox: {window: 10m, callers_per_source: 6, source_weight: 0.3, callers_per_cell_and_tac: 6, cell_weight: 0.3,
               warning: 0.5, critical: 0.8}
      sequential: {max_step: 20, warning: 2, critical: 3}
      new_number_burst:
        window: 30s
        warning: 2
        critical: 3
        profiles:
          business: {warning: 1000, critical: 5000}
          virtual_operators: {warning: 2, critical: 2}
      fan_out:
        window: 10m
        warning: 12
        critical: 25
        profiles:
          business: {warning: 2000, critical: 10000}
      call_rate:
        per_minute_warning: 8
        per_minute_critical: 20
        per_hour_warning: 40
        per_hour_critical: 120
        concurrent_warning: 3
        concurrent_critical: 8
        profiles:
          business: {per_minute_warning: 600, per_minute_critical: 3000, per_hour_warning: 20000, per_hour_critical: 100000,
                     concurrent_warning: 500, concurrent_critical: 2000}
      short_calls:
        window: 1h
        min_calls: 8
        asr_warning: 0.3
        asr_critical: 0.12
        acd_warning: 10s
        acd_critical: 4s
        action: {warning: flag, critical: flag}
        profiles:
          business: {asr_critical: 0, acd_critical: 0}

    combine: {mode: actions}

    actions:
      auto_block: {ttl: 1h}
      warnings: {min_talk: 30s}
    """
}
