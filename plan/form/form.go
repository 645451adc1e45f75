// Package form is a plan file seen as a form: the prefix, the domain and
// each subnet and host as fields tied to the YAML they came from. Edits
// splice the text instead of writing the document anew, so comments,
// layout and whatever the form does not show survive byte for byte. The
// browser's form view is built on it; it has no go-app in it, so it is
// tested without a browser.
package form

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ip6plan/ip6plan/plan"
	"go.yaml.in/yaml/v3"
)

// A Form is the plan text seen as fields: prefix, domain, each subnet and
// each host, each field tied to the YAML node it edits. An edit splices
// the text: it replaces the bytes of the value it changes, or inserts or
// removes the lines of an item or a key, so whatever the form does not
// show (comments, formatting, reserved ranges, SPF settings, pins) stays
// byte for byte as it was. Text it cannot splice safely (a value that
// spans lines, a block scalar, an anchor) makes the edit an error rather
// than broken text. Fields know where their text is, so the positions of
// plan errors map back to them.
//
// An edit leaves the fields describing the text before it; the next edit
// reads the text again first, so its IDs and indices are those of the
// form after the edits before it.
type Form struct {
	doc     yaml.Node
	src     string // the text, with the edits made so far
	lines   []int  // the offset at which each line of the text read starts
	edited  bool   // src changed since it was read
	json    bool   // the plan is JSON: new keys and strings are quoted
	Prefix  Field
	Domain  Field
	Subnets []Subnet
	Hosts   []Host
	Err     string // why the text cannot be edited as a form
}

// A Field is one value of the form.
type Field struct {
	ID    string // "prefix", "domain", "s2.size", "h0.address"
	Value string
	Key   string     // its key in the plan file: "prefix", "size", "roles"
	m     *yaml.Node // the mapping that holds it
	line  int        // where its value is, or its mapping when absent
	col   int
}

// A Subnet is one subnet of the form, at any depth.
type Subnet struct {
	Index               int
	Path                string
	Depth               int
	Name, Size, Purpose Field
	HostsOK             bool // its size is 64: it can hold hosts
	m                   *yaml.Node
	line, col, last     int
	parent, pkey        *yaml.Node // the sequence that holds it, and its key
}

// A Host is one host of the form.
type Host struct {
	Index                        int
	Subnet                       string // the path of its subnet
	Name, Scheme, Address, Roles Field
	m                            *yaml.Node
	line, col, last              int
	parent, pkey                 *yaml.Node
}

// Schemes lists the host schemes the form offers: "" for the default
// (an explicit address, or sequential without one), then every scheme a
// plan file may name but explicit, which an address implies.
func Schemes() []string {
	out := []string{""}
	for _, s := range plan.Schemes() {
		if s != plan.SchemeExplicit {
			out = append(out, s.String())
		}
	}
	return out
}

// Parse reads plan text into a Form. Text that is not a YAML (or JSON)
// mapping gives a Form with Err set.
func Parse(src string) *Form {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		f := &Form{src: src}
		f.Err = "the text is not YAML the form can edit; fix it in the text view: " + err.Error()
		return f
	}
	return FromDocument(src, &doc)
}

// FromDocument makes the Form of src from doc, its YAML document as
// yaml.v3 reads it (a plan.Draft's Document, say), which it only reads:
// a big plan is then not read a second time for its form.
func FromDocument(src string, doc *yaml.Node) *Form {
	if !utf8.ValidString(src) {
		// yaml.v3 reads text that starts "\xfe\xff" as UTF-16, so a key
		// the form adds as UTF-8 would not read back.
		return &Form{src: src, Err: "the text is not UTF-8, which the form writes; fix it in the text view"}
	}
	f := &Form{src: src, lines: make([]int, 1, 1+strings.Count(src, "\n")), doc: *doc}
	if strings.HasPrefix(src, "\ufeff") {
		f.lines[0] = len("\ufeff") // yaml.v3 counts the columns of the first line after a byte order mark
	}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	if f.doc.Kind == 0 {
		f.doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	root := f.root()
	if root == nil {
		f.Err = "the plan must be a mapping of keys (prefix:, subnets:, ...); fix it in the text view"
		return f
	}
	if flowStyle(root) {
		// yaml.v3 reads "{}0:" as {} and drops the rest; so must not the form.
		if end, _, err := f.match(f.at(root)); err != nil || !onlyComments(src[end:]) {
			f.Err = "the text after the plan's closing brace is not YAML the form can edit; fix it in the text view"
			return f
		}
	}
	f.json = flowStyle(root) && len(root.Content) > 0 && root.Content[0].Style == yaml.DoubleQuotedStyle
	f.Prefix = field("prefix", root, "prefix")
	f.Domain = field("domain", root, "domain")
	f.walk(root, "", 0)
	return f
}

// onlyComments reports whether s holds nothing but white space and
// comments.
func onlyComments(s string) bool {
	for s != "" {
		line, rest, _ := strings.Cut(s, "\n")
		if t := strings.TrimLeft(line, " \t\r"); t != "" && t[0] != '#' {
			return false
		}
		s = rest
	}
	return true
}

func (f *Form) root() *yaml.Node {
	if f.doc.Kind != yaml.DocumentNode || len(f.doc.Content) != 1 || f.doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	return f.doc.Content[0]
}

// lookup returns the value node of key in mapping m.
func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func field(id string, m *yaml.Node, key string) Field {
	f := Field{ID: id, Key: key, m: m, line: m.Line, col: m.Column}
	if v := lookup(m, key); v != nil {
		f.line, f.col = v.Line, v.Column
		switch v.Kind {
		case yaml.ScalarNode:
			f.Value = v.Value
		case yaml.SequenceNode:
			var parts []string
			for _, e := range v.Content {
				parts = append(parts, e.Value)
			}
			f.Value = strings.Join(parts, ", ")
		}
	}
	return f
}

// lastLine returns the last line a node's text reaches.
func lastLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		l = max(l, lastLine(c))
	}
	return l
}

