package spf

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pyspfScript reads "record\tip\tsender\thelo" lines and prints pyspf's
// result for each. DNS is stubbed out to fail, so pyspf is offline the
// way a Checker without a Resolver is: a term that needs a lookup gives
// temperror in both.
const pyspfScript = `
import sys, spf
def offline(*args, **kwargs):
    raise spf.TempError('offline')
spf.DNSLookup = offline
for line in sys.stdin:
    rec, ip, sender, helo = line.rstrip('\n').split('\t')
    try:
        res = spf.query(i=ip, s=sender, h=helo).check(spf=rec)[0]
    except Exception as e:
        res = 'exception:' + type(e).__name__ + ':' + str(e).replace('\n', ' ')
    sys.stdout.write(res + '\n')
`

// pyspfPython finds a python3 that can import spf: Debian's, then the one
// on PATH.
func pyspfPython(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	for _, p := range candidates {
		if exec.Command(p, "-c", "import spf").Run() == nil {
			return p
		}
	}
	missingTool(t, "no python3 can import spf (pyspf); install it with: apt-get install -y python3-spf")
	return ""
}

type pyspfCase struct {
	record, ip, sender, helo string
}

// TestPyspf compares CheckRecord, offline, with pyspf on random records
// and clients: ip4, ip6 and all with every qualifier, unknown modifiers,
// exp=, redirect= and DNS-querying terms (which give temperror when
// reached), some syntax errors, IPv4, IPv6 and IPv4-mapped clients.
func TestPyspf(t *testing.T) {
	python := pyspfPython(t)
	cases := pyspfCases(rand.New(rand.NewPCG(7208, 4408)), 4000)

	var in strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&in, "%s\t%s\t%s\t%s\n", c.record, c.ip, c.sender, c.helo)
	}
	cmd := exec.Command(python, "-c", pyspfScript)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	require.NoError(t, err)
	var got []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		got = append(got, sc.Text())
	}
	require.Len(t, got, len(cases))

	counts := map[Result]int{}
	mismatches := 0
	for i, c := range cases {
		res, reason := checkOffline(t, c)
		counts[res]++
		if string(res) != got[i] {
			mismatches++
			if mismatches <= 20 {
				t.Errorf("%q ip %s sender %s: pyspf %s, CheckRecord %s (%s)", c.record, c.ip, c.sender, got[i], res, reason)
			}
		}
	}
	t.Logf("pyspf agrees on %d of %d cases; results %v", len(cases)-mismatches, len(cases), counts)
	assert.Zero(t, mismatches)
	for _, r := range []Result{Pass, Fail, Softfail, Neutral, Permerror, Temperror} {
		assert.Greater(t, counts[r], 50, "too few %s cases to compare", r)
	}
}

// checkOffline evaluates a case as `spf check` does: a record that does
// not parse is a permerror.
func checkOffline(t *testing.T, c pyspfCase) (Result, string) {
	rec, err := Parse(c.record)
	if err != nil {
		return Permerror, err.Error()
	}
	ip := netip.MustParseAddr(c.ip)
	domain := c.sender[strings.LastIndexByte(c.sender, '@')+1:]
	res, reason, err := (&Checker{}).CheckRecord(context.Background(), rec, ip, domain, c.sender, c.helo)
	assert.Equal(t, res == Temperror || res == Permerror, err != nil)
	return res, reason
}

// pyspfCases returns n random cases, and records shaped like what Build
// emits.
func pyspfCases(r *rand.Rand, n int) []pyspfCase {
	builder := []string{
		"v=spf1 ip6:2001:db8:d6:25::/64 ip6:2001:db8:d6::/64 ip4:192.0.2.0/24 -all",
		"v=spf1 ip6:2001:db8:d6::/48 -all",
		"v=spf1 ip6:2001:db8:d6:25::/64 ip4:192.0.2.25 ~all",
		"v=spf1 ip6:2001:db8:d6:25::25 include:_spf.example.net -all",
	}
	builderClients := []string{
		"2001:db8:d6:25::25", "2001:db8:d6::1", "2001:db8:d6:ffff::1", "2001:db8:d7::1",
		"192.0.2.25", "192.0.2.255", "198.51.100.1", "::ffff:192.0.2.25", "::ffff:198.51.100.1",
	}
	var cases []pyspfCase
	for _, rec := range builder {
		for _, ip := range builderClients {
			cases = append(cases, pyspfCase{rec, ip, "bounce@example.com", "mail.example.com"})
		}
	}
	for len(cases) < n {
		g := &recordGen{r: r}
		rec := g.record()
		ip := g.client()
		cases = append(cases, pyspfCase{rec, ip, pick(r, senders), "mail.example.com"})
	}
	return cases
}

