#!/usr/bin/env bash
# Installs the Debian packages Headroom builds and tests against. Idempotent, no prompts.
#   usage: scripts/setup.sh        (as root on a fresh Debian 12 machine; a no-op when all is there)
set -euo pipefail
pkgs=(
  pkg-config
  libsndfile1-dev   # reading/writing audio files (WAV, AIFF, FLAC, Ogg/Vorbis, Opus, MP3)
  libebur128-dev    # reference loudness meter: the tests check our BS.1770 meter against it
  libfftw3-dev      # FFT (fftw3f) for spectra and section features
  libsoxr-dev       # sample-rate conversion
  sox libsox-fmt-base  # the dev corpus script converts its tracks with sox
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup: these packages are missing: ${missing[*]}" >&2
  echo "setup: run as root (or: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
