package spf

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go4.org/netipx"
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name     string
		existing string // "" for a nil record
		add      []netip.Prefix
		includes []string
		want     string
		changes  []string
	}{
		{
			name:     "into nothing",
			add:      prefixes("192.0.2.1/32", "2001:db8:d6:25::/64"),
			includes: []string{"_spf.esp.example.net"},
			want:     "v=spf1 ip6:2001:db8:d6:25::/64 ip4:192.0.2.1 include:_spf.esp.example.net",
			changes:  []string{"+ ip6:2001:db8:d6:25::/64", "+ ip4:192.0.2.1", "+ include:_spf.esp.example.net"},
		},
		{
			name:     "a /64 replaces a /128 in place",
			existing: "v=spf1 ip6:2001:db8:d6:25::25 include:_spf.google.com ~all",
			add:      prefixes("2001:db8:d6:25::/64"),
			want:     "v=spf1 ip6:2001:db8:d6:25::/64 include:_spf.google.com ~all",
			changes:  []string{"+ ip6:2001:db8:d6:25::/64", "- ip6:2001:db8:d6:25::25 (covered by ip6:2001:db8:d6:25::/64)"},
		},
		{
			name:     "new terms go before all",
			existing: "v=spf1 mx ip4:192.0.2.0/24 -all",
			add:      prefixes("2001:db8:d6:25::/64", "192.0.2.7/32", "198.51.100.0/24"),
			want:     "v=spf1 mx ip4:192.0.2.0/24 ip6:2001:db8:d6:25::/64 ip4:198.51.100.0/24 -all",
			changes:  []string{"+ ip6:2001:db8:d6:25::/64", "+ ip4:198.51.100.0/24"},
		},
		{
			name:     "before redirect when there is no all",
			existing: "v=spf1 a redirect=_spf.example.com exp=explain.example.com",
			add:      prefixes("2001:db8:d6:25::/64"),
			includes: []string{"_spf.esp.example.net"},
			want:     "v=spf1 a ip6:2001:db8:d6:25::/64 include:_spf.esp.example.net redirect=_spf.example.com exp=explain.example.com",
			changes:  []string{"+ ip6:2001:db8:d6:25::/64", "+ include:_spf.esp.example.net"},
		},
		{
			name:     "at the end when there is neither",
			existing: "v=spf1 a",
			add:      prefixes("2001:db8:d6:25::25/128"),
			want:     "v=spf1 a ip6:2001:db8:d6:25::25",
			changes:  []string{"+ ip6:2001:db8:d6:25::25"},
		},
		{
			name:     "an include already there, in another case and with a dot",
			existing: "v=spf1 include:_SPF.esp.example.net. -all",
			includes: []string{"_spf.esp.example.net", "_spf.esp.example.net."},
			want:     "v=spf1 include:_SPF.esp.example.net. -all",
		},
		{
			name:     "an include given twice is added once",
			existing: "v=spf1 -all",
			includes: []string{"_spf.esp.example.net", "_SPF.esp.example.net.", ""},
			want:     "v=spf1 include:_spf.esp.example.net -all",
			changes:  []string{"+ include:_spf.esp.example.net"},
		},
		{
			name:     "a failing include does not count as there",
			existing: "v=spf1 -include:_spf.esp.example.net -all",
			includes: []string{"_spf.esp.example.net"},
			want:     "v=spf1 -include:_spf.esp.example.net include:_spf.esp.example.net -all",
			changes:  []string{"+ include:_spf.esp.example.net"},
		},
		{
			name:     "terms that do not pass are never dropped",
			existing: "v=spf1 -ip6:2001:db8:d6:25::99 ~ip4:192.0.2.1 ?ip4:192.0.2.2 -all",
			add:      prefixes("2001:db8:d6:25::/64", "192.0.2.0/24"),
			want:     "v=spf1 -ip6:2001:db8:d6:25::99 ~ip4:192.0.2.1 ?ip4:192.0.2.2 ip6:2001:db8:d6:25::/64 ip4:192.0.2.0/24 -all",
			changes:  []string{"+ ip6:2001:db8:d6:25::/64", "+ ip4:192.0.2.0/24"},
		},
		{
			name:     "several replaced terms, + written",
			existing: "v=spf1 ip6:2001:db8:d6:25::25 include:_spf.example.net +ip6:2001:db8:d6:25::26 a ip4:192.0.2.8/29 -all",
			add:      prefixes("2001:db8:d6:25::/64", "192.0.2.0/24"),
			want:     "v=spf1 ip6:2001:db8:d6:25::/64 include:_spf.example.net a ip4:192.0.2.0/24 -all",
			changes: []string{
				"+ ip6:2001:db8:d6:25::/64",
				"- ip6:2001:db8:d6:25::25 (covered by ip6:2001:db8:d6:25::/64)",
				"- +ip6:2001:db8:d6:25::26 (covered by ip6:2001:db8:d6:25::/64)",
				"+ ip4:192.0.2.0/24",
				"- ip4:192.0.2.8/29 (covered by ip4:192.0.2.0/24)",
			},
		},
		{
			name:     "a replaced term after all: the new one goes before all",
			existing: "v=spf1 -all ip6:2001:db8:d6:25::25",
			add:      prefixes("2001:db8:d6:25::/64"),
			want:     "v=spf1 ip6:2001:db8:d6:25::/64 -all",
			changes:  []string{"+ ip6:2001:db8:d6:25::/64", "- ip6:2001:db8:d6:25::25 (covered by ip6:2001:db8:d6:25::/64)"},
		},
		{
			name:     "added networks are aggregated",
			existing: "v=spf1 -all",
			add:      prefixes("2001:db8:d6:1::/64", "2001:db8:d6::/64", "2001:db8:d6:1::5/128", "192.0.2.128/25", "192.0.2.0/25"),
			want:     "v=spf1 ip6:2001:db8:d6::/63 ip4:192.0.2.0/24 -all",
			changes:  []string{"+ ip6:2001:db8:d6::/63", "+ ip4:192.0.2.0/24"},
		},
		{
			name:     "an IPv4-mapped network is added as ip4",
			existing: "v=spf1 -all",
			add:      prefixes("::ffff:192.0.2.0/120"),
			want:     "v=spf1 ip4:192.0.2.0/24 -all",
			changes:  []string{"+ ip4:192.0.2.0/24"},
		},
		{
			name:     "covered by a wider existing term, even one with host bits",
			existing: "v=spf1 ip6:2001:db8:d6::/48 ip6:2001:db8:d7::1/64 ip4:192.0.2.0/24 -all",
			add:      prefixes("2001:db8:d6:25::/64", "2001:db8:d7::/64", "192.0.2.25/32"),
			want:     "v=spf1 ip6:2001:db8:d6::/48 ip6:2001:db8:d7::1/64 ip4:192.0.2.0/24 -all",
		},
		{
			name:     "covered only by the union of existing terms",
			existing: "v=spf1 ip4:192.0.2.0/25 ip4:192.0.2.128/25 -all",
			add:      prefixes("192.0.2.0/24"),
			want:     "v=spf1 ip4:192.0.2.0/25 ip4:192.0.2.128/25 -all",
		},
		{
			name:     "the same network already there",
			existing: "v=spf1 ip6:2001:db8:d6:25::/64 -all",
			add:      prefixes("2001:db8:d6:25::/64"),
			want:     "v=spf1 ip6:2001:db8:d6:25::/64 -all",
		},
		{
			name:     "invalid prefixes are ignored",
			existing: "v=spf1 -all",
			add:      []netip.Prefix{{}},
			want:     "v=spf1 -all",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var old *Record
			before := ""
			if tt.existing != "" {
				var err error
				old, err = Parse(tt.existing)
				require.NoError(t, err)
				before = old.String()
			}
			got, changes := Merge(old, tt.add, tt.includes)
			assert.Equal(t, tt.want, got.String())
			var cs []string
			for _, c := range changes {
				cs = append(cs, c.String())
			}
			assert.Equal(t, tt.changes, cs)
			if old != nil {
				assert.Equal(t, before, old.String(), "the existing record is not modified")
			}
			checkOffsets(t, got)
		})
	}
}

