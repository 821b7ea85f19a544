import Foundation

/// A small SVG writer: elements as text, attributes escaped, numbers with at most two decimals so the
/// files stay small and diffable. Plots are values → SVG text; no I/O.
public struct SVG {
    public let width: Double
    public let height: Double
    private var body: [String] = []
    private let cssClass: String

    public init(width: Double, height: Double, cssClass: String) {
        self.width = width; self.height = height; self.cssClass = cssClass
    }

    public static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// "12.35": two decimals at most, no trailing zeros.
    public static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    static func attributes(_ a: KeyValuePairs<String, String>) -> String {
        a.map { " \($0.key)=\"\(escape($0.value))\"" }.joined()
    }

    public mutating func add(_ element: String, _ attributes: KeyValuePairs<String, String>, text: String? = nil) {
        let attrs = Self.attributes(attributes)
        if let text { body.append("<\(element)\(attrs)>\(Self.escape(text))</\(element)>") } else { body.append("<\(element)\(attrs)/>") }
    }

    /// Raw markup (already escaped), e.g. a <title> inside a group.
    public mutating func raw(_ markup: String) { body.append(markup) }

    public mutating func polyline(_ points: [(Double, Double)], cssClass: String, extra: KeyValuePairs<String, String> = [:]) {
        let p = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        body.append("<polyline class=\"\(Self.escape(cssClass))\" points=\"\(p)\"\(Self.attributes(extra))/>")
    }

    public var text: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(cssClass)\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" "
            + "preserveAspectRatio=\"none\" role=\"img\">" + body.joined() + "</svg>"
    }
}

/// Maps values to plot coordinates (`from` → `to` may run downwards, as a y axis does).
struct Scale {
    let domain: ClosedRange<Double>
    let from: Double, to: Double
    var log = false

    init(domain: ClosedRange<Double>, from: Double, to: Double, log: Bool = false) {
        self.domain = domain; self.from = from; self.to = to; self.log = log
    }

    func callAsFunction(_ v: Double) -> Double {
        let (d0, d1) = log ? (Foundation.log10(domain.lowerBound), Foundation.log10(domain.upperBound)) : (domain.lowerBound, domain.upperBound)
        let x = log ? Foundation.log10(max(v, 1e-9)) : v
        let t = (x - d0) / max(d1 - d0, 1e-12)
        return from + t * (to - from)
    }
}

/// "1:07" for seconds.
func clock(_ s: Double) -> String {
    let t = max(0, Int(s.rounded()))
    return "\(t / 60):" + String(format: "%02d", t % 60)
}
