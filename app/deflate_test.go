package app

import (
	"bytes"
	"compress/flate"
	"io"
	"strings"
	"testing"
)

// TestDeflate checks that what deflate writes is raw DEFLATE that
// compress/flate's reader, which reads links and saved state, takes back
// unchanged. Run natively it tests the compress/flate build; run as
// WebAssembly under Node.js (TestUnderNode) it tests CompressionStream.
func TestDeflate(t *testing.T) {
	texts := []string{"", "a", "é ü ∞ 日本 \x00\xff", ExampleYAML, bigPlan(20000), strings.Repeat("x", 1<<20)}
	for _, text := range texts {
		b, err := deflate(text)
		if err != nil {
			t.Fatalf("deflate of %d bytes: %v", len(text), err)
		}
		out, err := io.ReadAll(flate.NewReader(bytes.NewReader(b)))
		if err != nil {
			t.Fatalf("inflating the deflate of %d bytes: %v", len(text), err)
		}
		if string(out) != text {
			t.Fatalf("round trip of %d bytes gave %d bytes", len(text), len(out))
		}
		if len(text) > 100_000 && len(b) > len(text)/5 {
			t.Errorf("%d bytes deflated to %d: not compressed", len(text), len(b))
		}
	}
}
