package plan

import (
	"bytes"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/ip6plan/ip6plan/plan/ip6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "update the golden files in testdata")

const examplePlan = "../testdata/example.yaml"

// parseExample parses the shipped example plan. It and allocate are
// package plan's own copies of plantest.Example and plantest.Alloc, which
// import plan and so cannot be used here.
func parseExample(t *testing.T) *Plan {
	t.Helper()
	data, err := os.ReadFile(examplePlan)
	require.NoError(t, err)
	p, err := ParseFile("testdata/example.yaml", data)
	require.NoError(t, err)
	return p
}

// renderAllocation writes a as a stable text listing: subnets indented
// by depth with their prefixes, hosts with FQDN and address, links, held
// entries and warnings, each in allocation order.
func renderAllocation(a *Allocation) string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 8, 1, ' ', 0)
	fmt.Fprintf(tw, "prefix %s\n", a.Plan.Prefix)
	fmt.Fprintf(tw, "\nsubnets:\n")
	for _, s := range a.Subnets {
		fmt.Fprintf(tw, "%s%s\t%s\n", strings.Repeat("  ", s.Depth+1), s.Path, s.Prefix)
	}
	fmt.Fprintf(tw, "\nhosts:\n")
	for _, h := range a.Hosts {
		addr := h.Addr.String()
		if h.Host.Scheme == SchemeDynamic {
			addr = "dynamic"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", h.Path, h.FQDN, addr, h.Host.Scheme)
	}
	fmt.Fprintf(tw, "\nlinks:\n")
	for _, l := range a.Links {
		fmt.Fprintf(tw, "  %s\t%s\n", l.Path, l.Prefix)
	}
	fmt.Fprintf(tw, "\nheld:\n")
	for _, e := range a.Held {
		fmt.Fprintf(tw, "  %s\n", e)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\nwarnings:\n")
	for _, w := range a.Warnings {
		fmt.Fprintf(&b, "  %s\n", w)
	}
	return b.String()
}

// golden compares got with the golden file testdata/name, or rewrites the
// file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs; if the change is right, run go test -update", path)
}

func TestAllocateExampleGolden(t *testing.T) {
	p := parseExample(t)
	a, err := Allocate(p, nil)
	require.NoError(t, err)
	golden(t, "example.alloc.golden", []byte(renderAllocation(a)))
	golden(t, "example.lock.golden", a.Lock.Bytes())

	// The same plan allocates the same way, and its own lock keeps it.
	again, err := Allocate(parseExample(t), nil)
	require.NoError(t, err)
	assert.Equal(t, string(a.Lock.Bytes()), string(again.Lock.Bytes()))
	locked, err := Allocate(parseExample(t), a.Lock)
	require.NoError(t, err)
	assert.Equal(t, string(a.Lock.Bytes()), string(locked.Lock.Bytes()))
	assert.Empty(t, Diff(a.Lock, locked.Lock))
}

