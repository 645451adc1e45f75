// Package zonediff finds the records someone added by hand to a zone file
// that ip6plan wrote, before a rewrite could drop them. It parses zone
// files with github.com/miekg/dns, so it belongs to the command line
// only: the web app writes no files and stays small without it.
//
// ip6plan's zone files $INCLUDE a hand-maintained file (records.LocalFileName),
// which is where hand-kept records belong; this package catches those
// that were put into the zone file itself instead.
package zonediff

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/ip6plan/ip6plan/records"
)

// HandAdded returns the records of old, a zone file for origin that
// ip6plan wrote earlier, that next, the file ip6plan is about to write in
// its place, would drop, in zone file form. A caller that gets any must
// not replace old: it should refuse, name the file and say to move them
// into the hand-maintained file the zone $INCLUDEs.
//
// When old is untouched since ip6plan wrote it (records.Untouched), it
// holds nothing but ip6plan's records, and HandAdded returns none. Once
// edited (or written by an ip6plan without the digest), old is parsed
// and compared with next record by record: owner names compared without
// regard to case, TTLs and the SOA ignored, and an $INCLUDE line counts
// as a record. A record of a host that left the plan since then is
// reported too, as HandAdded cannot tell it from one added by hand:
// the caller errs on the side of keeping it. An old that cannot be
// parsed is an error, and the caller should leave it alone too.
func HandAdded(origin string, old, next []byte) ([]string, error) {
	if records.Untouched(old) {
		return nil, nil
	}
	have, err := parse(origin, old)
	if err != nil {
		return nil, fmt.Errorf("reading the zone file of %s: %w", origin, err)
	}
	will, err := parse(origin, next)
	if err != nil {
		return nil, fmt.Errorf("the new zone file of %s: %w", origin, err)
	}
	var out []string
	for _, r := range have {
		if !slices.ContainsFunc(will, func(w record) bool { return w.key == r.key }) && !slices.ContainsFunc(out, func(s string) bool { return s == r.text }) {
			out = append(out, r.text)
		}
	}
	return out, nil
}

// A record is one record or $INCLUDE of a zone file: key compares it, and
// text shows it.
type record struct{ key, text string }

// parse returns the records of a zone file but its SOA, and its $INCLUDE
// lines, which it does not follow.
func parse(origin string, file []byte) ([]record, error) {
	var out []record
	lines := bytes.SplitAfter(file, []byte("\n"))
	for i, line := range lines {
		if f := strings.Fields(string(line)); len(f) > 0 && strings.EqualFold(f[0], "$INCLUDE") {
			text := strings.Join(f[:min(len(f), 3)], " ")
			if k := slices.Index(f, ";"); k > 0 && k < 3 {
				text = strings.Join(f[:k], " ")
			}
			out = append(out, record{key: strings.ToLower(text), text: text})
			lines[i] = []byte("\n") // keep line numbers for errors
		}
	}
	zp := dns.NewZoneParser(bytes.NewReader(bytes.Join(lines, nil)), dns.Fqdn(origin), "")
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if rr.Header().Rrtype == dns.TypeSOA {
			continue
		}
		text := rr.String()
		h := *rr.Header()
		h.Name = strings.ToLower(h.Name)
		h.Ttl = 0
		data := strings.TrimPrefix(text, rr.Header().String())
		out = append(out, record{key: h.Name + " " + dns.TypeToString[h.Rrtype] + " " + dns.ClassToString[h.Class] + " " + data, text: text})
	}
	return out, zp.Err()
}
