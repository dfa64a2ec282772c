# The commands people type. CMake does the building; see README.md.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CORPORA    ?= $(abspath ../shared/corpora)
CMAKE_ARGS ?=

.PHONY: all deps test test-release test-asan demo bench fuzz clean

all: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DGIFLOW_CORPORA=$(CORPORA) $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

deps:
	@scripts/deps.sh build

# The whole suite, twice: a release build with gcc, and ASan+UBSan with clang.
# Test dependencies are installed before configuring, so CMake finds them.
test:
	@scripts/deps.sh build test
	$(MAKE) all
	$(MAKE) test-release test-asan

test-release:
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan:
	CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DGIFLOW_SANITIZE=ON -DGIFLOW_CORPORA=$(CORPORA) $(CMAKE_ARGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS)

demo: all
	@scripts/demo.sh $(BUILD)

bench: all
	@scripts/deps.sh bench
	@bench/run.sh $(BUILD)

fuzz:
	@scripts/deps.sh fuzz
	@fuzz/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