func TestAllocateExampleFacts(t *testing.T) {
	a, err := Allocate(parseExample(t), nil)
	require.NoError(t, err)

	subnets := map[string]netip.Prefix{}
	for _, s := range a.Subnets {
		subnets[s.Path] = s.Prefix
	}
	hosts := map[string]HostAlloc{}
	for _, h := range a.Hosts {
		hosts[h.Path] = h
	}

	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6:25::/64"), subnets["mail-transactional"], "pinned with id 25")
	assert.Equal(t, netip.MustParseAddr("2001:db8:d6:25::25"), hosts["mail-transactional/mta1"].Addr)
	assert.Equal(t, "mta1.example.com.", hosts["mail-transactional/mta1"].FQDN)
	// 128.223.214.23 in hex in the last 32 bits, as in the seed's
	// 2001:468:d01:d6::80df:d617.
	assert.Equal(t, netip.MustParseAddr("2001:db8:d6:25::80df:d617"), hosts["mail-transactional/mta2"].Addr)
	// 128.223.214.24 "decimal as hex".
	assert.Equal(t, netip.MustParseAddr("2001:db8:d6:25:128:223:214:24"), hosts["mail-transactional/mta3"].Addr)
	// RFC 4291 Appendix A: 10:13:72:5b:60:c3 → flip the U/L bit (0x10 →
	// 0x12), insert ff:fe.
	bulk1 := hosts["mail-bulk/bulk1"].Addr
	assert.Equal(t, "::1213:72ff:fe5b:60c3", ip6.FormatIID(ip6.IIDOf(bulk1)))
	assert.Equal(t, subnets["mail-bulk"], netip.PrefixFrom(bulk1, 64).Masked())
	assert.Equal(t, ip6.IIDOf(netip.MustParseAddr("::53")), ip6.IIDOf(hosts["site-a/servers/ns1"].Addr))
	assert.Equal(t, ip6.IIDOf(netip.MustParseAddr("::587")), ip6.IIDOf(hosts["site-a/servers/submit"].Addr))
	assert.False(t, hosts["site-a/office/printer"].Addr.IsValid(), "a dynamic host has no planned address")

	// Nothing lands in the reserved /56.
	reserved := netip.MustParsePrefix("2001:db8:d6:ff00::/56")
	for _, s := range a.Subnets {
		assert.False(t, s.Prefix.Overlaps(reserved), "%s %s in the reserved range", s.Path, s.Prefix)
	}
	// Every host inside its subnet, none on the Subnet-Router anycast
	// address, no two alike.
	seen := map[netip.Addr]string{}
	for _, h := range a.Hosts {
		if h.Host.Scheme == SchemeDynamic {
			continue
		}
		assert.True(t, subnets[h.Subnet].Contains(h.Addr), "%s %s not in %s", h.Path, h.Addr, subnets[h.Subnet])
		assert.NotZero(t, ip6.IIDOf(h.Addr), h.Path)
		assert.Empty(t, seen[h.Addr], "%s and %s share %s", h.Path, seen[h.Addr], h.Addr)
		seen[h.Addr] = h.Path
	}
	for _, l := range a.Links {
		assert.Equal(t, 127, l.Prefix.Bits())
		assert.True(t, subnets["site-a/links"].Contains(l.Prefix.Addr()), l.Path)
	}
	// The lock holds every placed subnet, host and link.
	assert.Equal(t, len(a.Subnets)+len(seen)+len(a.Links), a.Lock.Len())
}

// allocErrorTests are plans that parse but cannot be allocated, with the
// exact error.
var allocErrorTests = []struct {
	name string
	in   string
	want string
}{
	{
		name: "two pinned subnets overlap",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: site, size: 56, prefix: "2001:db8:d6:100::/56"}
  - {name: lan, size: 64, id: "105"}
`,
		want: `plan.yaml:4:5: subnet "lan" (2001:db8:d6:105::/64) overlaps subnet "site" (2001:db8:d6:100::/56)`,
	},
	{
		name: "pin on a reserved range",
		in: `prefix: 2001:db8:d6::/48
reserved:
  - {prefix: "2001:db8:d6:ff00::/56", note: future site}
subnets:
  - {name: lan, size: 64, id: ff25}
`,
		want: `plan.yaml:5:5: subnet "lan" (2001:db8:d6:ff25::/64) overlaps reserved range (2001:db8:d6:ff00::/56)`,
	},
	{
		name: "pin outside the plan's prefix",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: 64, prefix: "2001:db8:d7::/64"}
`,
		want: `plan.yaml:3:5: subnet "lan": prefix 2001:db8:d7::/64 is not a /64 inside its parent 2001:db8:d6::/48`,
	},
	{
		name: "two hosts with the same explicit address",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    hosts:
      - {name: mta1, address: "::25"}
      - {name: mta2, address: "0:0:0:0:0:0:0:25"}
`,
		want: `plan.yaml:8:9: host "mail/mta2" collides with host "mail/mta1": both are 2001:db8:d6::25`,
	},
	{
		name: "explicit address and service port collide",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    hosts:
      - {name: mta1, address: "::25"}
      - {name: smtp, scheme: service, port: 25}
`,
		want: `plan.yaml:8:9: host "mail/smtp" collides with host "mail/mta1": both are 2001:db8:d6::25`,
	},
	{
		name: "explicit address outside its subnet",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    id: "25"
    hosts:
      - {name: mta1, address: "2001:db8:d6:26::25"}
`,
		want: `plan.yaml:8:9: host "mail/mta1": 2001:db8:d6:26::25 is not inside the subnet 2001:db8:d6:25::/64`,
	},
	{
		name: "address ::0 is the Subnet-Router anycast address",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: mail
    size: 64
    hosts:
      - {name: mta1, address: "::0"}
`,
		want: `plan.yaml:7:9: host "mail/mta1": address ::0 is the Subnet-Router anycast address of its subnet (RFC 4291 §2.6.1); hosts need a nonzero interface ID`,
	},
	{
		name: "gateway outside its subnet",
		in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: lan, size: 64, gateway: "2001:db8:d7::1"}