// checkOffsets checks that every term's Offset is where it stands in the
// record's text, and that the text parses back to the same terms.
func checkOffsets(t *testing.T, r *Record) {
	t.Helper()
	s := r.String()
	for _, term := range r.Terms {
		if assert.LessOrEqual(t, term.Offset+len(term.String()), len(s)) {
			assert.Equal(t, term.String(), s[term.Offset:term.Offset+len(term.String())], "offset of %s", term)
		}
	}
	back, err := Parse(s)
	if assert.NoError(t, err) {
		assert.Equal(t, s, back.String())
		for i := range back.Terms {
			assert.Equal(t, back.Terms[i].Offset, r.Terms[i].Offset, "offset of %s", r.Terms[i])
		}
	}
}

func TestChangeString(t *testing.T) {
	term := Term{Kind: IP6, Prefix: netip.MustParsePrefix("2001:db8:d6:25::25/128")}
	assert.Equal(t, "+ ip6:2001:db8:d6:25::25", Change{Op: Added, Term: term}.String())
	assert.Equal(t, "- ip6:2001:db8:d6:25::25 (covered by ip6:2001:db8:d6:25::/64)",
		Change{Op: Removed, Term: term, Reason: "covered by ip6:2001:db8:d6:25::/64"}.String())
}

// ipResult is the oracle for records of ip4:, ip6: and all terms: the
// qualifier of the first of them that matches a, or "none" when none
// does. Other terms never match, as offline.
func ipResult(r *Record, a netip.Addr) string {
	for _, t := range r.Terms {
		match := false
		switch t.Kind {
		case All:
			match = true
		case IP4, IP6:
			match = (t.Kind == IP4) == a.Is4() && t.Prefix.Masked().Contains(a)
		}
		if match {
			if t.Qualifier == QualifierNone {
				return "+"
			}
			return string(t.Qualifier)
		}
	}
	return "none"
}

