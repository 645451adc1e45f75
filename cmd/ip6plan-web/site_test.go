package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeWasm stands in for app.wasm where only the site's files matter.
func fakeWasm(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "app.wasm")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGenerate(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "dist")
	v1, err := Generate(out, "../../web", fakeWasm(t, "wasm one"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"index.html", "app-worker.js", "manifest.webmanifest", "web/app.wasm", "web/app.wasm.gz", "web/icon.svg", "web/ip6plan.css"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("the site lacks %s: %v", f, err)
		}
	}
	if gz := gunzip(t, filepath.Join(out, "web/app.wasm.gz")); gz != "wasm one" {
		t.Errorf("app.wasm.gz holds %q", gz)
	}
	page, _ := os.ReadFile(filepath.Join(out, "app.js"))
	if !strings.Contains(string(page), `goappWasmContentLength = "8"`) {
		t.Error("app.js does not give the loader the wasm's size")
	}

	// A second run replaces the site whole, with a new version.
	os.WriteFile(filepath.Join(out, "stale.txt"), []byte("old"), 0o644)
	v2, err := Generate(out, "../../web", fakeWasm(t, "wasm two"))
	if err != nil {
		t.Fatal(err)
	}
	if v1 == v2 {
		t.Error("a new wasm kept the version")
	}
	if _, err := os.Stat(filepath.Join(out, "stale.txt")); err == nil {
		t.Error("a file of the old site survived")
	}

	// A failed run leaves the site as it was and nothing beside it.
	if _, err := Generate(out, "../../web", filepath.Join(parent, "missing.wasm")); err == nil || !strings.Contains(err.Error(), "ip6plan-web wasm") {
		t.Errorf("a missing wasm gave %v, want an error that says how to build it", err)
	}
	if _, err := Generate(out, filepath.Join(parent, "no-such-web"), fakeWasm(t, "wasm three")); err == nil {
		t.Error("a missing web directory gave no error")
	}
	if gz := gunzip(t, filepath.Join(out, "web/app.wasm.gz")); gz != "wasm two" {
		t.Errorf("after failed runs the site holds %q", gz)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("beside the site: %v, want only dist", names)
	}

	// A directory of other files is refused and left alone.
	other := filepath.Join(parent, "notes")
	os.Mkdir(other, 0o755)
	os.WriteFile(filepath.Join(other, "keep.txt"), []byte("mine"), 0o644)
	if _, err := Generate(other, "../../web", fakeWasm(t, "x")); err == nil || !strings.Contains(err.Error(), "holds no generated site") {
		t.Errorf("a foreign directory gave %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(other, "keep.txt")); string(b) != "mine" {
		t.Error("a foreign directory was changed")
	}
}

func gunzip(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFileServerGzip(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "site")
	if _, err := Generate(out, "../../web", fakeWasm(t, strings.Repeat("wasm ", 1000))); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(FileServer(out))
	defer srv.Close()
	gz, _ := os.ReadFile(filepath.Join(out, "web/app.wasm.gz"))
	for _, tc := range []struct {
		accept string
		gzip   bool
	}{
		{"", false},
		{"gzip", true},
		{"br, gzip;q=0.8, deflate", true},
		{"GZIP", true},
		{"gzip;q=0", false},
		{"deflate", false},
	} {
		req, _ := http.NewRequest("GET", srv.URL+"/web/app.wasm", nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		enc, ct := resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type")
		if ct != "application/wasm" {
			t.Errorf("Accept-Encoding %q: Content-Type %q", tc.accept, ct)
		}
		switch {
		case tc.gzip && (enc != "gzip" || !bytes.Equal(body, gz)):
			t.Errorf("Accept-Encoding %q: got encoding %q and %d bytes, want the %d gzipped", tc.accept, enc, len(body), len(gz))
		case !tc.gzip && (enc != "" || string(body) != strings.Repeat("wasm ", 1000)):
			t.Errorf("Accept-Encoding %q: got encoding %q and %d bytes, want the wasm as it is", tc.accept, enc, len(body))
		}
	}
	// The page itself has no .gz and is served as it is.
	resp, err := http.Get(srv.URL + "/")
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("the page: %v %v", err, resp)
	}
}
