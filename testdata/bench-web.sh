#!/usr/bin/env bash
# The browser app's figures for the README: app.wasm size raw and gzipped
# (budget 2.5 MB gzip), load to interactive in headless Chromium on
# localhost (budget 1.5 s), and re-planning and redrawing a /48 of 65,536
# /64s after an edit (budget 200 ms). Needs chromium (apt-get install -y
# chromium) and, for the WebAssembly benchmark, node (apt-get install -y
# nodejs). Run from the repository root: bash testdata/bench-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mapfile -t flags < <(go run ./cmd/ip6plan-web wasm -flags)
echo "== app.wasm, as make web builds it: GOOS=js GOARCH=wasm go build ${flags[*]}"
go run ./cmd/ip6plan-web wasm -o "$work/app.wasm"
raw=$(stat -c %s "$work/app.wasm")
gz=$(gzip -9 -c "$work/app.wasm" | wc -c)
awk -v r="$raw" -v g="$gz" 'BEGIN { printf "raw  %d bytes (%.2f MB)\ngzip %d bytes (%.2f MB; budget 2.5 MB)\n", r, r/1e6, g, g/1e6 }'

echo "== as WebAssembly under Node.js: one edit of a 65,536-/64 plan, re-read and re-allocated (app.BenchmarkDocEdit); the whole plan pasted in (BenchmarkDocPaste); the hosts view and Postfix settings of 10,000 hosts (BenchmarkDocHosts)"
GOOS=js GOARCH=wasm go test "${flags[@]}" ./app -exec="$(go env GOROOT)/lib/wasm/go_js_wasm_exec" -run '^$' -bench 'DocEdit|DocPaste|DocHosts' -benchtime 5x |
  grep -E 'BenchmarkDoc|^(ok|FAIL)'

echo "== headless chromium on localhost: load, plan 65,536 /64s, edit, table, scroll"
go test ./cmd/ip6plan-web -run '^$' -bench BenchmarkBrowser -benchtime 1x -v 2>&1 |
  grep -E 'bench_test|BenchmarkBrowser|ms/op|-ms|^(ok|FAIL)'
