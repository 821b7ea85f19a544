#!/usr/bin/env bash
# Builds Headroom's real-music test corpus from Debian's packages; nothing else is needed beside the clone.
# Six released tracks (GPL-2+, Debian package extremetuxracer-data): nobody on the team wrote them, so they
# keep the tool honest.
#   usage: scripts/make-corpus.sh [DIR]      (default: /tmp/headroom-dev-corpus; root on a fresh machine)
# Writes DIR/orig/NAME.wav        the track as released, 44.1 kHz 24-bit stereo (already mastered)
#        DIR/premaster/NAME.wav   the same turned down so its sample peak is -6 dBFS: a mix printed with headroom
#        DIR/.complete            when all six are there (the tests look for it)
# Idempotent. Exits 3 (and writes no .complete) when the packages cannot be had: the corpus tests are
# then reported as skipped, never failed.
set -euo pipefail
out=${1:-/tmp/headroom-dev-corpus}
src=/usr/share/games/etr/music
tracks=(calmrace-ks credits1-cp freezingpoint spunkyrace-ks start1-jt race1-jt)
need=()
[ -d "$src" ] || need+=(extremetuxracer-data)
command -v sox >/dev/null || need+=(sox libsox-fmt-base)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "make-corpus: needs ${need[*]} (run as root, or: sudo apt-get install -y ${need[*]})" >&2; exit 3
  fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; } \
    || { echo "make-corpus: could not install ${need[*]}; corpus tests will be skipped" >&2; exit 3; }
fi
mkdir -p "$out/orig" "$out/premaster"
for name in "${tracks[@]}"; do
  [ -f "$out/premaster/$name.wav" ] && continue
  sox -G "$src/$name.ogg" -r 44100 -c 2 -b 24 "$out/orig/.$name.wav"
  mv "$out/orig/.$name.wav" "$out/orig/$name.wav"
  peak=$(sox "$out/orig/$name.wav" -n stat 2>&1 | awk '/Maximum amplitude/{a=$3} /Minimum amplitude/{b=-$3} END{print (a>b?a:b)}')
  gain=$(awk -v p="$peak" 'BEGIN{printf "%.3f", -6 - 20*log(p)/log(10)}')
  sox "$out/orig/$name.wav" -b 24 "$out/premaster/.$name.wav" gain "$gain"
  mv "$out/premaster/.$name.wav" "$out/premaster/$name.wav"
done
touch "$out/.complete"
echo "$out"
