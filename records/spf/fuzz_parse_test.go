package spf

import (
	"context"
	"net/netip"
	"strings"
	"testing"
)

var fuzzClients = []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("::ffff:192.0.2.1")}

// FuzzParse checks that Parse never panics, that its errors point at a
// term of the input, that what it accepts survives a round trip through
// String, and that offline evaluation of it never panics.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			pe, ok := err.(*ParseError)
			if !ok {
				t.Fatalf("Parse(%q): error %T, want *ParseError", s, err)
			}
			if pe.Term != "" && (pe.Offset < 0 || pe.Offset+len(pe.Term) > len(s) || s[pe.Offset:pe.Offset+len(pe.Term)] != pe.Term) {
				t.Fatalf("Parse(%q): term %q is not at offset %d", s, pe.Term, pe.Offset)
			}
			return
		}
		out := r.String()
		if !IsSPF(out) || strings.Contains(out, "  ") {
			t.Fatalf("Parse(%q).String() = %q", s, out)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, out, err)
		}
		if len(again.Terms) != len(r.Terms) {
			t.Fatalf("Parse(%q): %d terms, after the round trip %d", s, len(r.Terms), len(again.Terms))
		}
		for i, term := range r.Terms {
			if term.Offset < len(spfVersion)+1 || term.Offset >= len(s) || s[term.Offset-1] != ' ' || s[term.Offset] == ' ' {
				t.Fatalf("Parse(%q): term %d has offset %d, which starts no term", s, i, term.Offset)
			}
			term.Offset = again.Terms[i].Offset
			if term != again.Terms[i] {
				t.Fatalf("Parse(%q): term %d is %+v, after the round trip %+v", s, i, term, again.Terms[i])
			}
		}
		if again.String() != out {
			t.Fatalf("Parse(%q): String %q, after the round trip %q", s, out, again.String())
		}
		// Offline evaluation never panics, and errs exactly on errors.
		var c Checker
		for _, ip := range fuzzClients {
			res, _, err := c.CheckRecord(context.Background(), r, ip, "example.com", "a-b+c@example.com", "mail.example.com")
			if (res == Temperror || res == Permerror) != (err != nil) {
				t.Fatalf("CheckRecord(%q, %s) = %s with error %v", s, ip, res, err)
			}
		}
	})
}
