public import BastionSecurity
public import BastionTransport

/// A connection's queued output counts against the process-wide memory budget while it waits.
extension MemoryBudget: OutputMemoryAccount {}
