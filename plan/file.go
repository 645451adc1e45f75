package plan

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ip6plan/ip6plan/plan/ip6"
	"go.yaml.in/yaml/v3"
)

// ParseFile reads a plan written in YAML or JSON. name is the file name
// that error positions carry. Every problem found is reported, each as an
// *Error with file:line:col, joined with errors.Join: unknown keys, wrong
// types, impossible values, duplicate names.
func ParseFile(name string, data []byte) (*Plan, error) {
	return NewDraft(name).Parse(data)
}

// parseYAML returns the one YAML (or JSON) document in data, or nil if
// there is none. A second document is an error: a plan is one document,
// and whatever follows a stray "---" would otherwise be dropped unseen.
func parseYAML(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case err == io.EOF:
		return nil, nil
	case err != nil:
		return nil, yamlError(name, data, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
		return &doc, nil
	case err != nil:
		return nil, yamlError(name, data, err)
	}
	return nil, errorAt(Pos{File: name, Line: next.Line, Col: next.Column},
		"a second YAML document starts here; a plan file holds one plan")
}

// yamlError gives a YAML syntax error the file name and the line at
// fault. yaml.v3 reports "yaml: line N: msg" with N the line on which the
// enclosing construct starts (the list whose item is badly indented), not
// the line of the mistake, and counts it from 0 for some errors, from 1
// for others. Instead, the line at fault is found as the first line L such
// that the first L lines alone fail with the same message: adding line L
// is what breaks the file.
func yamlError(name string, data []byte, err error) error {
	msg := yamlMessage(err)
	var ends []int // ends[i] is the length of the first i+1 lines
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data))
	}
	// The first 0 lines parse; all of them fail with msg.
	lo, hi := 0, len(ends)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if yamlMessage(decodeAll(data[:ends[mid-1]])) == msg {
			hi = mid
		} else {
			lo = mid
		}
	}
	pos := Pos{File: name, Line: hi, Col: 1}
	if l, c, ok := badRune(data); ok && l == pos.Line {
		pos.Col = c
	}
	start := 0
	if hi > 1 {
		start = ends[hi-2]
	}
	if text := strings.TrimRight(string(data[start:ends[hi-1]]), " \r\n"); msg == "mapping values are not allowed in this context" && strings.Contains(text+" ", ":: ") {
		// An address that ends in "::", unquoted, reads as a key.
		return errorAt(pos, "%s; put an address that ends in \"::\" in quotes, e.g. \"2001:db8::\"", msg)
	}
	return errorAt(pos, "%s", msg)
}

// decodeAll parses every document in data and returns the first error.
func decodeAll(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}

// yamlMessage returns the message of a yaml.v3 error without its "yaml: "
// and "line N: " prefixes, or "" for nil.
func yamlMessage(err error) string {
	if err == nil {
		return ""
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if _, err := strconv.Atoi(n); err == nil {
				return after
			}
		}
	}
	return msg
}

// badRune returns the position of the first character YAML does not allow
// in a stream (YAML 1.2 §5.1) or of the first byte that is not UTF-8, to
// give the reader errors of yaml.v3, which carry no position, a column.
func badRune(data []byte) (line, col int, ok bool) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1,
			r < 0x20 && r != '\t' && r != '\n' && r != '\r',
			r >= 0x7f && r < 0xa0 && r != 0x85,
			r >= 0xd800 && r < 0xe000, r == 0xfffe, r == 0xffff,
			r == 0xfeff && i > 0:
			return line, col, true
		case r == '\n':
			line, col = line+1, 1
		default:
			col++
		}
		i += size
	}
	return 0, 0, false
}

// decoder walks the YAML node tree, collecting every error with its place.
type decoder struct {
	file  string
	errs  []error
	nodes map[any]givenKeys // per *Subnet and *Host: the value node of each key given

	prefixNode *yaml.Node // the plan's prefix value, nil if none
	decoded    int        // how many of errs reading the entries gave; check's follow
}

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line, Col: n.Column} }

// at returns the position of the value of key in the mapping that x (a
// *Subnet or *Host) was read from, or x's own position if key was not
// given: errors point at the value that is wrong.
func (d *decoder) at(x any, key string, pos Pos) Pos {
	if n := d.nodes[x].get(key); n != nil {
		return d.pos(n)
	}
	return pos
}

// givenKeys are the keys a mapping gave and their value nodes, in order.
// A subnet gives two to four keys, so a list beats a map: a plan of
// 65,536 subnets kept 65,536 small maps.
type givenKeys []givenKey

type givenKey struct {
	key  string
	node *yaml.Node
}

