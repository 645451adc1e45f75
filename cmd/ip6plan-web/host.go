//go:build !wasm

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

const usage = `usage:
  ip6plan-web wasm [-o web/app.wasm] [-flags]
      build the app (GOOS=js GOARCH=wasm) with its build flags, or with
      -flags print those flags, one per line, for other go commands
  ip6plan-web gen [-wasm web/app.wasm] [-web web] [-o dist]
      write the static site (pre-rendered page, service worker, manifest,
      assets and app.wasm) into the output directory, for any static host
  ip6plan-web serve [-dir dist] [-addr 127.0.0.1:8080]
      serve a generated site
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "wasm":
		fl := flag.NewFlagSet("wasm", flag.ContinueOnError)
		fl.SetOutput(stderr)
		out := fl.String("o", "web/app.wasm", "the file to write")
		print := fl.Bool("flags", false, "print the build flags instead of building")
		if fl.Parse(args[1:]) != nil {
			return 2
		}
		if *print {
			fmt.Fprintln(stdout, strings.Join(WasmFlags, "\n"))
			return 0
		}
		err = BuildWasm(*out, stderr)
	case "gen":
		fl := flag.NewFlagSet("gen", flag.ContinueOnError)
		fl.SetOutput(stderr)
		wasm := fl.String("wasm", "web/app.wasm", "the app built with GOOS=js GOARCH=wasm")
		web := fl.String("web", "web", "the directory of static assets (CSS, icons)")
		out := fl.String("o", "dist", "the directory to write the site into")
		if fl.Parse(args[1:]) != nil {
			return 2
		}
		var version string
		version, err = Generate(*out, *web, *wasm)
		if err == nil {
			fmt.Fprintf(stdout, "wrote %s (version %s)\n", *out, version)
		}
	case "serve":
		fl := flag.NewFlagSet("serve", flag.ContinueOnError)
		fl.SetOutput(stderr)
		dir := fl.String("dir", "dist", "the generated site")
		addr := fl.String("addr", "127.0.0.1:8080", "the address to listen on")
		if fl.Parse(args[1:]) != nil {
			return 2
		}
		err = serve(*dir, *addr, stdout)
	default:
		fmt.Fprint(stderr, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "ip6plan-web:", err)
		return 1
	}
	return 0
}

// Handler returns the go-app handler of the site. version names the build:
// the service worker re-caches everything when it changes.
func Handler(version string) *app.Handler {
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
	}
}

// Generate writes the static site into out: the pre-rendered pages, go-app's
// scripts, the service worker and manifest, the assets of web and the wasm
// at wasmPath. It returns the version, a hash of the wasm and the assets, so
// that every build that changes them is a new version.
func Generate(out, web, wasmPath string) (string, error) {
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		return "", fmt.Errorf("%w (build it first: go run ./cmd/ip6plan-web wasm -o %s)", err, wasmPath)
	}
	h := sha256.New()
	h.Write(wasm)
	var assets []string
	err = filepath.WalkDir(web, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(path) == "app.wasm" {
			return err
		}
		assets = append(assets, path)
		return nil
	})
	if err != nil {
		return "", err
	}
	slices.Sort(assets)
	for _, a := range assets {
		b, err := os.ReadFile(a)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(a), len(b))
		h.Write(b)
	}
	version := hex.EncodeToString(h.Sum(nil))[:16]

	if err := clean(out); err != nil {
		return "", err
	}
	routeAll()
	if err := app.GenerateStaticWebsite(out, Handler(version), pages...); err != nil {
		return "", err
	}
	for _, a := range assets {
		rel, _ := filepath.Rel(web, a)
		if err := copyFile(a, filepath.Join(out, "web", rel)); err != nil {
			return "", err
		}
	}
	if err := os.WriteFile(filepath.Join(out, "web", "app.wasm"), wasm, 0o644); err != nil {
		return "", err
	}
	return version, nil
}

// clean empties a previous output directory. It refuses a directory that
// holds files but no service worker, which is not one of its outputs.
func clean(dir string) error {
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
	return os.RemoveAll(dir)
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

// FileServer serves a generated site as a static host would, asking
// browsers to revalidate so a new version is seen at once.
func FileServer(dir string) http.Handler {
	mime.AddExtensionType(".webmanifest", "application/manifest+json")
	mime.AddExtensionType(".wasm", "application/wasm")
	fsrv := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		if strings.HasSuffix(r.URL.Path, "/") && r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fsrv.ServeHTTP(w, r)
	})
}

func serve(dir, addr string, stdout io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return fmt.Errorf("%s holds no site; run make web first", dir)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: FileServer(dir), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	fmt.Fprintf(stdout, "serving %s on http://%s/ (Ctrl-C stops)\n", dir, ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
