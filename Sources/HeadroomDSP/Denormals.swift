import CHeadroomKernels

/// Denormal numbers flushed to zero while a block is processed, as audio software does (JUCE's
/// `ScopedNoDenormals`): a recursive filter fed digital silence decays into denormals, each of which costs
/// about 100x a normal operation (measured: ten minutes of silence after a song took 11x as long to
/// analyze). Flushed, the filter reaches zero. Audio never lives down there (below −750 dBFS), so the numbers
/// are the same; the setting is the calling thread's and is put back afterwards.
public enum Denormals {
    public static func flushed<R>(_ body: () throws -> R) rethrows -> R {
        let previous = headroom_denormals_flush()
        defer { headroom_denormals_restore(previous) }
        return try body()
    }
}