`,
		want: `plan.yaml:3:5: subnet "lan": gateway 2001:db8:d7::1 is not inside the subnet 2001:db8:d6::/64`,
	},
	{
		name: "host on the gateway",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    gateway: "::1"
    hosts: [{name: router, address: "::1"}]
`,
		want: `plan.yaml:7:13: host "lan/router" collides with the gateway of "lan": both are 2001:db8:d6::1`,
	},
	{
		name: "stable scheme without a secret",
		in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: lan
    size: 64
    hosts: [{name: h, scheme: stable}]
`,
		want: `plan.yaml:6:13: host "lan/h": scheme stable needs the plan's secret (secret: at the top of the plan)`,
	},
	{
		name: "no room",
		in: `prefix: 2001:db8:d6::/62
subnets:
  - {name: a, size: 63}
  - {name: b, size: 63}
  - {name: c, size: 64}
`,
		want: `plan.yaml:5:5: no room for subnet "c" (/64) in 2001:db8:d6::/62: 2 subnets and ranges already take its space; use a larger block or release held entries`,
	},
}

func TestAllocateErrors(t *testing.T) {
	for _, tt := range allocErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseFile("plan.yaml", []byte(tt.in))
			require.NoError(t, err)
			a, err := Allocate(p, nil)
			require.Error(t, err)
			assert.Nil(t, a)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// allocate parses the plan text in and allocates it with lock (see
// parseExample on why it is not plantest.Alloc).
func allocate(t *testing.T, in string, lock *Lock) *Allocation {
	t.Helper()
	p, err := ParseFile("plan.yaml", []byte(in))
	require.NoError(t, err)
	a, err := Allocate(p, lock)
	require.NoError(t, err)
	return a
}

func subnetPrefix(t *testing.T, a *Allocation, path string) netip.Prefix {
	t.Helper()
	for _, s := range a.Subnets {
		if s.Path == path {
			return s.Prefix
		}
	}
	t.Fatalf("no subnet %q", path)
	return netip.Prefix{}
}

func TestAllocateHeldSubnetBlocksPin(t *testing.T) {
	before := allocate(t, `prefix: 2001:db8:d6::/48
subnets:
  - {name: old, size: 64, id: "10"}
`, nil)
	p, err := ParseFile("plan.yaml", []byte(`prefix: 2001:db8:d6::/48
subnets:
  - {name: new, size: 64, id: "10"}
`))
	require.NoError(t, err)
	_, err = Allocate(p, before.Lock)
	require.Error(t, err)
	assert.Equal(t, `plan.yaml:3:5: subnet "new" (2001:db8:d6:10::/64) overlaps removed subnet "old" (held by the lock until released) (2001:db8:d6:10::/64)`, err.Error())

	// Released, its space is free for the pin.
	_, err = before.Lock.Release("old")
	require.NoError(t, err)
	a, err := Allocate(p, before.Lock)
	require.NoError(t, err)
	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6:10::/64"), subnetPrefix(t, a, "new"))
}

func TestAllocateLockForAnotherPrefix(t *testing.T) {
	lock := NewLock(netip.MustParsePrefix("2001:db8:d7::/48"))
	p, err := ParseFile("plan.yaml", []byte("prefix: 2001:db8:d6::/48\n"))
	require.NoError(t, err)
	_, err = Allocate(p, lock)
	require.Error(t, err)
	assert.Equal(t, `plan.yaml:1:1: the lock was made for 2001:db8:d7::/48 but the plan's prefix is 2001:db8:d6::/48; a new prefix renumbers every allocation: if that is what you mean, move the lock aside (keep it, as the record of what the old prefix has in DNS) and plan again; otherwise put the prefix back`, err.Error())
}

// TestAllocateRemovedSpaceIsHeld is the stability promise for removals: a
// subnet gone from the plan keeps its space until the lock releases it.
func TestAllocateRemovedSpaceIsHeld(t *testing.T) {
	first := allocate(t, `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - name: a
    size: 64
    hosts: [{name: www}]
  - {name: b, size: 64}
  - {name: c, size: 64}
`, nil)
	require.Equal(t, netip.MustParsePrefix("2001:db8:d6::/64"), subnetPrefix(t, first, "a"))
	require.Equal(t, netip.MustParsePrefix("2001:db8:d6:1::/64"), subnetPrefix(t, first, "b"))
	require.Equal(t, netip.MustParsePrefix("2001:db8:d6:2::/64"), subnetPrefix(t, first, "c"))

	edited := `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - {name: b, size: 64}
  - {name: c, size: 64}
  - {name: d, size: 64}
`
	second := allocate(t, edited, first.Lock)
	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6:3::/64"), subnetPrefix(t, second, "d"), "the new subnet does not take a's space")
	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6:1::/64"), subnetPrefix(t, second, "b"))
	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6:2::/64"), subnetPrefix(t, second, "c"))
	assert.Equal(t, []Entry{
		{KindSubnet, "a", netip.MustParsePrefix("2001:db8:d6::/64")},
		{KindHost, "a/www", netip.MustParsePrefix("2001:db8:d6::1/128")},
	}, second.Held)
	held, ok := second.Lock.Get(KindHost, "a/www")
	assert.True(t, ok, "the lock still holds a's host")
	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6::1/128"), held.Prefix)

	diff := Diff(first.Lock, second.Lock)
	assert.Equal(t, []string{"+ subnet 2001:db8:d6:3::/64 d"}, changeLines(diff), "adding a subnet is one + line")

	// Released, a's space goes to the next new subnet.
	gone, err := second.Lock.Release("a")
	require.NoError(t, err)
	assert.Equal(t, []Entry{
		{KindSubnet, "a", netip.MustParsePrefix("2001:db8:d6::/64")},
		{KindHost, "a/www", netip.MustParsePrefix("2001:db8:d6::1/128")},
	}, gone)
	third := allocate(t, edited+"  - {name: e, size: 64}\n", second.Lock)
	assert.Empty(t, third.Held)
	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6::/64"), subnetPrefix(t, third, "e"), "e may take a's space now")
	assert.Equal(t, netip.MustParsePrefix("2001:db8:d6:3::/64"), subnetPrefix(t, third, "d"), "d stays")
}

func TestAllocateReorderWithLock(t *testing.T) {
	in := `prefix: 2001:db8:d6::/48
domain: example.com
allocation: sparse
subnets:
  - name: a
    size: 64
    hosts: [{name: h1}, {name: h2}, {name: h3}]
  - {name: b, size: 60}
  - name: c
    size: 56
    subnets: [{name: x, size: 64}, {name: y, size: 64}]
`
	reordered := `prefix: 2001:db8:d6::/48
domain: example.com
allocation: sparse
subnets:
  - name: c
    size: 56
    subnets: [{name: y, size: 64}, {name: x, size: 64}]
  - {name: b, size: 60}
  - name: a
    size: 64
    hosts: [{name: h3}, {name: h1}, {name: h2}]
`
	first := allocate(t, in, nil)
	second := allocate(t, reordered, first.Lock)
	assert.Equal(t, string(first.Lock.Bytes()), string(second.Lock.Bytes()))
	assert.Empty(t, Diff(first.Lock, second.Lock))

	// Without the lock, the order decides.
	fresh := allocate(t, reordered, nil)
	assert.NotEqual(t, string(first.Lock.Bytes()), string(fresh.Lock.Bytes()))
}

func TestDiffRelease(t *testing.T) {
	a := allocate(t, `prefix: 2001:db8:d6::/48
subnets:
  - {name: a, size: 64}
  - {name: b, size: 56}
`, nil)
	old, err := ParseLock("plan.lock", a.Lock.Bytes())
	require.NoError(t, err)
	_, err = a.Lock.Release("b")
	require.NoError(t, err)
	assert.Equal(t, []string{"- subnet 2001:db8:d6:100::/56 b"}, changeLines(Diff(old, a.Lock)))
	assert.Equal(t, []string{"+ subnet 2001:db8:d6:100::/56 b"}, changeLines(Diff(a.Lock, old)))

	_, err = a.Lock.Release("b")
	assert.EqualError(t, err, `the lock has no entry "b"`)
}

func TestDiffMoved(t *testing.T) {
	old := NewLock(netip.MustParsePrefix("2001:db8:d6::/48"))
	old.Put(Entry{KindSubnet, "a", netip.MustParsePrefix("2001:db8:d6::/64")})
	old.Put(Entry{KindHost, "a/h", netip.MustParsePrefix("2001:db8:d6::1/128")})
	new := NewLock(old.Prefix)
	new.Put(Entry{KindSubnet, "a", netip.MustParsePrefix("2001:db8:d6:1::/64")})
	new.Put(Entry{KindHost, "a/h", netip.MustParsePrefix("2001:db8:d6:1::1/128")})
	assert.Equal(t, []string{
		"~ subnet 2001:db8:d6:1::/64 a (was 2001:db8:d6::/64)",
		"~ host 2001:db8:d6:1::1 a/h (was 2001:db8:d6::1)",
	}, changeLines(Diff(old, new)))
	assert.Equal(t, []string{
		"+ subnet 2001:db8:d6::/64 a",
		"+ host 2001:db8:d6::1 a/h",
	}, changeLines(Diff(nil, old)), "a nil lock is empty")
}

func changeLines(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.String())
	}
	return out
}

