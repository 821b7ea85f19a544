#!/usr/bin/env bash
# Writes the fuzz targets' seed corpus into Fuzz/Seeds (small files of every format Headroom reads, three
# sessions of a 3-second mix, session.dict). Run again after a session format change; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf Fuzz/Seeds
swift run --package-path Fuzz --scratch-path .build-fuzz-seeds -c release --disable-build-manifest-caching fuzz-seeds Fuzz/Seeds
du -sh Fuzz/Seeds/audio Fuzz/Seeds/session
