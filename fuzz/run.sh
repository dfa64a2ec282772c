#!/usr/bin/env bash
# make fuzz: a short run of every libFuzzer target (FUZZ_SECONDS each,
# default 60) on throwaway corpora in build-fuzz/state. For a long campaign
# whose corpora persist, see fuzz/campaign.sh (make fuzz-campaign).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-60} FUZZ_DIR=${FUZZ_DIR:-build-fuzz/state} exec fuzz/campaign.sh
