// swift-tools-version: 6.1
// Headroom's fuzz targets (libFuzzer): a package of its own beside the main one, so a normal build never
// needs the fuzzer runtime. Built and run by `make fuzz` (see the README). GPL-3.0-or-later.
import PackageDescription

let package = Package(
    name: "HeadroomFuzz",
    dependencies: [.package(name: "Headroom", path: "..")],
    targets: [
        // libFuzzer's driver, declared for Swift.
        .target(name: "CFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CFuzzer"]),
        .target(name: "FuzzSupport", dependencies: [
            .product(name: "HeadroomDSP", package: "Headroom"), .product(name: "HeadroomIO", package: "Headroom"),
            .product(name: "HeadroomSignals", package: "Headroom"),
        ]),
        // Bytes as an audio file: libsndfile's reader, Headroom's checks on what it returns, then analysis.
        .executableTarget(name: "fuzz-audio", dependencies: [
            "FuzzDriver", "FuzzSupport", .product(name: "HeadroomAnalysis", package: "Headroom"), .product(name: "HeadroomIO", package: "Headroom"),
        ], path: "Sources/FuzzAudio"),
        // Bytes as a session file: decoding, validation, the options applied beside it, then a render
        // whose master must stay under its ceiling.
        .executableTarget(name: "fuzz-session", dependencies: [
            "FuzzDriver", "FuzzSupport", .product(name: "HeadroomSession", package: "Headroom"),
            .product(name: "HeadroomMastering", package: "Headroom"), .product(name: "HeadroomAnalysis", package: "Headroom"),
        ], path: "Sources/FuzzSession"),
        // Writes the seed corpus (Fuzz/Seeds): small files of every format Headroom reads, and sessions.
        .executableTarget(name: "fuzz-seeds", dependencies: [
            "FuzzSupport", .product(name: "HeadroomSession", package: "Headroom"), .product(name: "HeadroomIO", package: "Headroom"),
            .product(name: "HeadroomMastering", package: "Headroom"), .product(name: "HeadroomAnalysis", package: "Headroom"),
            .product(name: "HeadroomChecklist", package: "Headroom"),
        ], path: "Sources/FuzzSeeds"),
    ]
)
