package main

import (
	"os"
	"path/filepath"
	"testing"
)

// wasmBudget is the size budget for app.wasm, gzipped.
const wasmBudget = 2_500_000

// TestWasmSize keeps app.wasm, built as make web builds it, inside its
// budget: a size is deterministic, so unlike a speed it can be a test. It
// measures the web/app.wasm.gz the site ships (compress/gzip at
// BestCompression: about 1% more than the gzip -9 of
// testdata/bench-web.sh).
func TestWasmSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm")
	}
	s := buildSite(t)
	raw, err := os.Stat(filepath.Join(s.dir, "web", "app.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	gz, err := os.Stat(filepath.Join(s.dir, "web", "app.wasm.gz"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("app.wasm: %d bytes, %d gzipped (budget %d)", raw.Size(), gz.Size(), wasmBudget)
	if gz.Size() > wasmBudget {
		t.Errorf("app.wasm is %d bytes gzipped, over the budget of %d: see WasmFlags in build.go and testdata/bench-web.sh", gz.Size(), wasmBudget)
	}
}
