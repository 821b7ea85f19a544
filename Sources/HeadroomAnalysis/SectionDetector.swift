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
    /// Loudness steps count as novelty too: a step of this many LU counts 1.0 (smaller steps less, larger
    /// ones up to 2). Z-scored cosine similarity
    /// misses a change of level alone (every band moves the same way), which matters most for mastering.
    public var loudnessStepFullScaleLU: Double = 12

    public init(kernelHalfFrames: Int, minimumSectionFrames: Int) {
        self.kernelHalfFrames = kernelHalfFrames
        self.minimumSectionFrames = minimumSectionFrames
    }

    /// The novelty curve of `features` (frame-major; each frame the same length), combined with the
    /// loudness steps of `loudnessLU` (one value per frame) when given.
    public func novelty(_ features: [[Double]], loudnessLU: [Double]? = nil) -> [Double] {
        var curve = spectralNovelty(features)
        if let loudnessLU {
            let step = loudnessSteps(loudnessLU)
            for i in curve.indices {
                // Grows without a plateau (peaks stay sharp) but never beyond 2: a fade-in from silence
                // must not drown every other boundary.
                curve[i] = max(curve[i], 2 * step[i] / (step[i] + loudnessStepFullScaleLU))
            }
        }
        return curve
    }

    /// |mean loudness after − mean loudness before| around each frame, with the kernel's Gaussian taper.
    func loudnessSteps(_ l: [Double]) -> [Double] {
        let n = l.count, k = kernelHalfFrames
        let sigma = Double(k) / 2
        return (0..<n).map { c in
            var before = 0.0, wb = 0.0, after = 0.0, wa = 0.0
            for a in 0..<k {
                let w = exp(-Double(a * a) / (2 * sigma * sigma))
                if c - 1 - a >= 0 { before += w * l[c - 1 - a]; wb += w }
                if c + a < n { after += w * l[c + a]; wa += w }
            }
            return wb > 0 && wa > 0 ? abs(after / wa - before / wb) : 0
        }
    }

    func spectralNovelty(_ features: [[Double]]) -> [Double] {
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
    public func boundaries(_ features: [[Double]], loudnessLU: [Double]? = nil) -> [Int] {
        let n = features.count
        guard n >= 2 * minimumSectionFrames else { return [] }
        let curve = novelty(features, loudnessLU: loudnessLU)
        let valid = minimumSectionFrames...(n - minimumSectionFrames)
        let peak = curve[valid].max() ?? 0
        guard peak > 0 else { return [] }
        let threshold = max(absoluteThreshold, relativeThreshold * peak)
        var candidates: [Int] = []
        for i in valid where i > 0 && i < n - 1 {
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