// get returns the value node of key, or nil if it was not given.
func (g givenKeys) get(key string) *yaml.Node {
	for _, k := range g {
		if k.key == key {
			return k.node
		}
	}
	return nil
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, errorAt(d.pos(n), format, args...))
}

// fields calls set for each key of the mapping n, after checking that the
// key is one of known and appears once. what names the mapping in errors.
func (d *decoder) fields(n *yaml.Node, what string, known []string, set func(key string, v *yaml.Node)) bool {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be a mapping of keys to values, not %s", what, kindName(n))
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(known, k.Value):
			d.errorf(k, "unknown key %q in %s; known keys: %s", k.Value, what, strings.Join(known, ", "))
		case seen[k.Value]:
			d.errorf(k, "key %q appears twice in %s", k.Value, what)
		default:
			seen[k.Value] = true
			set(k.Value, v)
		}
	}
	return true
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "empty"
	}
	return fmt.Sprintf("%q", n.Value)
}

// str returns the text of a scalar; numbers are taken as written, so an
// id of 25 is the hex ID "25", not twenty-five.
func (d *decoder) str(n *yaml.Node, key string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, "%s must be a single value, not %s", key, kindName(n))
		return "", false
	}
	for _, r := range n.Value {
		if r < ' ' || r == 0x7f {
			d.errorf(n, "%s %q contains a control character", key, n.Value)
			return "", false
		}
	}
	return n.Value, true
}

func (d *decoder) int(n *yaml.Node, key string, lo, hi int64) (int64, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimPrefix(s, "/"), 10, 64)
	if err != nil || n.Tag != "!!int" && !strings.HasPrefix(s, "/") {
		d.errorf(n, "%s must be a whole number, not %q", key, s)
		return 0, false
	}
	if v < lo || v > hi {
		d.errorf(n, "%s %d is out of range %d to %d", key, v, lo, hi)
		return 0, false
	}
	return v, true
}

func (d *decoder) list(n *yaml.Node, key string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a list, not %s", key, kindName(n))
		return nil
	}
	return n.Content
}

func (d *decoder) prefix(n *yaml.Node, key string) netip.Prefix {
	s, ok := d.str(n, key)
	if !ok {
		return netip.Prefix{}
	}
	p, err := ip6.ParsePrefix(s)
	if err != nil {
		d.errorf(n, "%s: %v", key, err)
	}
	return p
}

// hostname reads a fully qualified hostname, such as the plan's domain,
// whether or not it ends in '.'.
func (d *decoder) hostname(n *yaml.Node, key string) string {
	s, ok := d.str(n, key)
	if !ok {
		return ""
	}
	if err := CheckFQDN(s); err != nil {
		d.errorf(n, "%s: %v", key, err)
		return ""
	}
	return s
}

var planKeys = []string{"prefix", "domain", "ttl", "nameservers", "contact", "allocation", "secret", "reserved", "subnets", "spf"}

func (d *decoder) plan(n *yaml.Node) *Plan {
	p := &Plan{TTL: 3600, Pos: d.pos(n)}
	var prefixNode *yaml.Node
	d.fields(n, "the plan", planKeys, func(key string, v *yaml.Node) {
		switch key {
		case "prefix":
			prefixNode, p.Prefix = v, d.prefix(v, key)
		case "domain":
			p.Domain = strings.TrimSuffix(d.hostname(v, key), ".")
		case "ttl":
			ttl, _ := d.int(v, key, 0, math.MaxInt32) // RFC 2181 §8
			p.TTL = uint32(ttl)
		case "nameservers":
			for _, ns := range d.list(v, key) {
				s := strings.TrimSuffix(d.hostname(ns, "nameserver"), ".")
				switch {
				case s == "":
				case !strings.Contains(s, "."):
					// "ns1" would be the name ns1. at the root, not ns1 in the domain.
					d.errorf(ns, "nameserver %q is a single label; write it in full, e.g. %s.example.com.", s, s)
				default:
					p.Nameservers = append(p.Nameservers, s+".")
				}
			}
		case "contact":
			p.Contact = d.contact(v)
		case "allocation":
			p.Allocation = d.mode(v)
		case "secret":
			p.Secret, _ = d.str(v, key)
		case "reserved":
			p.Reserved = d.reserved(v)
		case "subnets":
			p.Subnets = d.subnets(v)
		case "spf":
			p.SPF = d.spf(v)
		}
	})
	d.prefixNode = prefixNode
	d.decoded = len(d.errs)
	d.check(p, n)
	return p
}