// TestShrinkingBlockWarnsAboutHeldChildren: a held subnet that its
// resized parent no longer contains has lost its reservation, and the
// user hears of it.
// TestResizeStaysInPlace: a block grown into free space or shrunk to its
// start keeps its place and every address in it; what a shrink gives up
// stays held as vacated space, with the removed child that was there.
func TestResizeStaysInPlace(t *testing.T) {
	first := `prefix: 2001:db8::/48
domain: example.com
subnets:
  - {name: mail, size: 64}
  - name: site
    size: 56
    id: "11"
    subnets:
      - {name: a, size: 64, hosts: [{name: h}]}
      - {name: b, size: 60, prefix: "2001:db8:0:11f0::/60"}
`
	p, err := ParseFile("plan.yaml", []byte(first))
	require.NoError(t, err)
	a, err := Allocate(p, nil)
	require.NoError(t, err)
	require.Equal(t, "2001:db8:0:1100::/56", a.Subnets[1].Prefix.String())

	// Grown to a /52: the /52 around it is free but for itself.
	p, err = ParseFile("plan.yaml", []byte(strings.Replace(first, "size: 56\n    id: \"11\"", "size: 52", 1)))
	require.NoError(t, err)
	b, err := Allocate(p, a.Lock)
	require.NoError(t, err)
	assert.Empty(t, b.Moves)
	assert.Equal(t, "2001:db8:0:1000::/52", b.Subnets[1].Prefix.String(), "grown around its old space")
	assert.Equal(t, "2001:db8:0:1100::1", b.Hosts[0].Addr.String(), "the host inside stays")

	// Shrunk to a /60 with b removed: the start of it; the rest is vacated
	// and holds b, so nothing new lands there.
	second := `prefix: 2001:db8::/48
domain: example.com
subnets:
  - {name: mail, size: 64}
  - name: site
    size: 60
    subnets:
      - {name: a, size: 64, hosts: [{name: h}]}
  - {name: new, size: 56}
`
	p, err = ParseFile("plan.yaml", []byte(second))
	require.NoError(t, err)
	c, err := Allocate(p, a.Lock)
	require.NoError(t, err)
	assert.Empty(t, c.Moves)
	assert.Equal(t, "2001:db8:0:1100::/60", c.Subnets[1].Prefix.String())
	assert.Equal(t, "2001:db8:0:1100::1", c.Hosts[0].Addr.String())
	assert.False(t, c.Subnets[3].Prefix.Overlaps(ip6.MustParsePrefix("2001:db8:0:1100::/56")), "new (%s) stays off the space site gave up", c.Subnets[3].Prefix)
	var vacated []string
	for _, e := range c.Held {
		if e.Kind == KindVacated {
			vacated = append(vacated, e.Prefix.String())
		}
	}
	assert.Equal(t, []string{"2001:db8:0:1110::/60", "2001:db8:0:1120::/59", "2001:db8:0:1140::/58", "2001:db8:0:1180::/57"}, vacated)
	_, held := c.Lock.Get(KindSubnet, "site/b")
	assert.True(t, held, "the removed child stays in the lock until released")
	_, err = ParseLock("plan.lock", c.Lock.Bytes())
	require.NoError(t, err)
}

