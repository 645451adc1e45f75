package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ip6plan/ip6plan/plan/tooltest"
)

// wasmBudget is the size budget for app.wasm, gzipped.
const wasmBudget = 2_500_000

// TestWasmSize keeps app.wasm, built as make web builds it, inside its
// budget: a size is deterministic, so unlike a speed it can be a test. It
// measures as testdata/bench-web.sh reports, with gzip -9. (The site's
// web/app.wasm.gz, from compress/gzip, is about 1% bigger.)
func TestWasmSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm")
	}
	gzip := tooltest.Look(t, "gzip", "gzip")
	s := buildSite(t)
	wasm := filepath.Join(s.dir, "web", "app.wasm")
	raw, err := os.Stat(wasm)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(gzip, "-9", "-c", wasm).Output()
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := os.Stat(wasm + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("app.wasm: %d bytes; gzip -9 %d (budget %d); the site's app.wasm.gz %d", raw.Size(), len(out), wasmBudget, shipped.Size())
	if len(out) > wasmBudget {
		t.Errorf("app.wasm is %d bytes under gzip -9, over the budget of %d: see WasmFlags in build.go and testdata/bench-web.sh", len(out), wasmBudget)
	}
}
