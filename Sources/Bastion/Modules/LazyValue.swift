import Synchronization

/// A value created on first use and shared after that: lets modules defer expensive handler state
/// until a tool is actually called.
public final class LazyValue<Value: Sendable>: Sendable {
    private let make: @Sendable () -> Value
    private let storage = Mutex<Value?>(nil)

    /// Creates a lazy value.
    public init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    /// The value, created on the first access.
    public var value: Value {
        storage.withLock { stored in
            if let stored { return stored }
            let created = make()
            stored = created
            return created
        }
    }

    /// The value when it was created already, without creating it.
    public var ifCreated: Value? { storage.withLock { $0 } }
}
