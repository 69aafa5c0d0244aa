import Wire

/// A call at the moment of its setup (the initial INVITE), as the screening step sees
/// it: the message itself (valid only during screening), where it came from, and the
/// normalised parties. Nothing here allocates.
public struct CallSetup {
    public var message: SIPMessage
    public var context: MessageContext
    public var caller: CallParty
    public var callee: CallParty
    /// The dialog key (Call-ID and From tag), stable for the life of the call.
    public var dialogKey: UInt64

    public init(message: SIPMessage, context: MessageContext, caller: CallParty, callee: CallParty, dialogKey: UInt64) {
        self.message = message
        self.context = context
        self.caller = caller
        self.callee = callee
        self.dialogKey = dialogKey
    }
}
