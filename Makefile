# Headroom: two commands do all the set-up on a fresh Debian 12 machine (as root):
#   make demo   installs what the build needs, builds, and masters the demo mix (or MIX=path/to/mix.wav)
#   make test   installs, builds the test corpus (scripts/make-corpus.sh), and runs every test
SHELL := /bin/bash
CORPUS ?= /tmp/headroom-dev-corpus
MIX ?=

.PHONY: setup build demo test corpus bench clean studio fuzz studio-timing
FUZZ_SECONDS ?= 300

setup:
	@bash scripts/setup.sh

build: setup
	swift build -c release --product headroom

demo: build
ifeq ($(MIX),)
	@mkdir -p .build/demo
	.build/release/headroom master -o .build/demo/demo.master.wav --force
else
	.build/release/headroom master "$(MIX)"
endif

# The project's own recipe (Debian packages only); if it cannot build the corpus, its tests are skipped.
corpus: setup
	@bash scripts/make-corpus.sh "$(CORPUS)" >/dev/null && echo "test corpus: $(CORPUS)" \
	  || echo "test corpus could not be built; corpus tests will be skipped"

# Swift tests (unit, CLI, corpus, the studio's API), then the studio in headless Chromium.
test: corpus
	HEADROOM_CORPUS=$(CORPUS) swift test -c release
	python3 Tests/browser/studio_test.py .build/release
	bash scripts/fuzz.sh 60

# libFuzzer with the address sanitizer on audio bytes and on session files (Fuzz/, seeds in Fuzz/Seeds).
fuzz: setup
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# Headroom Studio, the local web page (its own executable: the CLI does not build the server).
studio: setup
	swift build -c release --product headroom
	swift build -c release --product headroom-studio
	.build/release/headroom-studio $(if $(PORT),--port $(PORT))

# The studio on a 5-minute song: analysis, page open, render against the CLI, memory (headless Chromium).
studio-timing: setup
	swift build -c release --product headroom
	swift build -c release --product headroom-studio
	python3 scripts/studio-timing.py .build/release

# Manifest caching would miss source files added to the path dependency (the repository itself).
# In-process stage timings, then the `headroom` executable as a user runs it against ffmpeg's two-pass
# loudnorm and sox (installed by `setup.sh --bench`); LONG=60 adds a 60-minute input's memory.
bench:
	@bash scripts/setup.sh --bench
	swift build -c release --product headroom
	cd Benchmarks && swift run -c release --disable-build-manifest-caching headroom-bench 5 \
	  --headroom $(CURDIR)/.build/release/headroom $(if $(LONG),--long-minutes $(LONG))

clean:
	rm -rf .build .build-fuzz .build-fuzz-seeds Benchmarks/.build
