package spf

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rfcMacros is the context of the examples of RFC 7208 §7.4.
var rfcMacros = MacroContext{
	Sender: "strong-bad@email.example.com",
	Domain: "email.example.com",
	IP:     netip.MustParseAddr("192.0.2.3"),
	HELO:   "mx.example.org",
}

func TestExpand(t *testing.T) {
	with := func(f func(*MacroContext)) MacroContext {
		c := rfcMacros
		f(&c)
		return c
	}
	ip6 := with(func(c *MacroContext) { c.IP = netip.MustParseAddr("2001:db8::cb01") })
	long := strings.Repeat(strings.Repeat("a", 50)+".", 6) + "example.com" // 317 octets
	for _, tc := range []struct {
		name  string
		spec  string
		ctx   MacroContext
		inExp bool
		want  string
		err   string
	}{
		// RFC 7208 §7.4, in order.
		{name: "s", spec: "%{s}", ctx: rfcMacros, want: "strong-bad@email.example.com"},
		{name: "o", spec: "%{o}", ctx: rfcMacros, want: "email.example.com"},
		{name: "d", spec: "%{d}", ctx: rfcMacros, want: "email.example.com"},
		{name: "d4", spec: "%{d4}", ctx: rfcMacros, want: "email.example.com"},
		{name: "d3", spec: "%{d3}", ctx: rfcMacros, want: "email.example.com"},
		{name: "d2", spec: "%{d2}", ctx: rfcMacros, want: "example.com"},
		{name: "d1", spec: "%{d1}", ctx: rfcMacros, want: "com"},
		{name: "dr", spec: "%{dr}", ctx: rfcMacros, want: "com.example.email"},
		{name: "d2r", spec: "%{d2r}", ctx: rfcMacros, want: "example.email"},
		{name: "l", spec: "%{l}", ctx: rfcMacros, want: "strong-bad"},
		{name: "l-", spec: "%{l-}", ctx: rfcMacros, want: "strong.bad"},
		{name: "lr", spec: "%{lr}", ctx: rfcMacros, want: "strong-bad"},
		{name: "lr-", spec: "%{lr-}", ctx: rfcMacros, want: "bad.strong"},
		{name: "l1r-", spec: "%{l1r-}", ctx: rfcMacros, want: "strong"},
		{name: "ir v", spec: "%{ir}.%{v}._spf.%{d2}", ctx: rfcMacros, want: "3.2.0.192.in-addr._spf.example.com"},
		{name: "lr- lp", spec: "%{lr-}.lp._spf.%{d2}", ctx: rfcMacros, want: "bad.strong.lp._spf.example.com"},
		{name: "lr- ir", spec: "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", ctx: rfcMacros, want: "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
		{name: "ir l1r-", spec: "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", ctx: rfcMacros, want: "3.2.0.192.in-addr.strong.lp._spf.example.com"},
		{name: "d2 trusted", spec: "%{d2}.trusted-domains.example.net", ctx: rfcMacros, want: "example.com.trusted-domains.example.net"},
		{name: "ip6 ir v", spec: "%{ir}.%{v}._spf.%{d2}", ctx: ip6, want: "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"},
		{name: "explanation", spec: "%{i} is not one of %{d}'s designated mail servers.", ctx: rfcMacros, inExp: true, want: "192.0.2.3 is not one of email.example.com's designated mail servers."},

		{name: "ip6 i forward", spec: "%{i}", ctx: ip6, want: "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1"},
		{name: "ip6 c", spec: "%{c} %{v}", ctx: ip6, inExp: true, want: "2001:db8::cb01 ip6"},
		{name: "mapped counts as ip4", spec: "%{i} %{c} %{v}", ctx: with(func(c *MacroContext) { c.IP = netip.MustParseAddr("::ffff:192.0.2.3") }), inExp: true, want: "192.0.2.3 192.0.2.3 in-addr"},
		{name: "h", spec: "%{h}", ctx: rfcMacros, want: "mx.example.org"},
		{name: "escapes", spec: "a%%b%_c%-d", ctx: rfcMacros, inExp: true, want: "a%b c%20d"},
		{name: "upper escapes", spec: "%{L}", ctx: with(func(c *MacroContext) { c.Sender = "~jack&jill=up-a_b3.c@e8.example.com" }), inExp: true, want: "~jack%26jill%3Dup-a_b3.c"},
		{name: "upper escapes space", spec: "%{H}", ctx: with(func(c *MacroContext) { c.HELO = "JUMPIN' JUPITER" }), want: "JUMPIN%27%20JUPITER"},
		{name: "several delimiters", spec: "%{l2r+-}", ctx: with(func(c *MacroContext) { c.Sender = "foo-bar+zip+quux@e12.example.com" }), want: "bar.foo"},
		{name: "empty parts kept", spec: "%{l-}", ctx: with(func(c *MacroContext) { c.Sender = "a--b@example.com" }), want: "a..b"},
		{name: "big digits keep all", spec: "%{d99999999999999999999}", ctx: rfcMacros, want: "email.example.com"},
		{name: "upper R reverses", spec: "%{d2R}", ctx: rfcMacros, want: "example.email"},
		{name: "no local-part", spec: "%{s} %{l}", ctx: with(func(c *MacroContext) { c.Sender = "@example.net" }), inExp: true, want: "postmaster@example.net postmaster"},
		{name: "empty sender", spec: "%{s}", ctx: with(func(c *MacroContext) { c.Sender = "" }), want: "postmaster@email.example.com"},
		{name: "sender without at", spec: "%{s}", ctx: with(func(c *MacroContext) { c.Sender = "mx.example.org" }), want: "postmaster@mx.example.org"},
		{name: "p unknown", spec: "%{p}", ctx: rfcMacros, want: "unknown"},
		{name: "p validated", spec: "%{p2}", ctx: with(func(c *MacroContext) { c.ValidatedDomain = "mx.example.org" }), want: "example.org"},
		{name: "r unknown", spec: "%{r}", ctx: rfcMacros, inExp: true, want: "unknown"},
		{name: "r", spec: "%{r}", ctx: with(func(c *MacroContext) { c.Receiver = "mx.example.net" }), inExp: true, want: "mx.example.net"},
		{name: "t", spec: "%{t}", ctx: with(func(c *MacroContext) { c.Now = time.Unix(1700000000, 0) }), inExp: true, want: "1700000000"},
		{name: "trailing dot dropped from names", spec: "%{d}.d.spf.example.com.", ctx: rfcMacros, want: "email.example.com.d.spf.example.com"},
		{name: "trailing dot kept in text", spec: "This is a test.", ctx: rfcMacros, inExp: true, want: "This is a test."},
		{name: "long names truncated from the left", spec: "%{d}", ctx: with(func(c *MacroContext) { c.Domain = long }), want: long[102:]},
		{name: "long text kept", spec: "%{d}", ctx: with(func(c *MacroContext) { c.Domain = long }), inExp: true, want: long},

		{name: "c outside exp", spec: "%{c}.example.com", ctx: rfcMacros,
			err: `spf: macro-string "%{c}.example.com": macro "%{c}" is allowed only in exp text (RFC 7208 §7.1)`},
		{name: "space outside exp", spec: "a b", ctx: rfcMacros,
			err: `spf: macro-string "a b": byte 0x20 is not allowed: a macro-string holds visible ASCII only (RFC 7208 §7.1)`},
		{name: "bad letter", spec: "The %{x}-files.", ctx: rfcMacros, inExp: true,
			err: `spf: macro-string "The %{x}-files.": unknown macro letter "x" in "%{x}": the letters are s, l, o, d, i, p, h, v and, in exp text, c, r and t (RFC 7208 §7.1)`},
		{name: "non-ASCII text", spec: "\xef\xbb\xbfExplanation", ctx: rfcMacros, inExp: true,
			err: `spf: macro-string "\ufeffExplanation": byte 0xEF is not allowed: a macro-string holds visible ASCII only (RFC 7208 §7.1)`},
		{name: "no address", spec: "%{i}", ctx: MacroContext{Domain: "example.com"},
			err: `spf: macro-string "%{i}": macro %{i} needs the client IP address`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Expand(tc.spec, tc.ctx, tc.inExp)
			if tc.err != "" {
				require.Error(t, err)
				assert.Equal(t, tc.err, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			if !tc.inExp {
				assert.LessOrEqual(t, len(got), 253)
				assert.False(t, strings.HasSuffix(got, "."))
			}
		})
	}
}

// TestExpandNoMacros checks that text without macros comes back as it is.
func TestExpandNoMacros(t *testing.T) {
	for _, s := range []string{"example.com", "_spf.example.com", "foo:bar/baz.example.com", "a-b_c+d,e/f=g"} {
		got, err := Expand(s, MacroContext{}, false)
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
}

// TestTransformOracle compares the transformers with a direct reading of
// RFC 7208 §7.3 on every combination of a few values.
func TestTransformOracle(t *testing.T) {
	values := []string{"", "a", "a.b.c", "a-b+c.d", "x..y", "1.2.3.4", "one_two=three,four/five"}
	for _, v := range values {
		for keep := 0; keep <= 5; keep++ {
			for _, rev := range []bool{false, true} {
				for _, delims := range []string{"", ".", "-", "+-", "_=,/", ".-+,/_="} {
					p := macroPart{letter: 'l', keep: keep, reverse: rev, delims: delims}
					assert.Equal(t, slowTransform(v, keep, rev, delims), p.transform(v), "%q keep %d reverse %v delims %q", v, keep, rev, delims)
				}
			}
		}
	}
}

// slowTransform replaces each delimiter by a dot, splits at dots,
// reverses, keeps the rightmost parts and joins.
func slowTransform(v string, keep int, rev bool, delims string) string {
	if delims == "" {
		delims = "."
	}
	for _, d := range delims {
		v = strings.ReplaceAll(v, string(d), "\x00")
	}
	parts := strings.Split(v, "\x00")
	if rev {
		for i := 0; i < len(parts)/2; i++ {
			parts[i], parts[len(parts)-1-i] = parts[len(parts)-1-i], parts[i]
		}
	}
	if keep > 0 && keep < len(parts) {
		parts = parts[len(parts)-keep:]
	}
	return strings.Join(parts, ".")
}
