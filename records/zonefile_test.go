package records

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/plan/tooltest"
)

var updateZones = flag.Bool("update-zones", false, "rewrite the zone golden files in testdata")

// golden compares got with testdata/name, or rewrites the file under
// -update-zones.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateZones {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./records -update-zones to create it")
	assert.Equal(t, string(want), string(got), "%s differs; rerun with -update-zones if the change is intended", path)
}

const testSerial = 2026112801

// zoneFiles writes every reverse zone of a and returns them by zone name,
// in order.
func zoneFiles(t testing.TB, a *plan.Allocation, splitAt int) ([]ReverseZone, map[string][]byte) {
	t.Helper()
	zs, err := ZonesOf(a, testSerial, nil, ZoneOptions{SplitAt: splitAt})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, zs.WriteBind(&b, Reverse, true))
	return zs.Reverse, splitZones(t, b.Bytes())
}

// splitZones cuts what WriteBind writes into its zones, by name: each
// starts with the comment that says ip6plan wrote it, then its $ORIGIN.
func splitZones(t testing.TB, text []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var zone []byte
	add := func() {
		if len(zone) > 0 {
			_, rest, _ := bytes.Cut(zone, []byte("\n$ORIGIN "))
			origin, _, ok := bytes.Cut(rest, []byte("\n"))
			require.True(t, ok, "no $ORIGIN in\n%s", zone)
			out[string(origin)] = zone
		}
	}
	for _, line := range bytes.SplitAfter(text, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("; ")) && bytes.HasSuffix(line, []byte(" "+writtenBy+"\n")) {
			add()
			zone = nil
		}
		zone = append(zone, line...)
	}
	add()
	return out
}

// parseZone reads a zone file with miekg/dns, failing the test on any
// error, and returns its records.
func parseZone(t testing.TB, origin string, text []byte) []dns.RR {
	t.Helper()
	zp := dns.NewZoneParser(bytes.NewReader(text), origin, "")
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	require.NoError(t, zp.Err(), "zone %s:\n%s", origin, text)
	return rrs
}

// checkzone runs named-checkzone on a zone file, as BIND loads it.
func checkzone(t testing.TB, named, origin string, text []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "zone")
	require.NoError(t, os.WriteFile(path, text, 0o644))
	out, err := exec.Command(named, "-i", "local", "-k", "fail", origin, path).CombinedOutput()
	require.NoError(t, err, "named-checkzone %s:\n%s\n%s", origin, out, text)
}

// checkPTRs asserts that the zones hold exactly one PTR per host, owned by
// its ip6.arpa name and pointing at its name, and nothing else but the
// SOA, NS and delegations.
func checkPTRs(t *testing.T, a *plan.Allocation, zones []ReverseZone, files map[string][]byte) {
	t.Helper()
	want := map[string]string{}
	for _, h := range HostsOf(a) {
		name, err := PTRName(h.Addr)
		require.NoError(t, err)
		want[name] = h.Name
	}
	got := map[string]string{}
	for _, z := range zones {
		for _, rr := range parseZone(t, z.Name(), files[z.Name()]) {
			switch rr := rr.(type) {
			case *dns.PTR:
				_, dup := got[rr.Hdr.Name]
				require.False(t, dup, "two PTRs for %s", rr.Hdr.Name)
				got[rr.Hdr.Name] = rr.Ptr
				require.True(t, strings.HasSuffix(rr.Hdr.Name, "."+z.Name()), "%s outside %s", rr.Hdr.Name, z.Name())
			case *dns.SOA, *dns.NS:
			default:
				t.Fatalf("unexpected record %s", rr)
			}
		}
	}
	assert.Equal(t, want, got)
}

func TestExampleZones(t *testing.T) {
	a := plantest.Example(t)
	for _, split := range []int{0, 56} {
		t.Run(fmt.Sprintf("split/%d", split), func(t *testing.T) {
			zones, files := zoneFiles(t, a, split)
			var all bytes.Buffer
			for _, z := range zones {
				all.Write(files[z.Name()])
			}
			golden(t, fmt.Sprintf("example.reverse-split%d.golden", split), all.Bytes())
			checkPTRs(t, a, zones, files)
			if named := tooltest.Look(t, "named-checkzone", "bind9-utils"); named != "" {
				for _, z := range zones {
					checkzone(t, named, z.Name(), files[z.Name()])
				}
			}
		})
	}
}

// exampleZones returns the zone set of the example plan, its reverse
// zones split at /56, without TXT records (records/spf makes those, and
// imports records).
func exampleZones(t testing.TB) (*plan.Allocation, *ZoneSet) {
	t.Helper()
	a := plantest.Example(t)
	zs, err := ZonesOf(a, testSerial, nil, ZoneOptions{SplitAt: 56})
	require.NoError(t, err)
	return a, zs
}

