package ip6

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

var parse6Cases = []string{
	"::", "::1", "1::", "2001:db8::25", "2001:DB8:0:0:0:0:0:25", "2001:db8:d6:25::80df:d617",
	"::ffff:192.0.2.1", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
	"1:2:3:4:5:6:1.2.3.4", "1::2:3:4:5:6:7", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::",
	"1:", "12345::", "::ffff:1.2.3", "::ffff:1.2.3.04", "::1.2.3.4.5", "1.2.3.4", "", ":", ":::",
	"g::", "::ffff:256.1.1.1", "1:2:3:4:5:6:7:1.2.3.4", "0:0:0:0:0:0:0:0", "::0:0", "1::8:",
}

// checkParse6 compares ParseAddr6Bytes with netip.ParseAddr, the oracle,
// restricted to what it accepts: IPv6 without a zone.
func checkParse6(t *testing.T, s string) {
	want, err := netip.ParseAddr(s)
	wantOK := err == nil && want.Is6() && want.Zone() == ""
	got, ok := ParseAddr6Bytes([]byte(s))
	if ok != wantOK || ok && got != want {
		t.Fatalf("ParseAddr6Bytes(%q) = %v, %v; netip says %v, %v", s, got, ok, want, err)
	}
}

func TestParseAddr6Bytes(t *testing.T) {
	for _, s := range parse6Cases {
		t.Run(s, func(t *testing.T) { checkParse6(t, s) })
	}
	in := []byte("2001:db8:d6:25::25")
	assert.Zero(t, testing.AllocsPerRun(100, func() { ParseAddr6Bytes(in) }))
}

func FuzzParseAddr6Bytes(f *testing.F) {
	for _, s := range parse6Cases {
		f.Add(s)
	}
	f.Fuzz(checkParse6)
}
