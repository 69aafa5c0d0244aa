/// Scenarios that ship inside the binary (`callguard generate --list`). Each is an
/// ordinary scenario file, parsed like any other, so they double as examples.
public enum BuiltinScenarios {
    public static let all: [(name: String, yaml: String)] = [("smoke", smoke), ("busy-hour", busyHour), ("adversarial", adversarial)]

    public static func named(_ name: String) -> String? { all.first { $0.name == name }?.yaml }

    /// The network both built-ins share.
    static let network = """
    network:
      core: {ipv4: 10.10.0.1, ipv6: "2001:db8:10::1"}
      access:
        - {name: volte-north, kind: volte, share: 0.55, sbc: [198.51.100.10, 198.51.100.11], vlan: 110, tcp_share: 0.1, cells: 40, plmn: "46000"}
        - {name: volte-v6, kind: volte, share: 0.15, sbc: ["2001:db8:20::10"], cells: 20, plmn: "46001"}
        - {name: fixed-city, kind: fixed, share: 0.25, sbc: [192.0.2.20], tcp_share: 0.2}
        - {name: enterprise, kind: enterprise, share: 0.05, sbc: [192.0.2.30], asserts_identity: false}
      trunks:
        - {name: intl-gw, role: international, ip: 203.0.113.50, vlan: 300}
        - {name: domestic-ic, role: domestic, ip: 203.0.113.60}
        - {name: bank-trunk, role: trusted, ip: 192.0.2.90}
    """

    public static let smoke = """
    name: smoke
    description: About a minute of traffic in a small network, with every fraud campaign running at once.
    start: 2025-11-20T10:00:00Z
    duration: 60s
    country_code: "86"
    \(network)
    population:
      subscribers: 2000
      blocks: ["+8613800", "+8613900", "+8615000", "+8618600"]
      number_length: 13
      elderly_share: 0.15
      elderly_blocks: ["+8613900"]
    normal:
      calls_per_subscriber_per_hour: 9
      contacts: {min: 5, max: 30}
      social_share: 0.85
      holding: {median: 45s, sigma: 1.0, max: 1h}
      ring_median: 6s
      outcomes: {answered: 0.7, busy: 0.06, no_answer: 0.16, rejected: 0.04, unavailable: 0.04}
      retransmission_rate: 0.03
      fragmented_share: 0.05
      number_forms: {e164: 0.6, national: 0.3, international_prefix: 0.1}
      tel_uri_share: 0.3
      high_volume:
        - {name: bank-95588, numbers: ["+8695588"], calls_per_hour: 1200, answer_ratio: 0.5, holding_median: 40s, trunk: bank-trunk}
        - {name: call-centre, numbers: ["+864008001000", "+864008001001", "+864008001002"], calls_per_hour: 1800, answer_ratio: 0.45, holding_median: 90s, trunk: domestic-ic}
      foreign: {calls_per_hour: 1500, country_codes: ["+1", "+44", "+852", "+81"], trunk: intl-gw}
    campaigns:
      - type: goip_simbox
        calls_per_hour: 3600
        answer_ratio: 0.15
        holding_median: 25s
        camouflage_share: 0.1
        goip: {sims: 32, active_sims: 8, rotate_every: 20s, jitter: 0.05, user_agents: [dble], tac: "86217004", access: volte-north}
      - {type: spoofed_origin, calls_per_hour: 3000, trunk: intl-gw, answer_ratio: 0.3, holding_median: 120s, spoofing: {official_share: 0.3, official_numbers: ["+86110", "+8695588", "+8612315"]}}
      - {type: wangiri, calls_per_hour: 3000, trunk: intl-gw, answer_ratio: 0, number_lifetime_calls: 25, wangiri: {premium_prefix: "+88216", ring_max: 3s}}
      - {type: flood, calls_per_hour: 6000, trunk: domestic-ic, answer_ratio: 0.3, holding_median: 20s, number_lifetime_calls: 40, window: [0.2, 0.9]}
      - {type: scanning, calls_per_hour: 3000, trunk: domestic-ic, answer_ratio: 0.05, holding_median: 5s, number_lifetime_calls: 100, scanning: {block: "+8613900", step: 1, skip_share: 0.1}}
      - {type: targeted, calls_per_hour: 3000, answer_ratio: 0.5, holding_median: 180s, camouflage_share: 0.1, number_lifetime_calls: 15}
    """

