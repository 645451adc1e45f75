package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"testing"
)

// wasmBudget is the size budget for app.wasm, gzipped.
const wasmBudget = 2_500_000

// TestWasmSize keeps app.wasm, built as make web builds it, inside its
// budget: a size is deterministic, so unlike a speed it can be a test.
// compress/gzip at BestCompression writes about 1% more than the gzip -9
// of testdata/bench-web.sh, so this is the stricter of the two.
func TestWasmSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm")
	}
	s := buildSite(t)
	raw, err := os.ReadFile(s.wasm)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(raw)
	w.Close()
	t.Logf("app.wasm: %d bytes, %d gzipped (budget %d)", len(raw), b.Len(), wasmBudget)
	if b.Len() > wasmBudget {
		t.Errorf("app.wasm is %d bytes gzipped, over the budget of %d: see WasmFlags in build.go and testdata/bench-web.sh", b.Len(), wasmBudget)
	}
}
