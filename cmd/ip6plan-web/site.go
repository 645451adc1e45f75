//go:build !wasm

package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Handler returns the go-app handler of the site. version names the build:
// the service worker re-caches everything when it changes. wasmSize is
// app.wasm's size, for the loading progress: the Content-Length of a
// compressed response would count the compressed bytes.
func Handler(version string, wasmSize int) *app.Handler {
	return &app.Handler{
		Name:        "ip6plan",
		ShortName:   "ip6plan",
		Title:       "ip6plan: IPv6 address plans, zones and SPF, offline",
		Description: "Plan an IPv6 prefix, see it as a table and a map, and export zone files, SPF and Postfix settings. Runs entirely in the browser.",
		Lang:        "en",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		BackgroundColor: "#f7f7f4",
		ThemeColor:      "#1d4e89",
		LoadingLabel:    "Loading ip6plan… {progress}%",
		Styles:          []string{"/web/ip6plan.css"},
		// The pages, and what the service worker does not cache by itself.
		CacheableResources: append([]string{"/web/icon.svg"}, pages...),
		Version:            version,
		WasmContentLength:  strconv.Itoa(wasmSize),
	}
}

// Generate writes the static site into out: the pre-rendered pages, go-app's
// scripts, the service worker and manifest, the assets of web, and the wasm
// at wasmPath both as it is and gzipped (web/app.wasm.gz, for hosts that
// serve precompressed files, as FileServer does). It returns the version,
// a hash of the wasm and the assets, so that every build that changes them
// is a new version.
//
// The site is written into a new directory beside out and put in its place
// only when complete, so a failed run leaves the previous site as it was.
func Generate(out, web, wasmPath string) (string, error) {
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		return "", fmt.Errorf("%w (build it first: go run ./cmd/ip6plan-web wasm -o %s)", err, wasmPath)
	}
	assets, version, err := hashSite(wasm, web)
	if err != nil {
		return "", err
	}
	if err := checkOutput(out); err != nil {
		return "", err
	}
	parent, base := filepath.Split(filepath.Clean(out))
	if parent == "" {
		parent = "."
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // gone once renamed; removes a failed attempt
	if err := writeSite(tmp, web, assets, wasm, version); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	return version, replaceDir(out, tmp)
}

// hashSite lists the assets of web (app.wasm aside) and returns them with
// the version: the first 16 hex digits of a SHA-256 over the wasm and
// every asset's path, size and content.
func hashSite(wasm []byte, web string) (assets []string, version string, err error) {
	h := sha256.New()
	h.Write(wasm)
	err = filepath.WalkDir(web, func(path string, d fs.DirEntry, err error) error {
		if name := filepath.Base(path); err != nil || d.IsDir() || name == "app.wasm" || name == "app.wasm.gz" {
			return err
		}
		assets = append(assets, path)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	slices.Sort(assets)
	for _, a := range assets {
		b, err := os.ReadFile(a)
		if err != nil {
			return nil, "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(a), len(b))
		h.Write(b)
	}
	return assets, hex.EncodeToString(h.Sum(nil))[:16], nil
}

func writeSite(dir, web string, assets []string, wasm []byte, version string) error {
	routeAll()
	if err := app.GenerateStaticWebsite(dir, Handler(version, len(wasm)), pages...); err != nil {
		return err
	}
	for _, a := range assets {
		rel, _ := filepath.Rel(web, a)
		if err := copyFile(a, filepath.Join(dir, "web", rel)); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "web", "app.wasm"), wasm, 0o644); err != nil {
		return err
	}
	gz, err := gzipBest(wasm)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "web", "app.wasm.gz"), gz, 0o644)
}

// gzipBest compresses data with gzip -9 -n where gzip is installed, about
// 1% smaller than compress/gzip at its best (and what the size budget is
// measured with), else with compress/gzip. Both leave out name and time,
// so the same wasm gives the same file.
func gzipBest(data []byte) ([]byte, error) {
	if path, err := exec.LookPath("gzip"); err == nil {
		cmd := exec.Command(path, "-9", "-n", "-c")
		cmd.Stdin = bytes.NewReader(data)
		if out, err := cmd.Output(); err == nil {
			return out, nil
		}
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return gz.Bytes(), nil
}

// checkOutput refuses an output directory that holds files but no service
// worker: it is not a site Generate wrote, and replacing it would lose them.
func checkOutput(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, "app-worker.js")); err != nil {
		return fmt.Errorf("%s is not empty and holds no generated site; choose another output directory", dir)
	}
	return nil
}

// replaceDir puts the directory tmp at out, whose previous site (if any)
// is moved aside first and removed after.
func replaceDir(out, tmp string) error {
	old := tmp + ".old"
	hadOld := true
	if err := os.Rename(out, old); errors.Is(err, fs.ErrNotExist) {
		hadOld = false
	} else if err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		if hadOld {
			os.Rename(old, out)
		}
		return err
	}
	if hadOld {
		return os.RemoveAll(old)
	}
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