var senders = []string{"user@example.com", "bounce+x=y@mail.example.com", "postmaster@example.org", "a.b-c@sub.example.net"}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// recordGen makes one random record, remembering its networks so clients
// can be drawn from inside them.
type recordGen struct {
	r    *rand.Rand
	nets []netip.Prefix
}

func (g *recordGen) qualifier() string {
	return pick(g.r, []string{"", "", "", "+", "-", "~", "?"})
}

func (g *recordGen) v4() netip.Addr {
	bases := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("10.0.0.0/8"),
	}
	return randomIn(g.r, pick(g.r, bases))
}

func (g *recordGen) v6() netip.Addr {
	bases := []netip.Prefix{
		netip.MustParsePrefix("2001:db8:d6::/48"), netip.MustParsePrefix("2001:db8::/32"),
		netip.MustParsePrefix("2001:db8:d6:25::/64"), netip.MustParsePrefix("fd00::/8"),
	}
	return randomIn(g.r, pick(g.r, bases))
}

// randomIn returns a random address in p.
func randomIn(r *rand.Rand, p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := range b {
		bit := i * 8
		if bit+8 <= p.Bits() {
			continue
		}
		x := byte(r.UintN(256))
		if bit < p.Bits() {
			keep := byte(0xff << (8 - (p.Bits() - bit)))
			x = b[i]&keep | x&^keep
		}
		b[i] = x
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

func (g *recordGen) ip4Term() string {
	a := g.v4()
	bits := pick(g.r, []int{0, 8, 16, 20, 24, 24, 28, 30, 31, 32, 32, -1, -1})
	g.remember(a, bits)
	if bits < 0 {
		return g.qualifier() + pick(g.r, []string{"ip4:", "ip4:", "IP4:"}) + a.String()
	}
	return fmt.Sprintf("%sip4:%s/%d", g.qualifier(), a, bits)
}

func (g *recordGen) ip6Term() string {
	a := g.v6()
	var text string
	switch g.r.IntN(10) {
	case 0:
		a = netip.AddrFrom16(g.v4().As16()) // IPv4-mapped
		text = a.String()
	case 1:
		text = strings.ToUpper(a.String())
	case 2:
		text = a.StringExpanded()
	case 3:
		v4 := g.v4().As4()
		text = fmt.Sprintf("::%d.%d.%d.%d", v4[0], v4[1], v4[2], v4[3]) // IPv4-compatible
		a = netip.MustParseAddr(text)
	default:
		text = a.String()
	}
	bits := pick(g.r, []int{0, 16, 32, 48, 56, 60, 64, 64, 96, 112, 127, 128, -1, -1})
	g.remember(a, bits)
	if bits < 0 {
		return g.qualifier() + "ip6:" + text
	}
	return fmt.Sprintf("%sip6:%s/%d", g.qualifier(), text, bits)
}

func (g *recordGen) remember(a netip.Addr, bits int) {
	if bits < 0 {
		bits = a.BitLen()
	}
	g.nets = append(g.nets, netip.PrefixFrom(a, bits).Masked())
}

var (
	modifierNames = []string{"foo", "x-y", "a.b_c", "moo.cow-far_out", "v", "z9"}
	// No value ends in "%%": pyspf's macro check (the "%$" of its
	// RE_INVALID_MACRO) rejects a macro-string that ends in "%%", which
	// RFC 7208 §7.1 allows (macro-expand = ... / "%%").
	modifierValues = []string{"", "bar", "%{d}", "%{i}", "%{l}", "%{o2r}", "%{s}.x", "100%%x", "%_", "%-", "1.2.3.4/24", "man:dog/cat", "%{ir}.%{v}._spf.%{d2}", "%{L-}"}
	dnsTerms       = []string{
		"a", "mx", "ptr", "a:mail.example.net/24", "mx//64", "a/24//48", "ptr:example.net",
		"exists:%{i}.bl.example.org", "include:_spf.example.net", "-include:%{l1r+}._spf.example.net",
		"a:foo..example.net", "mx:%{h}", "exists:%{ir}.%{v}._spf.%{d2}",
	}
	badTerms = []string{
		"ip4:192.0.2.1/33", "ip6:2001:db8::/129", "ip4:01.2.3.4", "ip4:192.0.2.1/032", "moo",
		"all:x", "-all/8", "ip6:2001:db8::1//64", "ip4:192.0.2", "1up=x", "a:foo", "exists",
		"include", "ptr/0", "foo=%x", "ip6:fe80::1%eth0", "+-all", "redirect:x.example.com",
		"a:192.0.2.1", "ip4:2001:db8::1", "ip6:192.0.2.1", "exp=", "redirect=", "a/33", "mx//129",
		"exists:%{c}.example.org", "ip6:2001:db8::/064", "a:%{x}.example.org", "=all", "a:example.com:8080",
	}
)

// record returns a random record.
func (g *recordGen) record() string {
	var terms []string
	used := map[string]bool{}
	n := g.r.IntN(8)
	for range n {
		switch k := g.r.IntN(100); {
		case k < 38:
			terms = append(terms, g.ip4Term())
		case k < 76:
			terms = append(terms, g.ip6Term())
		case k < 84:
			terms = append(terms, g.qualifier()+pick(g.r, []string{"all", "all", "ALL"}))
		case k < 90:
			// pyspf takes any repeated modifier for an error, but RFC 7208
			// §6 says unknown ones "MUST be ignored no matter where, or how
			// often, they appear": TestCheckRecord pins that.
			if name := pick(g.r, modifierNames); !used[name] {
				used[name] = true
				terms = append(terms, name+"="+pick(g.r, modifierValues))
			}
		case k < 93:
			terms = append(terms, g.qualifier()+pick(g.r, dnsTerms))
		case k < 95:
			terms = append(terms, pick(g.r, []string{"exp=explain.example.org", "exp=%{d}.exp.example.org"}))
		case k < 97:
			terms = append(terms, "redirect=_spf.example.net")
		case k < 98:
			terms = append(terms, pick(g.r, badTerms))
		default:
			if len(terms) > 0 {
				// A duplicate: exp= and redirect= twice are errors.
				if t := terms[g.r.IntN(len(terms))]; !strings.Contains(t, "=") || strings.HasPrefix(t, "exp=") || strings.HasPrefix(t, "redirect=") {
					terms = append(terms, t)
				}
			}
		}
	}
	if g.r.IntN(2) == 0 {
		terms = append(terms, g.qualifier()+"all")
	}
	sep := " "
	if g.r.IntN(20) == 0 {
		sep = "  "
	}
	rec := pick(g.r, []string{"v=spf1", "v=spf1", "v=spf1", "V=SPF1"})
	for _, t := range terms {
		rec += sep + t
	}
	if g.r.IntN(20) == 0 {
		rec += " "
	}
	return rec
}

// client returns a random client address, often inside one of the
// record's networks: IPv4, IPv6 or IPv4-mapped.
func (g *recordGen) client() string {
	var a netip.Addr
	if len(g.nets) > 0 && g.r.IntN(3) > 0 {
		a = randomIn(g.r, pick(g.r, g.nets))
	} else if g.r.IntN(2) == 0 {
		a = g.v4()
	} else {
		a = g.v6()
	}
	if a.Is4() && g.r.IntN(4) == 0 {
		a = netip.AddrFrom16(a.As16())
	}
	return a.String()
}
