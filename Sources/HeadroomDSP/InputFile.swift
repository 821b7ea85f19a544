/// An audio file as read (what `AudioFileReader` returns, and what reports and sessions record): kept so a
/// user, and a re-render, know what was heard.
public struct InputFile: Codable, Sendable, Equatable {
    /// The path as given (or "demo mix (synthesized)").
    public var path: String
    /// Container and sample format, e.g. "WAV 24-bit PCM".
    public var format: String
    public var sampleRateHz: Double
    public var channelCount: Int
    public var frameCount: Int
    public var durationSeconds: Double

    public init(path: String, format: String, sampleRateHz: Double, channelCount: Int, frameCount: Int) {
        self.path = path
        self.format = format
        self.sampleRateHz = sampleRateHz
        self.channelCount = channelCount
        self.frameCount = frameCount
        durationSeconds = Double(frameCount) / sampleRateHz
    }
}
