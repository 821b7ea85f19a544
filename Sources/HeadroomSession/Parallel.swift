import Dispatch
import Foundation

/// Runs `body` for 0..<count on up to `jobs` threads at once; results in index order.
public func parallelMap<T>(_ count: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let box = ParallelResults<T>(count)
    DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, count))) { _ in
        while let i = box.take() { box.put(i, body(i)) }
    }
    return box.results.map { $0! }
}

/// The work queue and results of `parallelMap`, behind a lock.
final class ParallelResults<T>: @unchecked Sendable {
    var results: [T?]
    private var next = 0
    private let lock = NSLock()
    init(_ n: Int) { results = Array(repeating: nil, count: n) }
    func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < results.count else { return nil }
        next += 1
        return next - 1
    }
    func put(_ i: Int, _ v: T) { lock.lock(); results[i] = v; lock.unlock() }
}

/// Seconds in a `Duration`.
public func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
