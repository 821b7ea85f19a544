import Foundation
import HeadroomAnalysis
import HeadroomChecklist

/// What `headroom analyze` reports: the input file, the analysis and the checklist. Its JSON form is the
/// documented, stable interface for scripts (see the README).
public struct AnalysisReport: Codable, Sendable, Equatable {
    /// The file that was analyzed.
    public struct Input: Codable, Sendable, Equatable {
        public var path: String
        public var format: String
        public var sampleRateHz: Double
        public var channelCount: Int
        public var durationSeconds: Double
        public init(path: String, format: String, sampleRateHz: Double, channelCount: Int, durationSeconds: Double) {
            self.path = path; self.format = format; self.sampleRateHz = sampleRateHz
            self.channelCount = channelCount; self.durationSeconds = durationSeconds
        }
    }

    /// Version of the report's layout; bumped when keys change.
    public var schemaVersion = 1
    public var tool = "headroom"
    public var toolVersion: String
    public var input: Input
    public var analysis: Analysis
    public var checklist: Checklist

    public init(toolVersion: String, input: Input, analysis: Analysis, checklist: Checklist) {
        self.toolVersion = toolVersion
        self.input = input
        self.analysis = analysis
        self.checklist = checklist
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// Output formats of the reports.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, markdown
}
