/// Why a packet (or a SIP message inside it) was malformed. The raw names are stable:
/// they appear as keys of `malformed_by_reason` in the run summary.
public enum MalformedReason: Int, CaseIterable, Sendable {
    case linkTruncated
    case ipv4BadHeader
    case ipv4Truncated
    case ipv6Truncated
    case ipExtensionHeaderTruncated
    case ipFragmentIncomplete
    case ipFragmentBadOffset
    case ipFragmentTableFull
    case tunnelTruncated
    case udpTruncated
    case tcpTruncated
    case tcpStreamGap
    case sipGarbageOnSIPPort
    case sipTruncatedHeaders
    case sipBadStartLine
    case sipHeaderTooLong
    case sipBadContentLength
    case sipMissingCallID
    case sipMissingFromOrTo
    case sipBadCSeq
    case sipMessageTooLarge
    case hepBadHeader
    case hepInflateFailed
    case hepPayloadNotSIP
    case gtpTruncated
    case sctpTruncated
    case sctpFragmentMissing
    case sctpReassemblyTableFull
    case webSocketBadHandshake
    case webSocketPayloadNotSIP
    case isupTruncated

    public var name: String {
        switch self {
        case .linkTruncated: "link_truncated"
        case .ipv4BadHeader: "ipv4_bad_header"
        case .ipv4Truncated: "ipv4_truncated"
        case .ipv6Truncated: "ipv6_truncated"
        case .ipExtensionHeaderTruncated: "ip_extension_header_truncated"
        case .ipFragmentIncomplete: "ip_fragment_incomplete"
        case .ipFragmentBadOffset: "ip_fragment_bad_offset"
        case .ipFragmentTableFull: "ip_fragment_table_full"
        case .tunnelTruncated: "tunnel_truncated"
        case .udpTruncated: "udp_truncated"
        case .tcpTruncated: "tcp_truncated"
        case .tcpStreamGap: "tcp_stream_gap"
        case .sipGarbageOnSIPPort: "sip_garbage_on_sip_port"
        case .sipTruncatedHeaders: "sip_truncated_headers"
        case .sipBadStartLine: "sip_bad_start_line"
        case .sipHeaderTooLong: "sip_header_too_long"
        case .sipBadContentLength: "sip_bad_content_length"
        case .sipMissingCallID: "sip_missing_call_id"
        case .sipMissingFromOrTo: "sip_missing_from_or_to"
        case .sipBadCSeq: "sip_bad_cseq"
        case .sipMessageTooLarge: "sip_message_too_large"
        case .hepBadHeader: "hep_bad_header"
        case .hepInflateFailed: "hep_inflate_failed"
        case .hepPayloadNotSIP: "hep_payload_not_sip"
        case .gtpTruncated: "gtp_truncated"
        case .sctpTruncated: "sctp_truncated"
        case .sctpFragmentMissing: "sctp_fragment_missing"
        case .sctpReassemblyTableFull: "sctp_reassembly_table_full"
        case .webSocketBadHandshake: "websocket_bad_handshake"
        case .webSocketPayloadNotSIP: "websocket_payload_not_sip"
        case .isupTruncated: "isup_truncated"
        }
    }
}

/// Why a well-formed packet carried no signalling this engine handles.
public enum SkipReason: Int, CaseIterable, Sendable {
    case unsupportedLinkType
    case notIP
    case otherIPProtocol
    case udpNotSIP
    case tcpNotSIP
    case tcpNoPayload
    /// SCTP without SIP: the association's control chunks, and SIGTRAN (M3UA, M2PA),
    /// which a later issue decodes.
    case sctp
    /// HEP of another protocol type than SIP (RTCP, logs, ...).
    case hep
    /// GTP-U messages that carry no user data (echo, error indication, end marker), or
    /// tunnels nested past the depth limit.
    case gtp
    /// SS7 without a call: SCCP, TUP, link status and fill-in units, SIGTRAN management.
    case notISUP

    public var name: String {
        switch self {
        case .unsupportedLinkType: "unsupported_link_type"
        case .notIP: "not_ip"
        case .otherIPProtocol: "other_ip_protocol"
        case .udpNotSIP: "udp_not_sip"
        case .tcpNotSIP: "tcp_not_sip"
        case .tcpNoPayload: "tcp_no_payload"
        case .sctp: "sctp_no_sip"
        case .hep: "hep_not_sip"
        case .gtp: "gtp_not_user_data"
        case .notISUP: "ss7_not_isup"
        }
    }
}

