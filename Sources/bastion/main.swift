import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

// `bastion sandbox-exec` is started by the server for every command and piece of code it runs, so
// it is handled here, before ArgumentParser and logging are set up: its start-up cost is part of
// every run (target: a sandboxed `true` within 2 ms of a plain spawn).
if CommandLine.argc == 2, let verb = CommandLine.unsafeArgv[1], strcmp(verb, SandboxExecCommand.name) == 0 {
    SandboxExecCommand.run()
}

/// ArgumentParser's asynchronous entry point (top-level code would pick the synchronous overload).
func runBastionCommand() async {
    await BastionCommand.main(nil)
}

await runBastionCommand()
