import Dispatch
import Foundation

/// Hands a streamed master to another sink on a thread of its own, so measuring and writing the master run
/// on a second core beside the render: the render's thread only copies each block into a free slot. The
/// blocks (and restarts) arrive in order; `finish` returns once every one handed over has been taken.
/// The slots are raw memory, handed between the threads by two semaphores.
public final class ThreadedSink: MasterSink, @unchecked Sendable {
    let next: MasterSink
    private let channelCount: Int, maxFrames: Int, slotCount: Int
    private let samples: UnsafeMutablePointer<Float>
    private let counts: UnsafeMutablePointer<Int>
    private let free: DispatchSemaphore, ready: DispatchSemaphore, done = DispatchSemaphore(value: 0)
    private var writeSlot = 0  // the render's thread only
    private var finished = false
    /// A restart travels through the slots in order, as a block of no frames; so does the end.
    private static let restartMark = -1
    private static let stopMark = -2

    /// Up to `slots` blocks of at most `maxFrames` frames wait at once.
    public init(next: MasterSink, channelCount: Int, maxFrames: Int = Renderer.blockSize, slots: Int = 16) {
        self.next = next
        self.channelCount = channelCount
        self.maxFrames = maxFrames
        slotCount = slots
        samples = .allocate(capacity: slots * channelCount * maxFrames)
        counts = .allocate(capacity: slots)
        free = DispatchSemaphore(value: slots)
        ready = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in consume() }
        thread.start()
    }

    deinit {
        samples.deallocate()
        counts.deallocate()
    }

    public func restart() { enqueue(Self.restartMark) { _ in } }

    public func add(_ block: [UnsafeBufferPointer<Float>]) {
        let n = block[0].count
        precondition(n <= maxFrames && block.count == channelCount)
        enqueue(n) { slot in
            for c in 0..<channelCount { (slot + c * maxFrames).update(from: block[c].baseAddress!, count: n) }
        }
    }

    /// Waits until the other thread has taken every block, and lets it end. Call once, after the render.
    public func finish() {
        guard !finished else { return }
        finished = true
        enqueue(Self.stopMark) { _ in }
        done.wait()
    }

    private func enqueue(_ count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) {
        free.wait()
        fill(samples + writeSlot * channelCount * maxFrames)
        counts[writeSlot] = count
        writeSlot = (writeSlot + 1) % slotCount
        ready.signal()
    }

    private func consume() {
        var k = 0
        while true {
            ready.wait()
            let n = counts[k]
            let slot = samples + k * channelCount * maxFrames
            k = (k + 1) % slotCount
            switch n {
            case Self.stopMark: free.signal(); done.signal(); return
            case Self.restartMark: next.restart()
            default: next.add((0..<channelCount).map { UnsafeBufferPointer(start: slot + $0 * maxFrames, count: n) })
            }
            free.signal()
        }
    }
}