func (f *Form) walk(m *yaml.Node, path string, depth int) {
	i := pairAt(m, "subnets")
	if i < 0 || m.Content[i+1].Kind != yaml.SequenceNode {
		return
	}
	key, seq := m.Content[i], m.Content[i+1]
	f.Subnets = slices.Grow(f.Subnets, len(seq.Content)) // one allocation for a list of 65,536
	for _, s := range seq.Content {
		if s.Kind != yaml.MappingNode {
			continue
		}
		i := len(f.Subnets)
		id := "s" + strconv.Itoa(i)
		name := field(id+".name", s, "name")
		p := name.Value
		if path != "" {
			p = path + "/" + name.Value
		}
		fs := Subnet{Index: i, Path: p, Depth: depth, Name: name,
			Size: field(id+".size", s, "size"), Purpose: field(id+".purpose", s, "purpose"),
			m: s, line: s.Line, col: s.Column, last: lastLine(s), parent: seq, pkey: key}
		fs.HostsOK = fs.Size.Value == "64"
		f.Subnets = append(f.Subnets, fs)
		if k := pairAt(s, "hosts"); k >= 0 && s.Content[k+1].Kind == yaml.SequenceNode {
			hkey, hosts := s.Content[k], s.Content[k+1]
			for _, h := range hosts.Content {
				if h.Kind != yaml.MappingNode {
					continue
				}
				j := len(f.Hosts)
				hid := "h" + strconv.Itoa(j)
				f.Hosts = append(f.Hosts, Host{Index: j, Subnet: p,
					Name: field(hid+".name", h, "name"), Scheme: field(hid+".scheme", h, "scheme"),
					Address: field(hid+".address", h, "address"), Roles: field(hid+".roles", h, "roles"),
					m: h, line: h.Line, col: h.Column, last: lastLine(h), parent: hosts, pkey: hkey})
			}
		}
		f.walk(s, p, depth+1)
	}
}

// fields returns every field of the form.
func (f *Form) fields() []*Field {
	fs := []*Field{&f.Prefix, &f.Domain}
	for i := range f.Subnets {
		s := &f.Subnets[i]
		fs = append(fs, &s.Name, &s.Size, &s.Purpose)
	}
	for i := range f.Hosts {
		h := &f.Hosts[i]
		fs = append(fs, &h.Name, &h.Scheme, &h.Address, &h.Roles)
	}
	return fs
}

// Owner returns the form element that a problem at line and col (1-based,
// as plan errors give them) belongs to: a field ID when it points at a
// field's value, "s<i>" or "h<i>" when it points elsewhere inside a subnet
// or host, and "" for the plan as a whole (line 0 included).
func (f *Form) Owner(line, col int) string {
	if line == 0 {
		return ""
	}
	for _, fd := range f.fields() {
		if fd.line == line && fd.col == col && lookup(fd.m, fd.Key) != nil {
			return fd.ID
		}
	}
	// The innermost host or subnet whose text holds the position.
	for _, h := range f.Hosts {
		if line >= h.line && line <= h.last && (line > h.line || col >= h.col) {
			return "h" + strconv.Itoa(h.Index)
		}
	}
	best := ""
	for _, s := range f.Subnets {
		if line >= s.line && line <= s.last && (line > s.line || col >= s.col) {
			best = "s" + strconv.Itoa(s.Index) // later subnets are deeper
		}
	}
	return best
}