// TestResizeThatMustMove: a block grown where its neighbours are moves,
// with all inside it; the move is reported, the hosts keep their
// interface IDs, and the old space is vacated, not handed to a new entry.
func TestResizeThatMustMove(t *testing.T) {
	first := `prefix: 2001:db8::/48
domain: example.com
subnets:
  - {name: a, size: 64, hosts: [{name: h}, {name: s, scheme: service, port: 25}]}
  - {name: b, size: 64}
`
	p, err := ParseFile("plan.yaml", []byte(first))
	require.NoError(t, err)
	a, err := Allocate(p, nil)
	require.NoError(t, err)
	second := `prefix: 2001:db8::/48
domain: example.com
subnets:
  - {name: a, size: 60, subnets: [{name: lan, size: 64}]}
  - {name: b, size: 64}
  - {name: c, size: 64}
`
	p, err = ParseFile("plan.yaml", []byte(second))
	require.NoError(t, err)
	b, err := Allocate(p, a.Lock)
	require.NoError(t, err)
	var moves []string
	for _, m := range b.Moves {
		moves = append(moves, m.String())
	}
	assert.Equal(t, []string{"~ subnet 2001:db8:0:10::/60 a (was 2001:db8::/64)"}, moves)
	assert.Len(t, b.Refused(nil), 1)
	assert.Empty(t, b.Refused([]string{"a"}))
	assert.Equal(t, "2001:db8:0:2::/64", b.Subnets[3].Prefix.String(), "c stays off a's old /64")
	_, err = ParseLock("plan.lock", b.Lock.Bytes())
	require.NoError(t, err)
}

