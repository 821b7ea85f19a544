import Foundation
import HeadroomAnalysis
import HeadroomChecklist
import HeadroomDSP

/// What `headroom analyze` reports: the input file, the analysis and the checklist. Its JSON form is the
/// documented, stable interface for scripts (see the README).
public struct AnalysisReport: Codable, Sendable, Equatable {
    /// Version of the report's layout; bumped when keys change.
    public var schemaVersion = 2
    public var tool = "headroom"
    public var toolVersion: String
    /// The file that was analyzed.
    public var input: InputFile
    public var analysis: Analysis
    public var checklist: Checklist

    public init(toolVersion: String, input: InputFile, analysis: Analysis, checklist: Checklist) {
        self.toolVersion = toolVersion
        self.input = input
        self.analysis = analysis
        self.checklist = checklist
    }

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = ReportJSON.encoder()
        return try encoder.encode(self)
    }
}

/// Output formats of the reports.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, markdown
}
