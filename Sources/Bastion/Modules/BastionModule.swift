/// A bundle of tools and resources that plugs into Bastion (ARCHITECTURE §5).
///
/// Registration runs once at start-up and should be cheap: create expensive handler state on first
/// use (see ``LazyValue``). Handlers receive the caller's ``ClientContext`` and must reach files and
/// processes only through it.
public protocol BastionModule: Sendable {
    /// A short identifier for logs.
    var name: String { get }
    /// Registers the module's tools.
    func register(in tools: inout ToolRegistry)
    /// Registers the module's resources; the default registers none.
    func register(in resources: inout ResourceRegistry)
}

extension BastionModule {
    public func register(in resources: inout ResourceRegistry) {}
}
