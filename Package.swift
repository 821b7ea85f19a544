// swift-tools-version: 6.1
// Headroom: analyzes and masters printed stereo mixes. GPL-3.0-or-later.
import PackageDescription

let package = Package(
    name: "Headroom",
    products: [
        .executable(name: "headroom", targets: ["headroom"]),
        .executable(name: "headroom-studio", targets: ["headroom-studio"]),
        .library(name: "HeadroomDSP", targets: ["HeadroomDSP"]),
        .library(name: "HeadroomAnalysis", targets: ["HeadroomAnalysis"]),
        .library(name: "HeadroomIO", targets: ["HeadroomIO"]),
        .library(name: "HeadroomSignals", targets: ["HeadroomSignals"]),
        .library(name: "HeadroomChecklist", targets: ["HeadroomChecklist"]),
        .library(name: "HeadroomMastering", targets: ["HeadroomMastering"]),
        .library(name: "HeadroomReport", targets: ["HeadroomReport"]),
        .library(name: "HeadroomTranslation", targets: ["HeadroomTranslation"]),
        .library(name: "HeadroomSession", targets: ["HeadroomSession"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The studio only (its own executable, so `make demo` does not build them): the server and its store.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // System libraries (installed by scripts/setup.sh).
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CEbur128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),

        // Hot SIMD kernels in C: one binary, AVX2/FMA chosen at run time.
        .target(name: "CHeadroomKernels"),

        // read → analyze → checklist → report. DSP never touches files.
        .target(name: "HeadroomDSP", dependencies: ["CFFTW", "CSoxr", "CHeadroomKernels"]),
        .target(name: "HeadroomAnalysis", dependencies: ["HeadroomDSP"]),
        .target(name: "HeadroomIO", dependencies: ["CSndFile", "HeadroomDSP"]),
        .target(name: "HeadroomSignals", dependencies: ["HeadroomDSP"]),
        .target(name: "HeadroomChecklist", dependencies: ["HeadroomAnalysis"]),
        .target(name: "HeadroomTranslation", dependencies: ["HeadroomDSP", "HeadroomAnalysis", "HeadroomChecklist"]),
        .target(name: "HeadroomMastering", dependencies: ["HeadroomDSP", "HeadroomAnalysis", "HeadroomChecklist", "HeadroomTranslation", "CHeadroomKernels"]),
        .target(name: "HeadroomReport", dependencies: ["HeadroomDSP", "HeadroomAnalysis", "HeadroomChecklist", "HeadroomMastering", "HeadroomTranslation", "HeadroomPlots"]),
        // One entry point for a job (open mix → analyze → plan → render → verify → write master + session
        // together): the CLI and the studio both call it.
        .target(name: "HeadroomSession", dependencies: [
            "HeadroomDSP", "HeadroomAnalysis", "HeadroomChecklist", "HeadroomMastering", "HeadroomTranslation", "HeadroomIO",
            "HeadroomSignals", "HeadroomPlots", "HeadroomReport",
        ]),
        // SVG plots from values (the studio and the static report share them). No I/O.
        .target(name: "HeadroomPlots", dependencies: ["HeadroomDSP", "HeadroomAnalysis", "HeadroomChecklist"]),
        // The local web studio: library store (GRDB/SQLite), jobs, HTTP API and page (Hummingbird).
        .target(
            name: "HeadroomStudio",
            dependencies: [
                "HeadroomSession", "HeadroomPlots", "HeadroomReport", "HeadroomAnalysis", "HeadroomChecklist",
                "HeadroomMastering", "HeadroomIO", "HeadroomDSP", "HeadroomTranslation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Page")]
        ),
        .executableTarget(
            name: "headroom-studio",
            dependencies: ["HeadroomStudio", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Test support only: libebur128 as the independent reference meter.
        .target(name: "HeadroomTestSupport", dependencies: ["CEbur128", "HeadroomDSP"]),
        .executableTarget(
            name: "headroom",
            dependencies: [
                "HeadroomAnalysis", "HeadroomChecklist", "HeadroomMastering", "HeadroomIO", "HeadroomSignals",
                "HeadroomReport", "HeadroomTranslation", "HeadroomSession",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "HeadroomDSPTests", dependencies: ["HeadroomDSP", "HeadroomSignals"]),
        .testTarget(
            name: "HeadroomAnalysisTests",
            dependencies: ["HeadroomAnalysis", "HeadroomSignals", "HeadroomIO", "HeadroomTestSupport"]
        ),
        .testTarget(name: "HeadroomChecklistTests", dependencies: ["HeadroomChecklist", "HeadroomAnalysis", "HeadroomSignals"]),
        .testTarget(
            name: "HeadroomMasteringTests",
            dependencies: ["HeadroomMastering", "HeadroomAnalysis", "HeadroomChecklist", "HeadroomSignals", "HeadroomIO", "HeadroomTestSupport"]
        ),
        .testTarget(name: "HeadroomPlotsTests", dependencies: ["HeadroomPlots", "HeadroomAnalysis", "HeadroomSignals", "HeadroomMastering", "HeadroomDSP"]),
        .testTarget(name: "HeadroomStudioTests", dependencies: [
            "HeadroomStudio", "headroom-studio", "HeadroomSignals", "HeadroomIO", "HeadroomDSP", "HeadroomMastering", "HeadroomTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "HeadroomSessionTests", dependencies: ["HeadroomSession", "HeadroomIO", "HeadroomSignals", "HeadroomMastering", "HeadroomTestSupport"]),
        .testTarget(name: "HeadroomTranslationTests", dependencies: ["HeadroomTranslation", "HeadroomAnalysis", "HeadroomChecklist", "HeadroomSignals", "HeadroomIO"]),
        .testTarget(name: "HeadroomIOTests", dependencies: ["HeadroomIO", "HeadroomSignals", "HeadroomTestSupport"]),
        // Runs the built `headroom` executable as a user would.
        .testTarget(name: "HeadroomCLITests", dependencies: ["headroom", "HeadroomIO", "HeadroomSignals", "HeadroomTestSupport", "HeadroomMastering", "HeadroomTranslation", "HeadroomAnalysis", "HeadroomDSP", "HeadroomChecklist"]),
    ]
)
