/// What a file was, as read: kept in reports so a user sees what Headroom heard.
public struct AudioFileInfo: Sendable, Codable, Equatable {
    /// The path as given.
    public var path: String
    /// Container and sample format, e.g. "WAV 24-bit PCM".
    public var format: String
    public var sampleRateHz: Double
    public var channelCount: Int
    public var frameCount: Int
    public var durationSeconds: Double { Double(frameCount) / sampleRateHz }

    public init(path: String, format: String, sampleRateHz: Double, channelCount: Int, frameCount: Int) {
        self.path = path
        self.format = format
        self.sampleRateHz = sampleRateHz
        self.channelCount = channelCount
        self.frameCount = frameCount
    }
}
