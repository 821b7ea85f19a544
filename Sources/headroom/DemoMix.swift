import ArgumentParser
import HeadroomIO
import HeadroomSignals

/// `headroom demo-mix`: write the synthesized demo mix to a file, to listen to it or to try the tools.
struct DemoMix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-mix",
        abstract: "Write Headroom's synthesized demo mix (98 s, sections of different level) to a WAV or FLAC file.")

    @Argument(help: "Where to write it (.wav or .flac).")
    var output: String

    @Option(name: .long, help: "Sample rate in Hz.")
    var sampleRate: Double = 44_100

    @Flag(name: .long, help: "Replace the output file if it exists.")
    var force = false

    func validate() throws {
        guard AudioFileReader.supportedSampleRates.contains(sampleRate) else {
            throw ValidationError("--sample-rate must be between 8000 and 384000")
        }
        guard AudioFileFormat.container(forPath: output) == .wav || AudioFileFormat.container(forPath: output) == .flac else {
            throw ValidationError("the output must end in .wav or .flac")
        }
    }

    func run() throws {
        let song = SyntheticSong.demo(sampleRate: sampleRate).render()
        let container = AudioFileFormat.container(forPath: output)!
        do {
            try AudioFileWriter.write(song, to: output, format: AudioFileFormat(container, .int24),
                                      existing: force ? .overwrite : .keep)
        } catch let error as AudioFileError {
            throw Failure(message: error.description)
        }
        print("wrote \(output) (\(Int(song.durationSeconds)) s, 24-bit, \(Int(sampleRate)) Hz)")
    }
}
