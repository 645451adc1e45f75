//go:build !(js && wasm)

package app

import (
	"bytes"
	"compress/flate"
	"io"
)

// deflate compresses s with raw DEFLATE (RFC 1951), as the browser's
// CompressionStream("deflate-raw") does in deflate_js.go. This build is
// the pre-rendering server's and the tests'.
func deflate(s string) ([]byte, error) {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// inflate reverses deflate, as inflate in deflate_js.go does with the
// browser's DecompressionStream: more than limit bytes is errTooLarge.
func inflate(b []byte, limit int) ([]byte, error) {
	r := flate.NewReader(bytes.NewReader(b))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(out) > limit {
		return nil, errTooLarge
	}
	return out, nil
}
