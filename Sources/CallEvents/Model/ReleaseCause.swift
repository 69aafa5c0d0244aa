/// ITU-T Q.850 release causes and the SIP status that stands for each when a call is
/// refused before an answer (RFC 3398 section 8.2.6.1), so that ISUP and SIP refusals
/// read alike to everything above the adapters.
public enum ReleaseCause {
    public static let normalClearing: UInt8 = 16
    public static let userBusy: UInt8 = 17
    public static let temporaryFailure: UInt8 = 41

    /// The SIP status of a refusal with `cause`.
    public static func sipStatus(_ cause: UInt8) -> Int {
        switch cause {
        case 1, 2, 3: 404
        case 16: 480   // normal clearing before an answer: nobody picked up
        case 17: 486
        case 18: 408
        case 19, 20, 31: 480
        case 21, 55, 57, 87: 403
        case 22: 410
        case 23: 410
        case 26: 404
        case 27: 502
        case 28: 484
        case 29: 501
        case 34, 38, 41, 42, 47, 58, 88: 503
        case 65, 70: 488
        case 79: 501
        case 102: 504
        default: 500
        }
    }
}
