package app

import (
	"bytes"
	"compress/flate"
	"io"
	"strings"
	"testing"
)

// TestDeflate checks that what deflate writes is raw DEFLATE that
// compress/flate's reader (as the CLI and any other reader of links would
// use) takes back unchanged. Run natively it tests the compress/flate
// build; run as WebAssembly under Node.js (TestUnderNode) it tests
// CompressionStream.
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

// TestInflate checks that inflate takes back what deflate wrote, refuses
// damaged input, and stops at its limit. Run as WebAssembly under Node.js
// (TestUnderNode) it tests DecompressionStream, which reads links and
// saved state in the browser.
func TestInflate(t *testing.T) {
	for _, text := range []string{"", "a", "é ü ∞ 日本 \x00\xff", ExampleYAML, bigPlan(20000)} {
		b, err := deflate(text)
		if err != nil {
			t.Fatal(err)
		}
		out, err := inflate(b, len(text))
		if err != nil || string(out) != text {
			t.Fatalf("inflate of the deflate of %d bytes: %d bytes, %v", len(text), len(out), err)
		}
		if len(text) > 0 {
			if _, err := inflate(b, len(text)-1); err != errTooLarge {
				t.Errorf("inflating %d bytes with a limit one short: %v, want errTooLarge", len(text), err)
			}
		}
	}
	b, _ := deflate(ExampleYAML)
	if out, err := inflate(b[:len(b)/2], maxShared); err == nil {
		t.Errorf("half of a deflated text inflated to %d bytes without an error", len(out))
	}
	if out, err := inflate([]byte{0xff, 0xff, 0xff, 0xff}, maxShared); err == nil {
		t.Errorf("no DEFLATE inflated to %q without an error", out)
	}
}
