import BastionProtocol

extension ExecutionModule {
    static let sessionIDProperty: JSONValue = [
        "type": "string", "description": "The session id start_process returned",
    ]

    /// `run_command`'s arguments and `run_code`'s, with the session's lifetime and first wait.
    static let startSchema: JSONValue = {
        var properties = commandSchema["properties"]?.objectValue ?? [:]
        for (name, rule) in codeSchema["properties"]?.objectValue ?? [:] where properties[name] == nil {
            properties[name] = rule
        }
        properties["timeout_ms"] = [
            "type": "integer",
            "description": .string(
                "The session's whole lifetime in milliseconds (default and maximum: your "
                    + "session_timeout_ms limit); the process group is killed when it passes"
            ),
        ]
        properties["code"] = [
            "type": "string",
            "description": "The source code to run; omit it (with language) to start the interpreter as a REPL",
        ]
        properties["wait_ms"] = [
            "type": "integer", "minimum": 0, "maximum": 30_000, "default": 500,
            "description": "How long to wait for the first output before answering",
        ]
        return ["type": "object", "properties": .object(properties), "additionalProperties": false]
    }()

    static let readSchema: JSONValue = [
        "type": "object",
        "properties": [
            "sessionId": sessionIDProperty,
            "stdoutOffset": [
                "type": "integer", "minimum": 0,
                "description": "Absolute byte offset in stdout to read from (default: where you last read)",
            ],
            "stderrOffset": [
                "type": "integer", "minimum": 0,
                "description": "Absolute byte offset in stderr to read from (default: where you last read)",
            ],
            "timeout_ms": [
                "type": "integer", "minimum": 0, "maximum": 30_000, "default": 1_000,
                "description": "How long to wait for new output when there is none yet",
            ],
        ],
        "required": ["sessionId"], "additionalProperties": false,
    ]

    static let writeSchema: JSONValue = [
        "type": "object",
        "properties": [
            "sessionId": sessionIDProperty,
            "input": [
                "type": "string", "maxLength": 1_048_576,
                "description": "Text written to the process's stdin (at most 1 MiB; add \"\\n\" to end a line)",
            ],
            "close": ["type": "boolean", "default": false, "description": "Close stdin after the input"],
        ],
        "required": ["sessionId", "input"], "additionalProperties": false,
    ]

    static let killSchema: JSONValue = [
        "type": "object",
        "properties": [
            "sessionId": sessionIDProperty,
            "signal": [
                "type": "string", "enum": ["TERM", "KILL", "INT", "HUP"], "default": "TERM",
                "description": "Sent to the whole process group; what is left is killed after a grace period",
            ],
        ],
        "required": ["sessionId"], "additionalProperties": false,
    ]

    static let listSchema: JSONValue = ["type": "object", "properties": [:], "additionalProperties": false]

    static let readingSchema: JSONValue = [
        "type": "object",
        "properties": [
            "sessionId": ["type": "string"],
            "pid": ["type": ["integer", "null"]],
            "running": ["type": "boolean"],
            "stdout": ["type": "string"],
            "stderr": ["type": "string"],
            "stdoutOffset": ["type": "integer", "description": "The offset to read stdout from next"],
            "stderrOffset": ["type": "integer", "description": "The offset to read stderr from next"],
            "dropped": [
                "type": "integer",
                "description":
                    "Bytes discarded (output buffer full) between the offsets asked for and what is returned",
            ],
            "exitCode": ["type": ["integer", "null"]],
            "signal": ["type": ["string", "null"]],
            "timedOut": ["type": "boolean"],
        ],
        "required": ["sessionId", "running", "stdout", "stderr", "stdoutOffset", "stderrOffset", "dropped"],
    ]
}
