import BastionResources
import BastionSecurity

extension BastionConfiguration {
    /// The effective configuration as a TOML document, every value spelled out.
    ///
    /// `bastion check-config FILE` prints it. Paths are absolute, so parsing the result with
    /// ``parse(toml:source:environment:)`` gives back an equal configuration in any environment.
    /// - Returns: A TOML document.
    public func renderedTOML() -> String {
        var lines = ["# Effective Bastion configuration", ""]
        lines += renderServer(server)
        if let http {
            lines += ["", "[transport.http]", "listen = \(q(http.listen))"]
            if let tlsCert = http.tlsCert { lines.append("tls_cert = \(q(tlsCert))") }
            if let tlsKey = http.tlsKey { lines.append("tls_key = \(q(tlsKey))") }
            if let clientCA = http.clientCA { lines.append("client_ca = \(q(clientCA))") }
            if let publicURL = http.publicURL { lines.append("public_url = \(q(publicURL))") }
            lines.append("allowed_origins = \(array(http.allowedOrigins.map(q)))")
            if let maxBodyKB = http.maxBodyKB { lines.append("max_body_kb = \(maxBodyKB)") }
            if let rate = http.requestsPerSecond { lines.append("requests_per_second = \(rate)") }
            lines.append("max_connections_per_client = \(http.maxConnectionsPerClient)")
            lines.append("max_connections = \(http.maxConnections)")
            lines.append("header_timeout_ms = \(http.headerTimeoutMS)")
            lines.append("body_timeout_ms = \(http.bodyTimeoutMS)")
        }
        if let jwt {
            lines += ["", "[auth.jwt]", "issuer = \(q(jwt.issuer))"]
            if let audience = jwt.audience { lines.append("audience = \(q(audience))") }
            lines.append("public_keys = \(array(jwt.publicKeys.map(q)))")
            if let secret = jwt.hs256SecretFile { lines.append("hs256_secret_file = \(q(secret))") }
            if let signing = jwt.signingKeyFile { lines.append("signing_key_file = \(q(signing))") }
            lines.append("authorization_servers = \(array(jwt.authorizationServers.map(q)))")
            lines.append("required_scopes = \(array(jwt.requiredScopes.map(q)))")
        }
        if let dbus {
            lines += ["", "[transport.dbus]", "bus = \(q(dbus.bus))"]
        }
        for client in clients {
            lines += [""] + renderClient(client)
        }
        for prompt in prompts {
            lines += [""] + renderPrompt(prompt)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func renderServer(_ server: ServerConfiguration) -> [String] {
        var lines = [
            "[server]",
            "name = \(q(server.name))",
            "audit_log = \(q(server.auditLog))",
            "audit_sync = \(q(server.auditSync.rawValue))",
            "audit_max_bytes = \(server.auditMaxBytes)",
            "audit_keep = \(server.auditKeep)",
        ]
        if let node = server.nodeID { lines.append("node_id = \(q(node))") }
        if let syslog = server.auditSyslog { lines.append("audit_syslog = \(q(syslog.description))") }
        lines += [
            "audit_syslog_facility = \(q(server.auditSyslogFacility.rawValue))",
            "max_message_bytes = \(server.maxMessageBytes)",
            "max_depth = \(server.maxDepth)",
            "diagnostics = \(server.diagnostics)",
            "interpreters = \(array(server.interpreters.map { q($0) }))",
            "log_level = \(q(server.logLevel))",
            "request_timeout_ms = \(server.requestTimeoutMs)",
            "approval_timeout_ms = \(server.approvalTimeoutMs)",
            "page_size = \(server.pageSize)",
            "memory_budget_mb = \(server.memoryBudgetMB)",
            "require_sandbox = \(array(server.requireSandbox.map { q($0.rawValue) }))",
        ]
        return lines
    }

    private func renderClient(_ client: ClientConfiguration) -> [String] {
        let limits = client.limits
        var lines = [
            "[[clients]]",
            "id = \(q(client.id))",
            "workdir = \(q(client.workdir))",
            "permissions = \(array(client.permissions.map { q($0.description) }))",
            "limits = { cpu_seconds = \(limits.cpuSeconds), memory_mb = \(limits.memoryMB), "
                + "open_files = \(limits.openFiles), processes = \(limits.processes), "
                + "timeout_ms = \(limits.timeoutMs), output_kb = \(limits.outputKB), read_mb = \(limits.readMB), "
                + "list_entries = \(limits.listEntries), sessions = \(limits.sessions), "
                + "session_idle_ms = \(limits.sessionIdleMs), session_timeout_ms = \(limits.sessionTimeoutMs) }",
        ]
        var auth: [String] = []
        if let subject = client.auth.jwtSubject { auth.append("jwt_subject = \(q(subject))") }
        if let subject = client.auth.mtlsSubject { auth.append("mtls_subject = \(q(subject))") }
        if let uid = client.auth.dbusUID { auth.append("dbus_uid = \(uid)") }
        // The key's description never holds an HMAC secret (`hmac-sha256:<redacted>`).
        if let file = client.auth.signatureKeyFile {
            auth.append("signature_key_file = \(q(file))")
        } else if let key = client.auth.signatureKey {
            auth.append("signature_key = \(q(key.description))")
        }
        if !auth.isEmpty { lines.append("auth = { \(auth.joined(separator: ", ")) }") }
        lines += [
            "deny = \(array(client.deny.map(q)))",
            "approval = \(q(client.approval.rawValue))",
            "approval_channel = \(q(client.approvalChannel.rawValue))",
            "isolation = \(q(client.isolation.rawValue))",
            "read_only = \(client.readOnly)",
        ]
        if let runAs = client.runAs { lines.append("run_as = \(q(runAs.name))") }
        return lines
    }

    private func renderPrompt(_ prompt: PromptDefinition) -> [String] {
        var lines = ["[[prompts]]", "name = \(q(prompt.name))"]
        if let title = prompt.title { lines.append("title = \(q(title))") }
        if let description = prompt.description { lines.append("description = \(q(description))") }
        if !prompt.arguments.isEmpty {
            let arguments = prompt.arguments.map { argument in
                var fields = ["name = \(q(argument.name))"]
                if let description = argument.description { fields.append("description = \(q(description))") }
                fields.append("required = \(argument.isRequired)")
                if !argument.completions.isEmpty {
                    fields.append("completions = \(array(argument.completions.map(q)))")
                }
                return "{ \(fields.joined(separator: ", ")) }"
            }
            lines.append("arguments = \(array(arguments))")
        }
        if prompt.messages.count == 1, let only = prompt.messages.first, only.role == .user {
            lines.append("text = \(q(only.text))")
        } else {
            let messages = prompt.messages.map { "{ role = \(q($0.role.rawValue)), text = \(q($0.text)) }" }
            lines.append("messages = \(array(messages))")
        }
        return lines
    }

    private func q(_ text: String) -> String { TOMLString.quoted(text) }

    private func array(_ elements: [String]) -> String {
        elements.isEmpty ? "[]" : "[" + elements.joined(separator: ", ") + "]"
    }
}
