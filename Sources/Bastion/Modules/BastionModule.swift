/// A bundle of tools and resources that plugs into Bastion (ARCHITECTURE §5).
///
/// Registration runs once at start-up and should be cheap: create expensive handler state on first
/// use (see ``LazyValue``). Handlers receive the caller's ``ClientContext`` and must reach files and
/// processes only through it.
///
/// Every tool and resource declares what a client must hold (``RequiredPermissions``): the
/// permissions it needs, matched with their call-level meaning (`[.systemCommand(pattern: "git")]`),
/// `.checkedPerCall(.fileRead)` when the handler checks each path itself, or `.public` when it
/// needs nothing. A declaration that says nothing is a registration problem, and the server does
/// not start.
public protocol BastionModule: Sendable {
    /// A short identifier for logs.
    var name: String { get }
    /// Registers the module's tools.
    func register(in tools: inout ToolRegistry)
    /// Registers the module's resources; the default registers none.
    func register(in resources: inout ResourceRegistry)
    /// Ends what the module runs (children, workers) once every connection has closed at server
    /// shutdown; the default does nothing.
    func shutdown() async
    /// Whether the module's tools run in the server process even for a client with
    /// `isolation = "process"`: tools that start sandboxed children themselves (the execution
    /// module) and need the server's cgroups and user switch. The default, `false`, runs them in
    /// the client's isolation worker.
    var runsInServer: Bool { get }
}

extension BastionModule {
    public func register(in resources: inout ResourceRegistry) {}
    public func shutdown() async {}
    public var runsInServer: Bool { false }
}
