# The commands people type. CMake does the building; see README.md.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CORPORA    ?= $(abspath ../shared/corpora)
CMAKE_ARGS ?=
PREFIX     ?= /usr/local

.PHONY: all deps install test test-release test-asan demo bench fuzz fuzz-campaign web embedded clean

# Builds; never installs packages. scripts/deps.sh --check names any that
# are missing (`make deps` installs them). Only deps, demo, test, bench,
# fuzz and embedded install packages.
all:
	@scripts/deps.sh --check build
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DGIFLOW_CORPORA=$(CORPORA) $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

deps:
	@scripts/deps.sh build

# Libraries, giflow.h, giflow.pc, the CMake package, the CLI and its man
# page, under $(PREFIX) (and $(DESTDIR), as usual).
install: all
	cmake --install $(BUILD) --prefix $(PREFIX)

# The whole suite, twice: a release build with gcc, and ASan+UBSan with clang.
# The ASan build is GIFLOW_PORTABLE (no SIMD pixel pass), so every test also
# runs on the portable path; unit_pixels checks the vector paths in both.
# Test dependencies are installed before configuring, so CMake finds them.
test:
	@scripts/deps.sh build test web embedded
	$(MAKE) all
	$(MAKE) test-release test-asan

test-release:
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan:
	CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DGIFLOW_SANITIZE=ON -DGIFLOW_PORTABLE=ON -DGIFLOW_CORPORA=$(CORPORA) $(CMAKE_ARGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS)

demo:
	@scripts/deps.sh build
	$(MAKE) all
	@scripts/demo.sh $(BUILD)

bench:
	@scripts/deps.sh build bench web
	$(MAKE) all
	@bench/run.sh $(BUILD)

# libFuzzer targets (fuzz/README.md): a short run of each, or a campaign of
# FUZZ_SECONDS per target whose corpora persist outside the repository
# (FUZZ_DIR, default ~/.cache/giflow-fuzz).
fuzz:
	@scripts/deps.sh fuzz
	@fuzz/run.sh

fuzz-campaign:
	@scripts/deps.sh fuzz
	@fuzz/campaign.sh

# The viewer page with giflow.wasm in $(BUILD)/web; serve that folder over
# HTTP (python3 -m http.server -d $(BUILD)/web 8000) and open it.
web:
	@scripts/deps.sh web
	@web/build.sh $(BUILD)/web
	@cp web/index.html web/viewer.js web/giflow.js $(BUILD)/web/
	@echo "web: $(BUILD)/web; serve it with: python3 -m http.server -d $(BUILD)/web 8000"

# The Cortex-M0+ player firmware under qemu (embedded/run.sh): per-frame
# RGB565 CRCs against the host's, flash, RAM, stack, instructions per pixel.
# It also runs in make test (ctest embedded_player).
embedded:
	@scripts/deps.sh build embedded
	@embedded/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz build-embedded
