// swift-tools-version: 6.0
// Headroom's benchmarks: realtime factors on a synthesized 4-minute song. Run: make bench
import PackageDescription

let package = Package(
    name: "HeadroomBenchmarks",
    // `Headroom` is a symlink to the repository root, so the package identity does not depend on the
    // folder the repository was cloned into.
    dependencies: [.package(path: "Headroom")],
    targets: [
        .executableTarget(
            name: "headroom-bench",
            dependencies: [
                .product(name: "HeadroomAnalysis", package: "Headroom"),
                .product(name: "HeadroomChecklist", package: "Headroom"),
                .product(name: "HeadroomIO", package: "Headroom"),
                .product(name: "HeadroomMastering", package: "Headroom"),
                .product(name: "HeadroomSignals", package: "Headroom"),
            ]
        ),
    ]
)
