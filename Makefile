# Headroom: two commands do all the set-up on a fresh Debian 12 machine (as root):
#   make demo   installs what the build needs, builds, and masters the demo mix (or MIX=path/to/mix.wav)
#   make test   installs, builds the dev corpus, and runs every test
SHELL := /bin/bash
CORPUS ?= /tmp/headroom-dev-corpus
SHARED ?= $(firstword $(wildcard ../shared) $(wildcard ../../shared))
MIX ?=

.PHONY: setup build demo test corpus bench clean

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

corpus: setup
	@if [ -n "$(SHARED)" ] && [ -x "$(SHARED)/corpus/make-dev-corpus.sh" -o -f "$(SHARED)/corpus/make-dev-corpus.sh" ]; then \
	  bash "$(SHARED)/corpus/make-dev-corpus.sh" "$(CORPUS)" >/dev/null && echo "dev corpus: $(CORPUS)"; \
	else echo "dev corpus script not found (../shared/corpus); corpus tests will be skipped"; fi

test: corpus
	HEADROOM_CORPUS=$(CORPUS) swift test -c release

bench: setup
	cd Benchmarks && swift run -c release headroom-bench

clean:
	rm -rf .build Benchmarks/.build