// Set changes the field with the given ID. An empty value removes an
// optional key. Roles are a comma-separated list.
func (f *Form) Set(id, value string) error {
	if err := f.fresh(); err != nil {
		return err
	}
	value = strings.TrimSpace(value)
	for _, fd := range f.fields() {
		if fd.ID != id {
			continue
		}
		e, err := f.setKey(fd.m, fd.Key, value, fd.Key == "roles")
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		f.apply(e)
		fd.Value = value
		return nil
	}
	return fmt.Errorf("no form field %q", id)
}

// Renamed returns the paths a subnet or host has before and after its
// name field id is set to value, or "" when id is no such field, the name
// does not change, or the old path is not one entry's alone (two siblings
// of one name), so that a lock is never told of a rename it cannot tell
// apart.
func (f *Form) Renamed(id, value string) (old, new string) {
	value = strings.TrimSpace(value)
	if f.fresh() != nil || value == "" || strings.Contains(value, "/") {
		return "", ""
	}
	n, ok := strings.CutSuffix(id, ".name")
	i, err := strconv.Atoi(n[min(1, len(n)):])
	if !ok || err != nil {
		return "", ""
	}
	var parent, name string
	switch {
	case n[0] == 's' && i < len(f.Subnets):
		s := f.Subnets[i]
		parent, name = strings.TrimSuffix(s.Path, s.Name.Value), s.Name.Value
	case n[0] == 'h' && i < len(f.Hosts):
		h := f.Hosts[i]
		parent, name = h.Subnet+"/", h.Name.Value
	default:
		return "", ""
	}
	old = parent + name
	count, sub := 0, strings.TrimSuffix(parent, "/")
	for _, s := range f.Subnets {
		if s.Path == old {
			count++
		}
	}
	for _, h := range f.Hosts {
		if h.Name.Value == name && h.Subnet == sub {
			count++
		}
	}
	if name == value || count != 1 {
		return "", ""
	}
	return old, parent + value
}

// AddSubnet appends a new /64 named name under the subnet with index
// parent, or at the top level when parent is -1.
func (f *Form) AddSubnet(parent int, name string) error {
	if err := f.fresh(); err != nil {
		return err
	}
	m := f.root()
	if parent >= 0 {
		if parent >= len(f.Subnets) {
			return fmt.Errorf("no subnet %d", parent)
		}
		m = f.Subnets[parent].m
	}
	item := "{" + f.pair("name", f.scalar(name, false, true)) + ", " + f.pair("size", "64") + ", " + f.pair("purpose", f.scalar("lan", false, true)) + "}"
	e, err := f.seqAppend(m, "subnets", item)
	if err != nil {
		return err
	}
	f.apply(e)
	return nil
}

// AddHost appends a host named name to the subnet with the given index.
func (f *Form) AddHost(subnet int, name string) error {
	if err := f.fresh(); err != nil {
		return err
	}
	if subnet < 0 || subnet >= len(f.Subnets) {
		return fmt.Errorf("no subnet %d", subnet)
	}
	e, err := f.seqAppend(f.Subnets[subnet].m, "hosts", "{"+f.pair("name", f.scalar(name, false, true))+"}")
	if err != nil {
		return err
	}
	f.apply(e)
	return nil
}

// RemoveSubnet removes the subnet with the given index, with all it holds.
func (f *Form) RemoveSubnet(i int) error {
	if err := f.fresh(); err != nil {
		return err
	}
	if i < 0 || i >= len(f.Subnets) {
		return fmt.Errorf("no subnet %d", i)
	}
	s := f.Subnets[i]
	e, err := f.removeItem(s.pkey, s.parent, s.m)
	if err != nil {
		return fmt.Errorf("subnet %q: %w", s.Path, err)
	}
	f.apply(e)
	return nil
}

// RemoveHost removes the host with the given index.
func (f *Form) RemoveHost(i int) error {
	if err := f.fresh(); err != nil {
		return err
	}
	if i < 0 || i >= len(f.Hosts) {
		return fmt.Errorf("no host %d", i)
	}
	h := f.Hosts[i]
	e, err := f.removeItem(h.pkey, h.parent, h.m)
	if err != nil {
		return fmt.Errorf("host %q: %w", h.Name.Value, err)
	}
	f.apply(e)
	return nil
}

// Text returns the plan text with the form's edits.
func (f *Form) Text() string { return f.src }