// TestRenamedLockKeepsAddresses: after Lock.Rename, the renamed subnet and
// its hosts, stable ones included, keep every address; a rename made
// only in the plan is suggested.
func TestRenamedLockKeepsAddresses(t *testing.T) {
	src := `prefix: 2001:db8::/48
domain: example.com
secret: s
subnets:
  - {name: bulk, size: 64, hosts: [{name: b1, scheme: stable}, {name: b2}]}
`
	p, err := ParseFile("plan.yaml", []byte(src))
	require.NoError(t, err)
	a, err := Allocate(p, nil)
	require.NoError(t, err)
	p, err = ParseFile("plan.yaml", []byte(strings.Replace(src, "name: bulk,", "name: bulk-east,", 1)))
	require.NoError(t, err)
	hint, err := Allocate(p, a.Lock)
	require.NoError(t, err)
	assert.Equal(t, []Rename{{KindSubnet, "bulk", "bulk-east"}}, hint.Renames)
	assert.NotEqual(t, a.Hosts[0].Addr, hint.Hosts[0].Addr, "without the rename, a new place")

	lock := a.Lock.Clone()
	require.NoError(t, lock.Rename("bulk", "bulk-east"))
	b, err := Allocate(p, lock)
	require.NoError(t, err)
	assert.Empty(t, b.Moves)
	assert.Empty(t, b.Renames)
	assert.Empty(t, b.Held)
	for i := range a.Hosts {
		assert.Equal(t, a.Hosts[i].Addr, b.Hosts[i].Addr, b.Hosts[i].Path)
	}
}

