#!/usr/bin/env bash
# Runs every test: the unit and statistical tests (no root needed), then the
# end-to-end tests on real ptys with the real probe (root). Prints one closing
# line "N passed, N failed" summed over both runs; exits non-zero on failure.
set -uo pipefail
deno=${1:?usage: run_tests.sh DENO}
cd "$(dirname "$0")/.."
mkdir -p build
status=0
passed=0
failed=0
run() {
  local log=build/test-$1.log
  shift
  "$deno" test "$@" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  # deno's summary: "ok | 12 passed (3 steps) | 0 failed (2s)"
  local summary
  summary=$(sed -e 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^(ok|FAILED) \| [0-9]+ passed' | tail -n 1)
  if [ -z "$summary" ]; then
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + $(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary")))
  failed=$((failed + $(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary")))
}
run unit --allow-read --allow-env --allow-run --allow-write=/tmp --allow-sys --allow-net=127.0.0.1 tests/unit
if [ "$(id -u)" -eq 0 ]; then
  run e2e --allow-all tests/e2e
elif [ "${GHOST_HUNTER_CI:-}" = 1 ]; then
  echo "run_tests: end-to-end tests need root, and CI must run them"
  failed=$((failed + 1))
  status=1
else
  echo "run_tests: skipping end-to-end tests: not root (run: sudo make test)"
fi
echo "$passed passed, $failed failed"
exit $status
