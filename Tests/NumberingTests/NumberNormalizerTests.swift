import Numbering
import Testing

@Suite("E.164 normalisation")
struct NumberNormalizerTests {
    let china = NumberNormalizer()

    @Test(arguments: [
        ("+8613812345678", "+8613812345678"),
        ("013812345678", "+8613812345678"),          // trunk prefix
        ("008613812345678", "+8613812345678"),       // international prefix
        ("+86 138-1234-5678", "+8613812345678"),     // visual separators
        ("(0)138.1234.5678", "+8613812345678"),
        ("13812345678", "+8613812345678"),           // national mobile number
        ("8613812345678", "+8613812345678"),         // international without '+'
        ("95588", "+8695588"),                       // service short code
        ("110", "+86110"),
        ("0088216001234", "+88216001234"),
        ("+3908351673002", "+3908351673002"),
    ])
    func normalises(_ input: String, _ expected: String) {
        #expect(china.normalize(input)?.description == expected)
    }

    @Test func phoneContextSuppliesTheCountryCode() {
        #expect(china.normalize("13812345678", phoneContext: "+86")?.description == "+8613812345678")
        #expect(china.normalize("2125551234", phoneContext: "+1")?.description == "+12125551234")
        // Dialled with the international prefix inside the context: international, whatever the context.
        #expect(china.normalize("00882160583416", phoneContext: "+86")?.description == "+882160583416")
        #expect(china.normalize("008617067131252", phoneContext: "+86")?.description == "+8617067131252")
        #expect(china.normalize("008695588", phoneContext: "+86")?.description == "+8695588")
        // The trunk prefix is still dropped from a national number in context.
        #expect(china.normalize("01012345678", phoneContext: "+86")?.description == "+861012345678")
    }

    @Test(arguments: ["alice", "", "+", "12ab34", "*99#", "1234567890123456789"])
    func nonNumbersStayRaw(_ input: String) {
        #expect(china.normalize(input) == nil)
    }

    @Test func otherHomeCountry() {
        let uk = NumberNormalizer(plan: NumberingPlan(countryCode: "44", maxNationalLength: 10))
        #expect(uk.normalize("02079460000")?.description == "+442079460000")
        #expect(uk.normalize("00861381234567")?.description == "+861381234567")
    }

    @Test func prefixesAndKeys() {
        let n = PhoneNumber(e164: "+8613812345678")!
        #expect(n.prefix(5).description == "+86138")
        #expect(n.digitCount == 13)
        // Leading zeros are part of the identity.
        #expect(PhoneNumber(e164: "0123")!.key != PhoneNumber(e164: "123")!.key)
        #expect(PhoneNumber(e164: "+1234567890123456") == nil)
    }
}