// TestAllocateCollisionsWithTheLock: a collision names both sides, also
// when one of them is an entry only the lock still has.
func TestAllocateCollisionsWithTheLock(t *testing.T) {
	for _, tt := range []struct {
		name, in, lock, want string
	}{
		{
			name: "link on the Subnet-Router anycast /127",
			in: `prefix: 2001:db8:d6::/48
subnets:
  - {name: p2p, size: 64, purpose: p2p, links: [a]}
`,
			lock: "subnet 2001:db8:d6::/64 p2p\nlink 2001:db8:d6::/127 p2p/a\n",
			want: `plan.yaml:3:49: link "p2p/a" (2001:db8:d6::/127) overlaps the Subnet-Router anycast address (RFC 6164 §5.1) (2001:db8:d6::/127)`,
		},
		{
			name: "host on a removed host's address",
			in: `prefix: 2001:db8:d6::/48
domain: example.com
subnets:
  - {name: lan, size: 64, hosts: [{name: new, address: "::25"}]}
`,
			lock: "subnet 2001:db8:d6::/64 lan\nhost 2001:db8:d6::25 lan/old\n",
			want: `plan.yaml:4:35: host "lan/new" collides with removed host "lan/old" (held by the lock until released): both are 2001:db8:d6::25`,
		},
		{
			name: "subnet on the /64 of a removed host",
			in: `prefix: 2001:db8:d6::/48
subnets:
  - name: site
    size: 56
    subnets: [{name: a, size: 64, id: "0"}]
`,
			lock: "subnet 2001:db8:d6::/64 site\nhost 2001:db8:d6::1 site/h\n",
			want: `plan.yaml:5:15: subnet "site/a" (2001:db8:d6::/64) overlaps the /64 of removed host "site/h" (held by the lock until released) (2001:db8:d6::/64)`,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lock, err := ParseLock("plan.lock", []byte(sealed(lockHead+tt.lock)))
			require.NoError(t, err)
			p, err := ParseFile("plan.yaml", []byte(tt.in))
			require.NoError(t, err)
			_, err = Allocate(p, lock)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// TestChangedAddressIsAMove: an explicit address changed in the plan is
// a move; the old address is held, so a new host does not take it.
func TestChangedAddressIsAMove(t *testing.T) {
	src := `prefix: 2001:db8::/48
domain: example.com
subnets:
  - {name: mail, size: 64, hosts: [{name: mta1, address: "::1"}]}
`
	p, err := ParseFile("plan.yaml", []byte(src))
	require.NoError(t, err)
	a, err := Allocate(p, nil)
	require.NoError(t, err)
	p, err = ParseFile("plan.yaml", []byte(strings.Replace(src, `address: "::1"}`, `address: "::25"}, {name: new}`, 1)))
	require.NoError(t, err)
	b, err := Allocate(p, a.Lock)
	require.NoError(t, err)
	require.Len(t, b.Moves, 1)
	assert.Equal(t, "~ host 2001:db8::25 mail/mta1 (was 2001:db8::1)", b.Moves[0].String())
	assert.Equal(t, "2001:db8::2", b.Hosts[1].Addr.String(), "the new host stays off ::1")
	assert.Equal(t, []Entry{{KindVacated, "mail/mta1", ip6.MustParsePrefix("2001:db8::1/128")}}, b.Held)
	_, err = ParseLock("plan.lock", b.Lock.Bytes())
	require.NoError(t, err)
}