    public static let busyHour = """
    name: busy-hour
    description: The evening busy hour of a 20,000-subscriber network, with campaigns at realistic rates.
    start: 2025-11-20T11:00:00Z
    duration: 1h
    country_code: "86"
    \(network)
    population:
      subscribers: 20000
      blocks: ["+8613800", "+8613900", "+8615000", "+8618600", "+8613700"]
      number_length: 13
      elderly_share: 0.18
      elderly_blocks: ["+8613900"]
      elderly_concentration: 0.75
    normal:
      calls_per_subscriber_per_hour: 1.2
      daily_curve: [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.4, 1.5, 1.6, 1.4, 1.4, 1.5, 1.5, 1.4, 1.3, 1.3, 1.4, 1.5, 1.3, 0.9, 0.5]
      contacts: {min: 5, max: 40}
      social_share: 0.85
      holding: {median: 60s, sigma: 1.1, max: 2h}
      ring_median: 7s
      outcomes: {answered: 0.72, busy: 0.05, no_answer: 0.15, rejected: 0.04, unavailable: 0.04}
      retransmission_rate: 0.02
      fragmented_share: 0.03
      number_forms: {e164: 0.5, national: 0.4, international_prefix: 0.1}
      tel_uri_share: 0.3
      high_volume:
        - {name: bank-95588, numbers: ["+8695588"], calls_per_hour: 900, answer_ratio: 0.5, holding_median: 40s, trunk: bank-trunk}
        - {name: call-centre, numbers: ["+864008001000", "+864008001001", "+864008001002", "+864008001003"], calls_per_hour: 1500, answer_ratio: 0.45, holding_median: 120s, trunk: domestic-ic}
      foreign: {calls_per_hour: 800, country_codes: ["+1", "+44", "+852", "+81", "+65"], trunk: intl-gw}
    campaigns:
      - type: goip_simbox
        sources: 2
        calls_per_hour: 400
        answer_ratio: 0.2
        holding_median: 30s
        camouflage_share: 0.1
        goip: {sims: 64, active_sims: 16, rotate_every: 10m, jitter: 0.1, user_agents: [dble, HYBERTONE], tac: "86217004", access: volte-north}
      - {type: spoofed_origin, calls_per_hour: 300, trunk: intl-gw, answer_ratio: 0.3, holding_median: 150s}
      - {type: wangiri, sources: 2, calls_per_hour: 500, trunk: intl-gw, answer_ratio: 0, number_lifetime_calls: 200}
      - {type: flood, calls_per_hour: 2000, trunk: domestic-ic, answer_ratio: 0.25, holding_median: 20s, number_lifetime_calls: 500, window: [0.3, 0.5]}
      - {type: scanning, calls_per_hour: 600, trunk: domestic-ic, answer_ratio: 0.05, holding_median: 5s, number_lifetime_calls: 300, window: [0.5, 0.8]}
      - {type: targeted, sources: 3, calls_per_hour: 60, answer_ratio: 0.5, holding_median: 240s, camouflage_share: 0.1, number_lifetime_calls: 30}
    """

