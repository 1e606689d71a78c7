/// One message of a configured prompt; its text may hold `{{argument}}` placeholders.
public struct PromptMessageTemplate: Sendable, Hashable {
    /// Who speaks the message.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// The user.
        case user
        /// The model.
        case assistant
    }

    /// Who speaks the message.
    public var role: Role
    /// The message text, with placeholders before rendering and substituted values after.
    public var text: String

    /// Creates a message.
    /// - Parameters:
    ///   - role: Who speaks the message.
    ///   - text: The message text.
    public init(role: Role, text: String) {
        self.role = role
        self.text = text
    }
}
