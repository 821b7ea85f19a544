/// Terminal text that fits: every line at most `width` columns, a long line wrapped at spaces and continued
/// under its own indentation (plus four), so reports stay readable in an 100-column terminal.
public enum TextLayout {
    public static let width = 100

    public static func wrap(_ text: String, width: Int = width) -> String {
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var rest = String(line)
            let indent = String(rest.prefix { $0 == " " }) + "    "
            while rest.count > width {
                let limit = rest.index(rest.startIndex, offsetBy: width)
                let head = rest[..<limit]
                guard let cut = head.lastIndex(of: " "), head[..<cut].contains(where: { $0 != " " }),
                      rest.distance(from: rest.startIndex, to: cut) > indent.count else { break }
                out.append(String(rest[..<cut]))
                rest = indent + rest[rest.index(after: cut)...].drop { $0 == " " }
            }
            out.append(rest)
        }
        return out.joined(separator: "\n")
    }
}
