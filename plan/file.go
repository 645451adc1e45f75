package plan

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseFile reads a plan written in YAML or JSON. name is the file name
// that error positions carry. Every problem found is reported, each as an
// *Error with file:line:col, joined with errors.Join: unknown keys, wrong
// types, impossible values, duplicate names.
func ParseFile(name string, data []byte) (*Plan, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(name, err)
	}
	d := &decoder{file: name}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, errorAt(Pos{File: name, Line: 1, Col: 1}, "the plan is empty; it needs at least a prefix")
	}
	p := d.plan(doc.Content[0])
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return p, nil
}

// yamlError gives a YAML syntax error the file name; yaml.v3 reports
// "yaml: line N: msg".
func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(n); err == nil {
				return errorAt(Pos{File: name, Line: line, Col: 1}, "%s", after)
			}
		}
	}
	return errorAt(Pos{File: name}, "%s", msg)
}

// decoder walks the YAML node tree, collecting every error with its place.
type decoder struct {
	file string
	errs []error
}

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line, Col: n.Column} }

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

func (d *decoder) strs(n *yaml.Node, key string) []string {
	var out []string
	for _, v := range d.list(n, key) {
		if s, ok := d.str(v, key); ok {
			out = append(out, s)
		}
	}
	return out
}

func (d *decoder) prefix(n *yaml.Node, key string) netip.Prefix {
	s, ok := d.str(n, key)
	if !ok {
		return netip.Prefix{}
	}
	p, err := ParsePrefix(s)
	if err != nil {
		d.errorf(n, "%s: %v", key, err)
	}
	return p
}

func (d *decoder) hostname(n *yaml.Node, key string) string {
	s, ok := d.str(n, key)
	if !ok {
		return ""
	}
	if err := CheckHostname(s); err != nil {
		d.errorf(n, "%s: %v", key, err)
		return ""
	}
	return s
}

var planKeys = []string{"prefix", "domain", "ttl", "nameservers", "contact", "allocation", "secret", "reserved", "subnets"}

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
				if s := d.hostname(ns, "nameserver"); s != "" {
					p.Nameservers = append(p.Nameservers, strings.TrimSuffix(s, ".")+".")
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
		}
	})
	if n.Kind != yaml.MappingNode {
		return p
	}
	switch {
	case prefixNode == nil:
		d.errorf(n, "the plan has no prefix; add one, e.g. prefix: 2001:db8:d6::/48")
	case p.Prefix.IsValid() && p.Prefix.Bits() > 64:
		d.errorf(prefixNode, "prefix %s leaves no room for /64 subnets (RFC 7421); use a /64 or shorter", p.Prefix)
	case p.Prefix.IsValid():
		d.checkChildren(p.Prefix.Bits(), p.Subnets)
	}
	d.checkHostNames(p)
	return p
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
		name = strings.ReplaceAll(local, ".", `\.`) + "." + domain
		if err := CheckHostname(domain); err != nil || local == "" {
			d.errorf(n, "contact %q is not a mail address or domain name", s)
			return ""
		}
	} else if err := CheckHostname(s); err != nil {
		d.errorf(n, "contact: %v", err)
		return ""
	}
	return strings.TrimSuffix(name, ".") + "."
}

func (d *decoder) mode(n *yaml.Node) Mode {
	s, ok := d.str(n, "allocation")
	if !ok {
		return Dense
	}
	m, err := ParseMode(s)
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
			d.fields(v, "a reserved range", []string{"prefix", "note"}, func(key string, v *yaml.Node) {
				if key == "prefix" {
					r.Prefix = d.prefix(v, key)
				} else {
					r.Note, _ = d.str(v, key)
				}
			})
		}
		out = append(out, r)
	}
	return out
}
