#!/usr/bin/env bash
# Installs the packages Headroom builds and tests against. Idempotent, no prompts.
#   usage: scripts/setup.sh [--bench]   (as root on a fresh Debian 12 machine; a no-op when all is there;
#                                        --bench adds ffmpeg, which `make bench` compares with)
# On macOS it installs the same with Homebrew (the names differ; see brew_pkgs).
set -euo pipefail
pkgs=(
  pkg-config
  libsndfile1-dev   # reading/writing audio files (WAV, AIFF, FLAC, Ogg/Vorbis, Opus, MP3)
  libebur128-dev    # reference loudness meter: the tests check our BS.1770 meter against it
  libfftw3-dev      # FFT (fftw3f) for spectra and section features
  libsoxr-dev       # sample-rate conversion
  sox libsox-fmt-base  # the corpus script converts its tracks with sox
  libsqlite3-dev    # the studio's store (GRDB)
  chromium chromium-driver  # the studio's browser tests (headless)
)
brew_pkgs=(pkg-config libsndfile libebur128 fftw libsoxr sox sqlite chromedriver)
pip_pkgs=(selenium)   # drives the headless browser in the studio's tests
# `setup.sh --bench` also installs what `make bench` compares Headroom with (ffmpeg's loudnorm).
if [ "${1:-}" = "--bench" ]; then pkgs+=(ffmpeg); brew_pkgs+=(ffmpeg); fi

if [ "$(uname)" = Darwin ]; then
  command -v brew >/dev/null || { echo "setup: install Homebrew first (https://brew.sh)" >&2; exit 1; }
  brew install "${brew_pkgs[@]}"
  python3 -m pip install -q "${pip_pkgs[@]}"
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these packages are missing: ${missing[*]}" >&2
    echo "setup: run as root (or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! python3 -c 'import selenium' 2>/dev/null; then
  echo "setup: installing ${pip_pkgs[*]} (PyPI)" >&2
  python3 -m pip install -q --disable-pip-version-check "${pip_pkgs[@]}" >/dev/null \
    || echo "setup: could not install ${pip_pkgs[*]}; the browser tests will be skipped" >&2
fi
