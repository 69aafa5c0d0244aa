import Calls
import Testing

@Suite("Dialog state machine: one test per transition")
struct DialogStateTests {
    @Test func provisionalResponses() {
        #expect(DialogState.calling.next(.provisional(100)) == .proceeding)
        #expect(DialogState.calling.next(.provisional(180)) == .ringing)
        #expect(DialogState.proceeding.next(.provisional(183)) == .ringing)
        #expect(DialogState.ringing.next(.provisional(180)) == .ringing)
    }

    @Test func answerAckAndBye() {
        #expect(DialogState.ringing.next(.success) == .answered)
        #expect(DialogState.calling.next(.success) == .answered)
        #expect(DialogState.answered.next(.ack) == .confirmed)
        #expect(DialogState.confirmed.next(.bye) == .terminated(.answered))
        #expect(DialogState.answered.next(.bye) == .terminated(.answered))
    }

    @Test func cancelThen487() {
        #expect(DialogState.ringing.next(.cancel) == .cancelling)
        #expect(DialogState.cancelling.next(.failure(487)) == .terminated(.cancelled))
        // A 200 crossing the CANCEL wins: the call was answered.
        #expect(DialogState.cancelling.next(.success) == .answered)
    }

    @Test func rejectionsAndChallenges() {
        #expect(DialogState.ringing.next(.failure(486)) == .terminated(.rejected))
        #expect(DialogState.calling.next(.failure(603)) == .terminated(.rejected))
        #expect(DialogState.calling.next(.failure(407)) == .challenged(407))
        #expect(DialogState.challenged(407).next(.reattempt) == .calling)
    }

    @Test func timeoutsAndTerminalStates() {
        #expect(DialogState.ringing.next(.timeout) == .terminated(.timedOut))
        #expect(DialogState.confirmed.next(.timeout) == .terminated(.timedOut))
        #expect(DialogState.terminated(.answered).next(.bye) == .terminated(.answered))
        #expect(DialogState.terminated(.cancelled).next(.success) == .terminated(.cancelled))
    }

    @Test func strayEventsChangeNothing() {
        #expect(DialogState.calling.next(.ack) == .calling)
        #expect(DialogState.confirmed.next(.provisional(180)) == .confirmed)
        #expect(DialogState.confirmed.next(.cancel) == .confirmed)
    }

    @Test func outcomeAtEndOfInput() {
        #expect(DialogState.ringing.outcomeAtEnd == .inProgress)
        #expect(DialogState.confirmed.outcomeAtEnd == .answered)
        #expect(DialogState.challenged(401).outcomeAtEnd == .rejected)
    }
}
