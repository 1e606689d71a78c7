import BastionSecurity

extension BastionConfiguration {
    /// The configured clients as the client registry knows them.
    /// - Parameter home: What `~` stands for in paths clients give.
    /// - Returns: One entry per client, in configuration order.
    func registryClients(home: String) -> [ClientManager.Client] {
        clients.map { ClientManager.Client(id: $0.id, rules: $0.permissionRules(home: home), limits: $0.limits) }
    }
}
