import CFuzzer

/// The fuzz targets' entry point, apart from `FuzzSupport` so the seed writer links without libFuzzer.
public enum FuzzDriver {
    /// One input, as libFuzzer hands it over.
    public typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// The package manager links `main` to `MODULE_main`, which calls this: the command line (corpus
    /// folders, -max_total_time=…, or crash files to replay) goes to libFuzzer's driver with `target`.
    public static func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ target: Target) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, target)
    }
}