// check reports what only the whole plan tells, after every entry has
// been read: a missing or too long prefix, what checkChildren and
// checkHostNames find. Its errors follow those of reading the entries.
func (d *decoder) check(p *Plan, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		return
	}
	switch prefixNode := d.prefixNode; {
	case prefixNode == nil:
		d.errorf(n, "the plan has no prefix; add one, e.g. prefix: 2001:db8:d6::/48")
	case p.Prefix.IsValid() && p.Prefix.Bits() > 64:
		d.errorf(prefixNode, "prefix %s leaves no room for /64 subnets (RFC 7421); use a /64 or shorter", p.Prefix)
	case p.Prefix.IsValid():
		d.checkChildren(p.Prefix.Bits(), p.Subnets)
	}
	d.checkHostNames(p)
}

// contact accepts an RNAME (hostmaster.example.com.) or a mail address
// (hostmaster@example.com) and returns the RNAME with its trailing dot.
func (d *decoder) contact(n *yaml.Node) string {
	s, ok := d.str(n, "contact")
	if !ok {
		return ""
	}
	name := s
	if local, domain, ok := strings.Cut(s, "@"); ok {
		// The local part becomes the first label of the SOA RNAME, its
		// dots escaped (RFC 1035 §8): keep it to characters that need no
		// other escape in a zone file.
		name = strings.ReplaceAll(local, ".", `\.`) + "." + domain
		if err := CheckFQDN(domain); err != nil || !mailLocal(local) {
			d.errorf(n, "contact %q is not a mail address or domain name; write hostmaster@example.com or hostmaster.example.com.", s)
			return ""
		}
	} else if err := CheckFQDN(s); err != nil {
		d.errorf(n, "contact: %v", err)
		return ""
	}
	if !strings.Contains(strings.TrimSuffix(name, "."), ".") {
		d.errorf(n, "contact %q is a single label; write hostmaster@example.com or hostmaster.example.com.", s)
		return ""
	}
	return strings.TrimSuffix(name, ".") + "."
}

// mailLocal reports whether s is a mail local part that can be the first
// label of an SOA RNAME as written: 1 to 63 octets of letters, digits and
// . - _ + (RFC 5322 atext less the characters zone files treat specially).
func mailLocal(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-_+", c) >= 0) {
			return false
		}
	}
	return true
}

func (d *decoder) mode(n *yaml.Node) ip6.Mode {
	s, ok := d.str(n, "allocation")
	if !ok {
		return ip6.Dense
	}
	m, err := ip6.ParseMode(s)
	if err != nil {
		d.errorf(n, "%v", err)
	}
	return m
}

func (d *decoder) reserved(n *yaml.Node) []Reserved {
	var out []Reserved
	for _, v := range d.list(n, "reserved") {
		r := Reserved{Pos: d.pos(v)}
		if v.Kind == yaml.ScalarNode {
			r.Prefix = d.prefix(v, "reserved")
		} else {
			hasPrefix := false
			ok := d.fields(v, "a reserved range", []string{"prefix", "note"}, func(key string, v *yaml.Node) {
				if key == "prefix" {
					r.Prefix, hasPrefix = d.prefix(v, key), true
				} else {
					r.Note, _ = d.str(v, key)
				}
			})
			if ok && !hasPrefix {
				d.errorf(v, "a reserved range has no prefix; add one, e.g. prefix: 2001:db8:d6:ff00::/56")
			}
		}
		if r.Prefix.IsValid() && r.Prefix.Bits() > 64 {
			d.errorf(v, "reserved range %s is longer than /64; ranges are kept free of subnets, which are /64 or shorter", r.Prefix)
		}
		out = append(out, r)
	}
	return out
}

var spfKeys = []string{"include", "policy", "scope", "ip4", "existing"}

// spf reads the spf settings. Every value is checked here, where the
// plan file's positions are known; the record in existing is parsed when
// the SPF record is built (package records/spf), and only its version is
// checked here.
func (d *decoder) spf(n *yaml.Node) SPFSettings {
	s := SPFSettings{Pos: d.pos(n)}
	d.fields(n, "the spf settings", spfKeys, func(key string, v *yaml.Node) {
		switch key {
		case "include":
			for _, in := range d.list(v, key) {
				if name, ok := d.spfDomain(in); ok {
					if slices.ContainsFunc(s.Include, func(x string) bool { return strings.EqualFold(x, name) }) {
						d.errorf(in, "include %s is listed twice", name)
						continue
					}
					s.Include = append(s.Include, name)
				}
			}
		case "policy":
			s.Policy = d.spfSetting(v, key)
		case "scope":
			s.Scope = SPFScope(d.spfSetting(v, key))
		case "ip4":
			for _, in := range d.list(v, key) {
				if p, ok := d.ipv4Net(in); ok {
					s.IPv4 = append(s.IPv4, p)
				}
			}
		case "existing":
			s.ExistingPos = d.pos(v)
			if rec, ok := d.str(v, key); ok {
				// RFC 7208 §4.5: "v=spf1" followed by a space or the end.
				if len(rec) < 6 || !strings.EqualFold(rec[:6], "v=spf1") || len(rec) > 6 && rec[6] != ' ' {
					d.errorf(v, "existing %q is not an SPF record; an SPF record starts with \"v=spf1\" (RFC 7208 §4.5)", rec)
					return
				}
				s.Existing = rec
			}
		}
	})
	return s
}

