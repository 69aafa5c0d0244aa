/// What the signalling says about the calling device, as byte views valid while the
/// event is handled. SIP fills it from the INVITE; ISUP has none of it. Detectors turn it
/// into facts (cell, TAC, IMEI, gateway traits) under their own rules.
public struct DeviceContext {
    static var empty: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }
    /// The user agent (SIP `User-Agent`).
    public var userAgent = empty
    /// The device instance, e.g. `<urn:gsma:imei:35209900-176148-0>` (SIP `+sip.instance`).
    public var instance = empty
    /// Where the device attaches, e.g. `3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=...`
    /// (SIP `P-Access-Network-Info`).
    public var accessNetwork = empty
    /// Hop limit as sent (SIP `Max-Forwards`; -1 when absent).
    public var maxForwards = -1
    /// Transaction identifier as sent (SIP top Via `branch`).
    public var transaction = empty
    /// Session description origin and name (SDP `o=` and `s=`).
    public var sessionOrigin = empty
    public var sessionName = empty

    public init() {}
}
