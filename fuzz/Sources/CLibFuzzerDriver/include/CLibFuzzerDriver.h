#ifndef C_LIB_FUZZER_DRIVER_H
#define C_LIB_FUZZER_DRIVER_H

/// Runs libFuzzer's driver on the target's `LLVMFuzzerTestOneInput` with the process arguments.
///
/// SwiftPM links an executable target with `--defsym main=<Module>_main`, so each fuzz target
/// defines `<Module>_main` and calls this; the driver is libFuzzer's documented `LLVMFuzzerRunDriver`.
int bastion_fuzz_main(int argc, char **argv);

#endif
