import Testing

@testable import BastionResources

struct ExecutionEnvironmentTests {
    @Test(arguments: ["", "A=B", "A\u{0}B", "LD_PRELOAD", "LD_LIBRARY_PATH", "BASH_ENV", "ENV", "BASH_FUNC_x%%",
        "NODE_OPTIONS", "PYTHONSTARTUP", "PATH", "HOME", "TMPDIR", "GIT_CONFIG_COUNT",
        // Review 4, finding 6: families that point a tool at code or configuration.
        "GIT_TEMPLATE_DIR", "GIT_PROXY_COMMAND", "OPENSSL_CONF", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
        "XDG_CONFIG_HOME", "PIP_INDEX_URL", "npm_config_script_shell", "MAKEFLAGS", "PYTHONWARNINGS", "SHELL"])
    func dangerousOrMalformedNamesAreRefused(_ name: String) {
        #expect(ExecutionEnvironment.isRefused(name))
    }

    @Test(arguments: ["GREETING", "CI", "RUST_LOG", "lower_case", "PYTHONUNBUFFERED", "NODE_ENV", "GOOD_NAME"])
    func ordinaryNamesPass(_ name: String) {
        #expect(!ExecutionEnvironment.isRefused(name))
    }

    @Test func theEnvironmentIsTheAllowListPlusTheClientsVariables() throws {
        let server = ["LANG": "C.UTF-8", "SECRET": "no", "TERM": "xterm"]
        let entries = try ExecutionEnvironment.make(
            workdir: "/w",
            temporary: "/w/.tmp",
            extra: [("GREETING", "hi"), ("LANG", "fr_FR.UTF-8")],
            server: { server[$0] }
        )
        #expect(entries.contains("PATH=/usr/local/bin:/usr/bin:/bin"))
        #expect(entries.contains("HOME=/w"))
        #expect(entries.contains("TMPDIR=/w/.tmp"))
        #expect(entries.contains("TERM=xterm"))
        #expect(entries.contains("GREETING=hi"))
        #expect(entries.contains("LANG=fr_FR.UTF-8") && !entries.contains("LANG=C.UTF-8"))
        #expect(!entries.contains { $0.hasPrefix("SECRET=") })
    }

    @Test func aRefusedNameOrNULValueFailsTheWholeRequest() {
        for extra in [[("LD_PRELOAD", "/x.so")], [("OK", "a\u{0}b")]] {
            #expect(throws: ExecutionError.self) {
                try ExecutionEnvironment.make(workdir: "/w", temporary: "/w/.tmp", extra: extra, server: { _ in nil })
            }
        }
    }
}