func TestExampleForward(t *testing.T) {
	a, zs := exampleZones(t)
	var snippet, zone bytes.Buffer
	require.NoError(t, zs.WriteBind(&snippet, Forward, false))
	golden(t, "example.forward.golden", snippet.Bytes())
	require.NoError(t, zs.CheckComplete())
	require.NoError(t, zs.WriteBind(&zone, Forward, true))
	parsed := parseZone(t, "example.com.", zone.Bytes())
	aaaa := map[string]string{}
	for _, rr := range parsed {
		if rr, ok := rr.(*dns.AAAA); ok {
			aaaa[rr.Hdr.Name] = rr.AAAA.String()
		}
	}
	for _, h := range a.Hosts {
		if h.Addr.IsValid() {
			assert.Equal(t, h.Addr.String(), aaaa[h.FQDN], "AAAA of %s", h.FQDN) // FCrDNS: name → the same address
		}
	}
	if named := tooltest.Look(t, "named-checkzone", "bind9-utils"); named != "" {
		checkzone(t, named, "example.com.", zone.Bytes())
	}
}

func TestExampleOtherFormats(t *testing.T) {
	_, zs := exampleZones(t)
	var tiny, js, ns bytes.Buffer
	require.NoError(t, zs.WriteTinydns(&tiny, TinydnsOptions{}))
	golden(t, "example.tinydns.golden", tiny.Bytes())
	require.NoError(t, zs.WriteJSON(&js, Both))
	golden(t, "example.json.golden", js.Bytes())
	require.NoError(t, zs.WriteNsupdate(&ns, "ns1.example.com", Both))
	golden(t, "example.nsupdate.golden", ns.Bytes())
	// every update add line is a record miekg/dns reads, and each name's
	// set is deleted before it is added, so the script can run twice
	adds, deleted := 0, map[string]bool{}
	for _, line := range strings.Split(ns.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "update delete "); ok {
			deleted[rest] = true
		}
		if rest, ok := strings.CutPrefix(line, "update add "); ok {
			rr, err := dns.NewRR(rest)
			require.NoError(t, err, line)
			h := rr.Header()
			assert.True(t, deleted[h.Name+" "+dns.TypeToString[h.Rrtype]], "no delete before %s", line)
			adds++
		}
	}
	assert.Equal(t, len(zs.Domain.RRs)+len(zs.Hosts), adds, "the domain's records and a PTR per host")
	// every 6 line is one host's AAAA+PTR; the address is 32 hex digits
	sixes := 0
	for _, line := range strings.Split(tiny.String(), "\n") {
		if strings.HasPrefix(line, "6") {
			sixes++
			f := strings.Split(line[1:], ":")
			require.Len(t, f, 3, line)
			require.Len(t, f[1], 32, line)
		}
	}
	assert.Equal(t, len(zs.Hosts), sixes)
}

// TestReverseZonesEveryLength writes the reverse zones of a small plan for
// each prefix length from /32 to /64, nibble-aligned or not: every zone
// parses, passes named-checkzone, and together they hold each PTR once.
func TestReverseZonesEveryLength(t *testing.T) {
	named := tooltest.Look(t, "named-checkzone", "bind9-utils")
	var all bytes.Buffer
	for bits := 32; bits <= 64; bits++ {
		prefix := netip.PrefixFrom(netip.MustParseAddr("2001:db8:d6:ab00::"), bits).Masked()
		src := fmt.Sprintf(`prefix: %s
domain: example.com
nameservers: [ns1.example.com., ns2.example.net.]
contact: hostmaster@example.com
subnets:
  - {name: mail, size: 64, hosts: [{name: mta1, address: "::25"}, {name: mta2, address: "::26"}]}
  - {name: web, size: 64, hosts: [{name: www}]}
`, prefix)
		if bits == 64 {
			src = strings.Replace(src, "  - {name: web, size: 64, hosts: [{name: www}]}\n", "", 1)
		}
		a := plantest.Alloc(t, src)
		zones, files := zoneFiles(t, a, 0)
		want := 1
		if bits%4 != 0 {
			want = 1 << (4 - bits%4)
		}
		require.Len(t, zones, want, "/%d", bits)
		fmt.Fprintf(&all, ";; /%d\n", bits)
		for _, z := range zones {
			all.Write(files[z.Name()])
			if named != "" {
				checkzone(t, named, z.Name(), files[z.Name()])
			}
		}
		t.Run(fmt.Sprintf("/%d", bits), func(t *testing.T) { checkPTRs(t, a, zones, files) })
	}
	golden(t, "reverse-by-length.golden", all.Bytes())
}

// TestCompareNames checks the canonical order against the obvious
// implementation: labels split and compared from the right.
func TestCompareNames(t *testing.T) {
	slow := func(a, b string) int {
		la := strings.Split(strings.TrimSuffix(a, "."), ".")
		lb := strings.Split(strings.TrimSuffix(b, "."), ".")
		for i, j := len(la)-1, len(lb)-1; i >= 0 && j >= 0; i, j = i-1, j-1 {
			if c := strings.Compare(la[i], lb[j]); c != 0 {
				return c
			}
		}
		return len(la) - len(lb)
	}
	names := []string{"example.com.", "a.example.com.", "b.example.com.", "a.b.example.com.", "example.net.",
		"mta1.example.com.", "mta10.example.com.", "com.", "z.a.example.com.", "xa.example.com."}
	sign := func(n int) int { return cmp.Compare(n, 0) }
	for _, a := range names {
		for _, b := range names {
			assert.Equal(t, sign(slow(a, b)), sign(compareNames(a, b)), "%s vs %s", a, b)
		}
	}
}
