//go:build !wasm

package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ip6plan/ip6plan/plan/tooltest"
)

// TestUnderNode runs the tests of what differs in the browser build
// (deflate_js.go: the browser's CompressionStream and
// DecompressionStream) as WebAssembly under Node.js, whose streams are
// the web platform's.
func TestUnderNode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package's tests for GOOS=js GOARCH=wasm")
	}
	tooltest.Look(t, "node", "nodejs")
	exe := filepath.Join(runtime.GOROOT(), "lib", "wasm", "go_js_wasm_exec")
	cmd := exec.Command("go", "test", "-count=1", "-v", "-exec", exe, "-run", "^(TestDeflate|TestInflate|TestFragment)$", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test as wasm under node: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