    /// A busy hour in which the adversary uses its freedom and the honest crowd is as
    /// varied as the fraud: every campaign rotates caller IDs or mimics handsets, official
    /// numbers are spoofed over the domestic interconnect, Wangiri comes from an ordinary
    /// high-cost range; honest callers withhold their number, hang up quickly, lose BYEs,
    /// deliver parcels, call from off-net in bursts, from an enterprise PBX presenting one
    /// number, and from a hosted virtual operator's ranges. Scaled by `--calls`.
    public static let adversarial = """
    name: adversarial
    description: A busy hour of adversaries that rotate caller IDs and mimic handsets, among honest callers of every awkward kind.
    start: 2025-11-20T11:00:00Z
    duration: 1h
    country_code: "86"
    \(network)
        - {name: pbx-trunk, role: enterprise, ip: 192.0.2.70}
    population:
      subscribers: 20000
      blocks: ["+8613800", "+8613900", "+8615000", "+8618600", "+8613700", "+8617012", "+8617105"]
      number_length: 13
      elderly_share: 0.18
      elderly_blocks: ["+8613900"]
      elderly_concentration: 0.75
    normal:
      calls_per_subscriber_per_hour: 1.2
      contacts: {min: 5, max: 40}
      social_share: 0.85
      holding: {median: 60s, sigma: 1.1, max: 2h}
      ring_median: 7s
      outcomes: {answered: 0.72, busy: 0.05, no_answer: 0.15, rejected: 0.04, unavailable: 0.04}
      retransmission_rate: 0.02
      fragmented_share: 0.03
      number_forms: {e164: 0.5, national: 0.4, international_prefix: 0.1}
      tel_uri_share: 0.3
      anonymous_share: 0.04
      quick_hangup_share: 0.06
      lost_bye_share: 0.02
      high_volume:
        - {name: bank-95588, numbers: ["+8695588"], calls_per_hour: 900, answer_ratio: 0.5, holding_median: 40s, trunk: bank-trunk}
        - {name: call-centre, numbers: ["+864008001000", "+864008001001", "+864008001002", "+864008001003"], calls_per_hour: 1500, answer_ratio: 0.45, holding_median: 120s, trunk: domestic-ic}
        - {name: enterprise-pbx, numbers: ["+862168001234"], calls_per_hour: 900, answer_ratio: 0.55, holding_median: 90s, trunk: pbx-trunk}
      foreign: {calls_per_hour: 800, country_codes: ["+1", "+44", "+852", "+81", "+65", "+216"], trunk: intl-gw}
      # Off-net callers as a real interconnect carries them: most number blocks of 10,000
      # sparse, some with a caller every few minutes, one with a hundred in ten minutes.
      domestic: {calls_per_hour: 5000, trunk: domestic-ic, ranges: ["+86135", "+86136", "+861581", "+8613512", "+861891234"], callers: 60000, burst_share: 0.15, burst_max: 5}
      couriers: {count: 40, calls_per_hour: 30, answer_ratio: 0.8}
    campaigns:
      - type: goip_simbox
        label: simbox_handset
        sources: 2
        calls_per_hour: 400
        answer_ratio: 0.2
        holding_median: 30s
        camouflage_share: 0.1
        goip: {sims: 64, active_sims: 16, rotate_every: 5m, tac: "86217004", access: volte-north, via_access: true}
      - {type: spoofed_origin, label: spoofed_domestic, calls_per_hour: 300, trunk: domestic-ic, answer_ratio: 0.3, holding_median: 150s,
         spoofing: {official_share: 1.0, official_numbers: ["+86110", "+8695588", "+8612315", "+8696110"]}}
      - {type: spoofed_origin, calls_per_hour: 300, trunk: intl-gw, answer_ratio: 0.3, holding_median: 150s}
      - {type: wangiri, label: wangiri_rotating, sources: 2, calls_per_hour: 500, trunk: intl-gw, answer_ratio: 0,
         rotate_caller_id: {block_digits: 4}, wangiri: {premium_prefix: "+2165", number_length: 11}}
      - {type: flood, label: flood_rotating, calls_per_hour: 2000, trunk: domestic-ic, answer_ratio: 0.25, holding_median: 20s,
         rotate_caller_id: {block_digits: 4}, window: [0.3, 0.5]}
      - {type: scanning, label: scanning_rotating, calls_per_hour: 600, trunk: domestic-ic, answer_ratio: 0.05, holding_median: 5s,
         rotate_caller_id: {block_digits: 4}, window: [0.5, 0.8]}
      - {type: targeted, sources: 3, calls_per_hour: 60, answer_ratio: 0.5, holding_median: 240s, camouflage_share: 0.1, number_lifetime_calls: 30}
      - {type: pbx_hijack, trunk: pbx-trunk, calls_per_hour: 4000, answer_ratio: 0.7, holding_median: 300s, window: [0.6, 0.7],
         hijack: {presented: "+862168001234", destinations: ["+88216", "+2165", "+37167"]}}
    """
}
