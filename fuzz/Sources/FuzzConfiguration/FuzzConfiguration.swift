import Bastion
import CLibFuzzerDriver
import FuzzSupport

/// Fuzzes the TOML configuration loader, from the bytes of a file to a validated configuration.
///
/// An accepted configuration must render (``BastionConfiguration/renderedTOML()``, what
/// `bastion check-config` prints) to TOML that parses back to an equal configuration, in this
/// environment and in another one (rendered paths are absolute), and renders the same again.
/// A refusal must describe itself. No file is read: the source path is a name only.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzConfiguration(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    let configuration: BastionConfiguration
    do {
        configuration = try BastionConfiguration.parse(tomlBytes: input.bytes, source: source, environment: environment)
    } catch {
        fuzzCheck(!error.description.isEmpty, "a configuration error without a description")
        return 0
    }
    let rendered = configuration.renderedTOML()
    for environment in [environment, otherEnvironment] {
        let reparsed: BastionConfiguration
        do {
            reparsed = try BastionConfiguration.parse(toml: rendered, source: source, environment: environment)
        } catch {
            fuzzCheck(false, "the rendered configuration is refused: \(error)\n\(rendered)")
            return 0
        }
        fuzzCheck(reparsed == configuration, "the rendered configuration parses to another one:\n\(rendered)")
        fuzzCheck(reparsed.renderedTOML() == rendered, "rendering is not stable:\n\(rendered)")
    }
    return 0
}

private let source = "/etc/bastion-fuzz/bastion.toml"
private let environment = ["HOME": "/home/fuzz", "XDG_STATE_HOME": "/var/lib/fuzz-state"]
private let otherEnvironment = ["HOME": "/root/other", "XDG_STATE_HOME": "/tmp/other-state"]

/// The entry point SwiftPM links as `main` (see `CLibFuzzerDriver.h`).
@_cdecl("FuzzConfiguration_main")
func fuzzConfigurationMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    bastion_fuzz_main(argc, argv)
}
