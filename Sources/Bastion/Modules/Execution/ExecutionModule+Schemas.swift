import BastionProtocol

extension ExecutionModule {
    static let timeoutProperty: JSONValue = [
        "type": "integer",
        "description": .string(
            "Wall-clock limit in milliseconds (1 to your timeout_ms limit; default: that limit). "
                + "The whole process group is killed when it passes."
        ),
    ]

    static let commandSchema: JSONValue = [
        "type": "object",
        "properties": [
            "command": [
                "type": "array", "items": ["type": "string"],
                "description": "The program and its arguments (argv); no shell is involved",
            ],
            "cwd": ["type": "string", "description": "Working directory (default: your working directory)"],
            "stdin": ["type": "string", "description": "Text written to the program's standard input"],
            "env": [
                "type": "object", "additionalProperties": ["type": "string"],
                "description": "Extra environment variables (loader and shell start-up variables are refused)",
            ],
            "timeout_ms": timeoutProperty,
            "sudo": ["type": "boolean", "default": false, "description": "Run with the server's privileges"],
        ],
        "required": ["command"], "additionalProperties": false,
    ]

    static let codeSchema: JSONValue = [
        "type": "object",
        "properties": [
            "language": ["type": "string", "description": "Interpreter: sh, bash, python3, node (as installed)"],
            "code": ["type": "string", "description": "The source code"],
            "stdin": ["type": "string", "description": "Text written to the program's standard input"],
            "timeout_ms": timeoutProperty,
        ],
        "required": ["language", "code"], "additionalProperties": false,
    ]

    static let outputSchema: JSONValue = [
        "type": "object",
        "properties": [
            "exitCode": ["type": ["integer", "null"]],
            "signal": ["type": ["string", "null"]],
            "stdout": ["type": "string"],
            "stderr": ["type": "string"],
            "timedOut": ["type": "boolean"],
            "truncated": ["type": "boolean"],
            "durationMs": ["type": "integer"],
            "sandbox": ["type": ["object", "null"], "description": "What sandbox-exec reported it applied"],
            "sandboxFailure": ["type": "string", "description": "Why sandbox-exec refused to run the program"],
            "excludedWriteRoots": ["type": "array", "items": ["type": "string"]],
            "uid": ["type": "integer", "description": "The user id the program ran as (run_as, or 0 for sudo)"],
            "memoryLimitHit": [
                "type": "boolean",
                "description": "The run's cgroup reached limits.memory_mb and the kernel killed a process of it",
            ],
            "processLimitHit": [
                "type": "boolean",
                "description": "The run's cgroup reached limits.processes: a fork was refused",
            ],
        ],
        "required": ["exitCode", "signal", "stdout", "stderr", "timedOut", "truncated", "durationMs"],
    ]
}
