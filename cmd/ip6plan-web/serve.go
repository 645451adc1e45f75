//go:build !wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// FileServer serves a generated site as a static host would: it asks
// browsers to revalidate, so a new version is seen at once, and answers a
// request for a file that has a precompressed .gz beside it with that,
// gzip-encoded, when the browser accepts gzip (as nginx's gzip_static or
// Caddy's precompressed do).
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
		if gz := filepath.Join(dir, filepath.FromSlash(path.Clean(r.URL.Path))+".gz"); acceptsGzip(r) && fileExists(gz) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Vary", "Accept-Encoding")
			if t := mime.TypeByExtension(path.Ext(r.URL.Path)); t != "" {
				w.Header().Set("Content-Type", t)
			}
			http.ServeFile(w, r, gz)
			return
		}
		fsrv.ServeHTTP(w, r)
	})
}

// acceptsGzip reports whether the request's Accept-Encoding names gzip
// without refusing it (gzip;q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

func fileExists(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.Mode().IsRegular()
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