/// Things counted per layer on the way down; they explain the three totals.
public enum LayerCounter: Int, CaseIterable, Sendable {
    case ethernet, vlanTags, pppoe, ppp, linuxCooked, loopback, rawIP
    case ipv4, ipv6, ipInIP, gre, erspan
    case ipFragments, ipDatagramsReassembled, ipFragmentsExpired
    /// IP or UDP length fields larger than what was captured (snap length): decoded as far as captured.
    case ipLengthBeyondCapture, udpLengthBeyondCapture
    case udp, tcp
    case tcpSegmentsSIP, tcpRetransmissions, tcpOutOfOrder, tcpFlowsEvicted, tcpMessagesSpanningSegments
    case sipMessages, sipKeepalives, sipOverUDP, sipOverTCP
    /// HEP datagrams decoded, payloads inflated, SIP messages found inside, and HEP
    /// messages framed from TCP streams.
    case hep, hepInflated, sipOverHEP, hepOverTCP
    /// GTP-U G-PDUs whose user packet was decoded.
    case gtpU
    /// SCTP packets, DATA chunks, bad CRC32c, retransmitted chunks ignored, user messages
    /// reassembled from fragments, and SIP messages found.
    case sctp, sctpDataChunks, sctpBadChecksum, sctpDuplicateChunks, sctpMessagesReassembled, sipOverSCTP
    /// WebSocket frames read, and SIP messages found in them.
    case webSocketFrames, sipOverWebSocket
    /// SS7: MTP2 units, M2PA and M3UA messages, and ISUP messages decoded.
    case mtp2, m2pa, m3ua, isupMessages

    public var name: String {
        switch self {
        case .ethernet: "ethernet"
        case .vlanTags: "vlan_tags"
        case .pppoe: "pppoe"
        case .ppp: "ppp"
        case .linuxCooked: "linux_cooked"
        case .loopback: "loopback"
        case .rawIP: "raw_ip"
        case .ipv4: "ipv4"
        case .ipv6: "ipv6"
        case .ipInIP: "ip_in_ip"
        case .gre: "gre"
        case .erspan: "erspan"
        case .ipFragments: "ip_fragments"
        case .ipDatagramsReassembled: "ip_datagrams_reassembled"
        case .ipFragmentsExpired: "ip_fragments_expired"
        case .ipLengthBeyondCapture: "ip_length_beyond_capture"
        case .udpLengthBeyondCapture: "udp_length_beyond_capture"
        case .udp: "udp"
        case .tcp: "tcp"
        case .tcpSegmentsSIP: "tcp_segments_sip"
        case .tcpRetransmissions: "tcp_retransmissions"
        case .tcpOutOfOrder: "tcp_out_of_order"
        case .tcpFlowsEvicted: "tcp_flows_evicted"
        case .tcpMessagesSpanningSegments: "tcp_messages_spanning_segments"
        case .sipMessages: "sip_messages"
        case .sipKeepalives: "sip_keepalives"
        case .sipOverUDP: "sip_over_udp"
        case .sipOverTCP: "sip_over_tcp"
        case .hep: "hep"
        case .hepInflated: "hep_inflated"
        case .sipOverHEP: "sip_over_hep"
        case .hepOverTCP: "hep_over_tcp"
        case .gtpU: "gtp_u"
        case .sctp: "sctp"
        case .sctpDataChunks: "sctp_data_chunks"
        case .sctpBadChecksum: "sctp_bad_checksum"
        case .sctpDuplicateChunks: "sctp_duplicate_chunks"
        case .sctpMessagesReassembled: "sctp_messages_reassembled"
        case .sipOverSCTP: "sip_over_sctp"
        case .webSocketFrames: "websocket_frames"
        case .sipOverWebSocket: "sip_over_websocket"
        case .mtp2: "mtp2"
        case .m2pa: "m2pa"
        case .m3ua: "m3ua"
        case .isupMessages: "isup_messages"
        }
    }
}

/// What became of one packet. `pending` means it is held (an IP fragment waiting for
/// the rest of its datagram) and will be counted when the datagram completes or expires.
public enum PacketDisposition: Equatable, Sendable {
    case signalling
    case skipped(SkipReason)
    case malformed(MalformedReason)
    case pending
}
