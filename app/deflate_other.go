//go:build !(js && wasm)

package app

import (
	"bytes"
	"compress/flate"
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