// spfSetting reads the policy (the all that ends the record) or the
// scope, as spfProblem allows.
func (d *decoder) spfSetting(n *yaml.Node, key string) string {
	s, ok := d.str(n, key)
	if why := spfProblem(key, s); ok && why != "" {
		d.errorf(n, "%s", why)
		return ""
	}
	return s
}

// spfProblem says why value cannot be the spf setting key, "policy" or
// "scope", or is "". The record ends in -all or ~all, never in an all
// that lets any address pass; the scope is hosts or streams.
func spfProblem(key, value string) string {
	var why string
	switch {
	case key == "scope" && (value == string(SPFScopeHosts) || value == string(SPFScopeStreams)),
		key == "policy" && (value == "-all" || value == "~all"):
		return ""
	case key == "scope":
		why = "is not one of hosts, streams; hosts lists each sending address, streams the /64 of each mail subnet with senders"
	case value == "+all" || value == "all":
		why = "authorizes every address on the Internet to send mail as the domain (RFC 7208 §5.1); use -all or ~all"
	case value == "?all":
		why = "is neutral: receivers treat mail from unlisted addresses as if there were no SPF record (RFC 7208 §8.2); use -all or ~all"
	default:
		why = "is not one of -all, ~all"
	}
	return fmt.Sprintf("%s %q %s", key, value, why)
}

// checkSPF reports what the plan file refuses in spf settings built in
// code, at s.Pos: a policy other than -all or ~all, a scope other than
// hosts or streams. The empty policy and scope are the defaults.
func (d *decoder) checkSPF(s SPFSettings) {
	for _, kv := range [...][2]string{{"policy", s.Policy}, {"scope", string(s.Scope)}} {
		if kv[1] == "" {
			continue // the default
		}
		if why := spfProblem(kv[0], kv[1]); why != "" {
			d.errs = append(d.errs, &Error{Pos: s.Pos, Msg: "spf " + why})
		}
	}
}

// includeRules are the rules of an include's domain: a hostname's, with
// '_' allowed (SPF includes often start with _spf), fully qualified, its
// top-level label not all digits (RFC 7208 §7.1 toplabel).
var includeRules = NameRules{What: "include", Underscore: true, Hyphens: true, NumericTop: true, Qualified: true}

// spfDomain reads a domain name for an include: includeRules, and at
// least two labels. The trailing dot is dropped, as SPF records write
// names without it.
func (d *decoder) spfDomain(n *yaml.Node) (string, bool) {
	s, ok := d.str(n, "include")
	if !ok {
		return "", false
	}
	name := strings.TrimSuffix(s, ".")
	if err := includeRules.Check(s); err != nil {
		d.errorf(n, "%v", err)
		return "", false
	}
	if !strings.Contains(name, ".") {
		d.errorf(n, "include %q is a single label; write the full name, e.g. _spf.esp.example.net", s)
		return "", false
	}
	return name, true
}

// ipv4Net reads an IPv4 network for the SPF record; a bare address is a
// /32. Host bits must be zero, as for IPv6 prefixes.
func (d *decoder) ipv4Net(n *yaml.Node) (netip.Prefix, bool) {
	s, ok := d.str(n, "ip4")
	if !ok {
		return netip.Prefix{}, false
	}
	var p netip.Prefix
	var err error
	if strings.Contains(s, "/") {
		p, err = netip.ParsePrefix(s)
	} else {
		var a netip.Addr
		if a, err = netip.ParseAddr(s); err == nil {
			p = netip.PrefixFrom(a, a.BitLen())
		}
	}
	switch {
	case err != nil || !p.Addr().Is4():
		d.errorf(n, "ip4 %q is not an IPv4 network like 192.0.2.0/24 or address like 192.0.2.25", s)
	case p.Masked() != p:
		d.errorf(n, "ip4 %q has host bits set; write %s", s, p.Masked())
	default:
		return p, true
	}
	return netip.Prefix{}, false
}
