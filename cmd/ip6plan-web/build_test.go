package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/tooltest"
)

// wasmBudget is the size budget for app.wasm, gzipped.
const wasmBudget = 2_500_000

// TestWasmSize keeps app.wasm, built as make web builds it, inside its
// budget: a size is deterministic, so unlike a speed it can be a test. It
// measures as testdata/bench-web.sh reports, with gzip -9, which is also
// how Generate writes the site's web/app.wasm.gz where gzip is installed.
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

// TestWasmHoldsNoServerCode reads the function names of app.wasm, built
// with WasmFlags but its name section kept, and finds none of the site
// generator, the server or an HTTP server: the wasm is the app alone.
func TestWasmHoldsNoServerCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm")
	}
	wasm := filepath.Join(t.TempDir(), "named.wasm")
	args := []string{"build"}
	for _, f := range WasmFlags {
		if !strings.HasPrefix(f, "-ldflags=") { // keep the name section
			args = append(args, f)
		}
	}
	cmd := exec.Command("go", append(args, "-o", wasm, wasmPackage)...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	b, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	names, err := wasmFuncNames(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 1000 || !slices.Contains(names, "main.main") {
		t.Fatalf("read %d function names, without main.main: the name section was not understood", len(names))
	}
	// Go writes names with '/' as '_' and a method (*T).M as __T_.M.
	forbidden := []string{
		"main.Generate", "main.serve", "main.FileServer", "main.BuildWasm", "main.run",
		"github.com_maxence_charriere_go_app_v10_pkg_app.GenerateStaticWebsite",
		"github.com_maxence_charriere_go_app_v10_pkg_app.__Handler_.ServeHTTP",
		"net_http.__Server_.Serve", "net_http.__Server_.ListenAndServe", "net_http.__conn_.serve",
		"net_http.FileServer",
	}
	for _, name := range names {
		for _, f := range forbidden {
			if name == f || strings.HasPrefix(name, f+".") {
				t.Errorf("app.wasm holds %s", name)
			}
		}
	}
}

// wasmFuncNames returns the function names of a WebAssembly module's
// "name" custom section (WebAssembly core spec, appendix "Name section").
func wasmFuncNames(b []byte) ([]string, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module")
	}
	r := bytes.NewReader(b[8:])
	for r.Len() > 0 {
		id, _ := r.ReadByte()
		size, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		sec := make([]byte, size)
		if _, err := io.ReadFull(r, sec); err != nil {
			return nil, err
		}
		if id != 0 {
			continue
		}
		s := bytes.NewReader(sec)
		if name, err := wasmName(s); err != nil || name != "name" {
			continue
		}
		for s.Len() > 0 {
			sub, _ := s.ReadByte()
			n, err := binary.ReadUvarint(s)
			if err != nil {
				return nil, err
			}
			body := make([]byte, n)
			if _, err := io.ReadFull(s, body); err != nil {
				return nil, err
			}
			if sub != 1 { // function names
				continue
			}
			f := bytes.NewReader(body)
			count, err := binary.ReadUvarint(f)
			if err != nil {
				return nil, err
			}
			names := make([]string, 0, count)
			for range count {
				if _, err := binary.ReadUvarint(f); err != nil { // function index
					return nil, err
				}
				name, err := wasmName(f)
				if err != nil {
					return nil, err
				}
				names = append(names, name)
			}
			return names, nil
		}
	}
	return nil, errors.New("no function names in the module")
}

func wasmName(r *bytes.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return "", err
	}
	b := make([]byte, n)
	_, err = io.ReadFull(r, b)
	return string(b), err
}
