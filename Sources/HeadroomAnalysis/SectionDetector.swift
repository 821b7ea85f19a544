import Foundation

/// Finds section boundaries in a sequence of feature frames (Foote 2000): a self-similarity matrix of
/// the frames (cosine of z-scored features), a Gaussian-tapered checkerboard kernel slid along its
/// diagonal gives a novelty curve, and its strongest peaks at least `minimumSectionFrames` apart (and
/// from both ends) are the boundaries.
public struct SectionDetector: Sendable {
    /// Half the kernel's width in frames (the kernel compares this much before with this much after).
    public var kernelHalfFrames: Int
    /// No section shorter than this.
    public var minimumSectionFrames: Int
    /// A novelty peak must reach this fraction of the largest peak...
    public var relativeThreshold: Double = 0.25
    /// ...and this absolute value (novelty is normalized to 0...1).
    public var absoluteThreshold: Double = 0.2

    public init(kernelHalfFrames: Int, minimumSectionFrames: Int) {
        self.kernelHalfFrames = kernelHalfFrames
        self.minimumSectionFrames = minimumSectionFrames
    }

    /// The novelty curve of `features` (frame-major; each frame the same length).
    public func novelty(_ features: [[Double]]) -> [Double] {
        let n = features.count
        guard n > 2, let dims = features.first?.count, dims > 0 else { return Array(repeating: 0, count: n) }
        // z-score every dimension over time, then unit-normalize every frame.
        var z = features
        for d in 0..<dims {
            let mean = features.reduce(0) { $0 + $1[d] } / Double(n)
            let variance = features.reduce(0) { $0 + ($1[d] - mean) * ($1[d] - mean) } / Double(n)
            let sd = max(variance.squareRoot(), 1e-9)
            for i in 0..<n { z[i][d] = (features[i][d] - mean) / sd }
        }
        for i in 0..<n {
            let norm = z[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-12 { z[i] = z[i].map { $0 / norm } }
        }
        let k = kernelHalfFrames
        // Similarity only within the kernel's reach of the diagonal.
        var sim = [[Double]](repeating: [Double](repeating: 0, count: 2 * k + 1), count: n)
        for i in 0..<n {
            for off in -k...k where i + off >= 0 && i + off < n {
                var dot = 0.0
                for d in 0..<dims { dot += z[i][d] * z[i + off][d] }
                sim[i][off + k] = dot
            }
        }
        let sigma = Double(k) / 2
        func taper(_ a: Int) -> Double { exp(-Double(a * a) / (2 * sigma * sigma)) }
        var curve = [Double](repeating: 0, count: n)
        for c in 0..<n {
            var total = 0.0, weight = 0.0
            // Rows a, columns b around the boundary between frame c-1 and c.
            for a in -k..<k {
                let ia = c + a
                guard ia >= 0 && ia < n else { continue }
                for b in -k..<k {
                    let ib = c + b
                    guard ib >= 0 && ib < n, abs(ib - ia) <= k else { continue }
                    let sameSide: Bool = (a < 0) == (b < 0)
                    let ta: Double = taper(a < 0 ? a + 1 : a)
                    let tb: Double = taper(b < 0 ? b + 1 : b)
                    let w: Double = ta * tb
                    let s: Double = sim[ia][ib - ia + k]
                    total += sameSide ? w * s : -w * s
                    weight += w
                }
            }
            // Normalized: 1 for two perfectly different halves, about 0 inside a steady section.
            curve[c] = weight > 0 ? max(0, total / weight) : 0
        }
        return curve
    }

    /// Boundary frame indices (a section starts at each), strongest novelty first, then sorted.
    public func boundaries(_ features: [[Double]]) -> [Int] {
        let n = features.count
        guard n >= 2 * minimumSectionFrames else { return [] }
        let curve = novelty(features)
        let peak = curve.max() ?? 0
        guard peak > 0 else { return [] }
        let threshold = max(absoluteThreshold, relativeThreshold * peak)
        var candidates: [Int] = []
        for i in 1..<(n - 1) {
            let isPeak = curve[i] >= curve[i - 1] && curve[i] > curve[i + 1]
            if isPeak && curve[i] >= threshold { candidates.append(i) }
        }
        candidates.sort { curve[$0] > curve[$1] }
        var chosen: [Int] = []
        for c in candidates {
            guard c >= minimumSectionFrames, n - c >= minimumSectionFrames else { continue }
            if chosen.allSatisfy({ abs($0 - c) >= minimumSectionFrames }) { chosen.append(c) }
        }
        return chosen.sorted()
    }
}
