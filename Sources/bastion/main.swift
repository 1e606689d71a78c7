import ArgumentParser
import Bastion

#if canImport(Glibc)
import Glibc
#endif

// `bastion sandbox-exec` is started by the server for every command and piece of code it runs, so
// it is handled here, before ArgumentParser and logging are set up: its start-up cost is part of
// every run (target: a sandboxed `true` within 2 ms of a plain spawn).
if CommandLine.argc == 2, let verb = CommandLine.unsafeArgv[1], strcmp(verb, SandboxExecCommand.name) == 0 {
    SandboxExecCommand.run()
}

// `bastion worker`: a client's isolation worker (`isolation = "process"`), started by the server
// through sandbox-exec; it speaks only to the server, on its stdin and stdout.
if CommandLine.argc == 2, let verb = CommandLine.unsafeArgv[1], strcmp(verb, ToolWorker.verb) == 0 {
    await ToolWorker.run(logger: StderrLogging.bootstrap(level: "warning"))
}

/// ArgumentParser's asynchronous entry point (top-level code would pick the synchronous overload).
func runBastionCommand() async {
    await BastionCommand.main(ServeCommand.normalizingHTTPFlag(Array(CommandLine.arguments.dropFirst())))
}

await runBastionCommand()
