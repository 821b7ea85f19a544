import CSoxr
import Foundation

/// Sample-rate conversion through libsoxr (very high quality, linear phase), one channel at a time.
public enum Resampler {
    /// `buffer` at `sampleRate`. Returns the buffer unchanged when the rates are equal.
    public static func resample(_ buffer: AudioBuffer, to sampleRate: Double) -> AudioBuffer {
        guard sampleRate != buffer.sampleRate else { return buffer }
        let ratio = sampleRate / buffer.sampleRate
        let outLength = Int((Double(buffer.frameCount) * ratio).rounded())
        var channels: [[Float]] = []
        for channel in buffer.channels {
            var out = [Float](repeating: 0, count: outLength + 16)
            var done = 0
            var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
            var quality = soxr_quality_spec(UInt(SOXR_VHQ), 0)
            let error = channel.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    soxr_oneshot(buffer.sampleRate, sampleRate, 1, src.baseAddress, buffer.frameCount, nil,
                                 dst.baseAddress, outLength, &done, &io, &quality, nil)
                }
            }
            precondition(error == nil, "soxr failed: \(String(cString: error!))")
            out.removeLast(out.count - outLength)
            channels.append(out)
        }
        return AudioBuffer(sampleRate: sampleRate, channels: channels)
    }
}

extension Resampler {
    /// The same samples as `resample`, channel by channel through `Stream`, each channel's memory given back
    /// as soon as it is resampled: given the only reference to `buffer` (`consume`), the song is in memory
    /// about 1.5 times at most instead of twice and more (libsoxr's one-shot call holds its own copies).
    public static func resample(releasing buffer: consuming AudioBuffer, to sampleRate: Double) -> AudioBuffer {
        var input = consume buffer
        guard sampleRate != input.sampleRate else { return input }
        let frames = input.frameCount, rate = input.sampleRate, chunk = 1 << 16
        var channels: [[Float]] = []
        for c in 0..<input.channelCount {
            let stream = Stream(channelCount: 1, from: rate, to: sampleRate)
            var out: [Float] = []
            out.reserveCapacity(stream.outputFrames(forInput: frames))
            input.channels[c].withUnsafeBufferPointer { src in
                var start = 0
                while start < frames {
                    let n = min(chunk, frames - start)
                    stream.process([UnsafeBufferPointer(rebasing: src[start..<(start + n)])]) { out += $0[0] }
                    start = start + n
                }
            }
            stream.finish { out += $0[0] }
            input.channels[c] = []
            channels.append(out)
        }
        return AudioBuffer(sampleRate: sampleRate, channels: channels)
    }
}

extension Resampler {
    /// Sample-rate conversion block by block, with the same quality as `resample` (one libsoxr resampler
    /// per channel): `process` hands over what is ready, `finish` the rest, so a whole file never needs to
    /// be in memory. In total it gives `outputFrames(forInput:)` frames, as `resample` does.
    public final class Stream {
        public let inputRate: Double, outputRate: Double
        private var resamplers: [soxr_t?]
        private var output: [[Float]]
        private var inputFrames = 0, outputFrames = 0

        public init(channelCount: Int, from inputRate: Double, to outputRate: Double) {
            self.inputRate = inputRate; self.outputRate = outputRate
            resamplers = (0..<channelCount).map { _ in
                var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
                var quality = soxr_quality_spec(UInt(SOXR_VHQ), 0)
                var error: soxr_error_t?
                let r = soxr_create(inputRate, outputRate, 1, &error, &io, &quality, nil)
                precondition(error == nil && r != nil, "soxr failed: \(String(cString: error!))")
                return r
            }
            output = Array(repeating: [], count: channelCount)
        }

        deinit { for r in resamplers { soxr_delete(r) } }

        /// The frames `resample` gives for `frames` input frames.
        public func outputFrames(forInput frames: Int) -> Int { Int((Double(frames) * outputRate / inputRate).rounded()) }

        /// Resamples a block (one buffer per channel, all of one length); `body` receives what is ready.
        public func process(_ block: [UnsafeBufferPointer<Float>], _ body: ([UnsafeBufferPointer<Float>]) throws -> Void) rethrows {
            inputFrames += block[0].count
            let room = Int((Double(block[0].count) * outputRate / inputRate).rounded(.up)) + 64
            var produced = 0
            for c in block.indices {
                produced = run(channel: c, input: block[c].baseAddress, count: block[c].count, room: room)
            }
            try hand(produced, body)
        }

        /// Flushes the resamplers' tails: `body` receives the last frames, up to the total `resample` gives.
        public func finish(_ body: ([UnsafeBufferPointer<Float>]) throws -> Void) rethrows {
            let total = outputFrames(forInput: inputFrames)
            while outputFrames < total {
                let room = min(total - outputFrames, 1 << 14)
                var produced = 0
                for c in output.indices { produced = run(channel: c, input: nil, count: 0, room: room) }
                if produced == 0 {  // the filter is drained: what is missing is silence
                    for c in output.indices { output[c] = [Float](repeating: 0, count: room) }
                    produced = room
                }
                try hand(min(produced, total - outputFrames), body)
            }
        }

        /// Runs one channel's resampler on `count` input samples (nil: the end of the input) into `output[c]`,
        /// growing it until all the input is taken; returns the frames it gave (at most `room` at the end).
        private func run(channel c: Int, input: UnsafePointer<Float>?, count: Int, room: Int) -> Int {
            var taken = 0, produced = 0
            while true {
                if output[c].count < produced + room { output[c] += [Float](repeating: 0, count: produced + room - output[c].count) }
                var used = 0, done = 0
                let error = output[c].withUnsafeMutableBufferPointer { dst in
                    soxr_process(resamplers[c], input.map { $0 + taken }, count - taken, &used, dst.baseAddress! + produced, room, &done)
                }
                precondition(error == nil, "soxr failed: \(String(cString: error!))")
                taken += used; produced += done
                if input == nil || taken == count { return produced }
            }
        }

        /// Hands the first `n` frames of `output` to `body`.
        private func hand(_ n: Int, _ body: ([UnsafeBufferPointer<Float>]) throws -> Void) rethrows {
            guard n > 0 else { return }
            outputFrames += n
            try AudioBuffer.withPointers(output, 0..<n, body)
        }
    }
}
