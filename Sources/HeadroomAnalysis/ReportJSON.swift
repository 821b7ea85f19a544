import Foundation

/// The one JSON encoder of every report, session and album file: pretty, keys sorted, and never failing on
/// a number: every value is meant to be finite (silence is −200), but should one not be, it is written as
/// the string "inf", "-inf" or "nan" instead of the encoder throwing after an output was written.
public enum ReportJSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }
}