// TestMergeProperties merges random networks into random records of
// overlapping ip4: and ip6: terms and checks, address by address, that
// every address the old record passed still passes, that every added
// network passes unless an old term that does not pass takes it first,
// and that addresses outside the added networks keep their old result.
// Results come from an oracle for ip-only records, checked against the
// Checker.
func TestMergeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 208))
	quals := []Qualifier{QualifierNone, QualifierNone, QualifierNone, QualifierPass, QualifierFail, QualifierSoftfail, QualifierNeutral}
	randPrefix := func() netip.Prefix {
		if rng.IntN(3) == 0 {
			a := netip.AddrFrom4([4]byte{192, 0, 2, byte(rng.IntN(16))})
			return netip.PrefixFrom(a, []int{28, 29, 30, 31, 32}[rng.IntN(5)]).Masked()
		}
		b := netip.MustParseAddr("2001:db8:d6::").As16()
		b[7], b[15] = byte(rng.IntN(4)), byte(rng.IntN(8))
		return netip.PrefixFrom(netip.AddrFrom16(b), []int{48, 62, 63, 64, 126, 127, 128}[rng.IntN(7)]).Masked()
	}
	var checker Checker
	oracleResult := map[string]Result{"+": Pass, "-": Fail, "~": Softfail, "?": Neutral, "none": Neutral}
	for i := range 2000 {
		old := &Record{}
		for range rng.IntN(6) {
			term := Term{Kind: IP6, Qualifier: quals[rng.IntN(len(quals))], Prefix: randPrefix()}
			if term.Prefix.Addr().Is4() {
				term.Kind = IP4
			}
			old.Terms = append(old.Terms, term)
		}
		if rng.IntN(4) > 0 {
			all := Term{Kind: All, Qualifier: quals[rng.IntN(len(quals))]}
			old.Terms = append(old.Terms, all) // sometimes followed by more terms
			if rng.IntN(3) == 0 {
				term := Term{Kind: IP6, Prefix: randPrefix()}
				if term.Prefix.Addr().Is4() {
					term.Kind = IP4
				}
				old.Terms = append(old.Terms, term)
			}
		}
		var add []netip.Prefix
		for range rng.IntN(5) {
			add = append(add, randPrefix())
		}
		got, changes := Merge(old, add, nil)

		var added netipx.IPSetBuilder
		for _, p := range add {
			added.AddPrefix(p)
		}
		addedSet, _ := added.IPSet()
		var probes []netip.Addr
		for _, p := range append(add, termPrefixes(old)...) {
			r := netipx.RangeOfPrefix(p)
			probes = append(probes, r.From(), r.To(), r.From().Next(), r.To().Prev())
		}
		for _, a := range probes {
			if !a.IsValid() {
				continue
			}
			before, after := ipResult(old, a), ipResult(got, a)
			// The oracle agrees with the Checker, offline.
			for _, r := range []*Record{old, got} {
				res, _, err := checker.CheckRecord(context.Background(), r, a, "example.com", "", "mta.example.com")
				require.NoError(t, err)
				require.Equal(t, oracleResult[ipResult(r, a)], res, "%s at %s", r, a)
			}
			ctx := func() string {
				return "case " + strconv.Itoa(i) + ": " + old.String() + " + " + prefixText(add) + " = " + got.String() + " at " + a.String()
			}
			if before == "+" {
				require.Equal(t, "+", after, "an address the old record passed: %s", ctx())
			}
			if !addedSet.Contains(a) {
				require.Equal(t, before, after, "an address outside the added networks: %s", ctx())
			} else if after != "+" {
				require.True(t, blockedBefore(old, a), "an added address that does not pass: %s", ctx())
			}
		}
		for _, c := range changes {
			if c.Op == Removed {
				require.True(t, passingIP(c.Term), "removed a term that does not pass: %s", c)
			}
		}
		require.Len(t, got.Terms, len(old.Terms)+countOp(changes, Added)-countOp(changes, Removed))
		checkOffsets(t, got)
	}
}

func termPrefixes(r *Record) []netip.Prefix {
	var out []netip.Prefix
	for _, t := range r.Terms {
		if t.Kind == IP4 || t.Kind == IP6 {
			out = append(out, t.Prefix)
		}
	}
	return out
}

// blockedBefore reports whether an ip term of r that does not pass
// matches a before any passing term or all does.
func blockedBefore(r *Record, a netip.Addr) bool {
	for _, t := range r.Terms {
		if t.Kind == All {
			return false
		}
		if (t.Kind == IP4) == a.Is4() && (t.Kind == IP4 || t.Kind == IP6) && t.Prefix.Contains(a) {
			return !passing(t.Qualifier)
		}
	}
	return false
}

func countOp(cs []Change, op Op) int {
	n := 0
	for _, c := range cs {
		if c.Op == op {
			n++
		}
	}
	return n
}

func prefixText(ps []netip.Prefix) string {
	var ss []string
	for _, p := range ps {
		ss = append(ss, p.String())
	}
	return "[" + strings.Join(ss, " ") + "]"
}
