package form

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ip6plan/ip6plan/plan"
)

// planGen writes random plan text: block and flow items, comments, nested
// subnets, hosts in both styles, roles in both styles, or all of it JSON.
type planGen struct {
	r    *rand.Rand
	b    strings.Builder
	n    int
	json bool
}

func (g *planGen) comment() string {
	if g.r.IntN(3) == 0 {
		return " # note " + strconv.Itoa(g.r.IntN(9))
	}
	return ""
}

func (g *planGen) host(indent string) {
	g.n++
	name := "h" + strconv.Itoa(g.n)
	if g.r.IntN(2) == 0 {
		fmt.Fprintf(&g.b, "%s- {name: %s, roles: [outbound]}%s\n", indent, name, g.comment())
		return
	}
	fmt.Fprintf(&g.b, "%s- name: %s%s\n", indent, name, g.comment())
	if g.r.IntN(2) == 0 {
		fmt.Fprintf(&g.b, "%s  address: \"::%x\"\n", indent, g.n)
	}
	if g.r.IntN(2) == 0 {
		fmt.Fprintf(&g.b, "%s  roles:\n%s    - mx\n", indent, indent)
	}
}

func (g *planGen) subnet(indent string, depth int) {
	g.n++
	name := "s" + strconv.Itoa(g.n)
	if g.r.IntN(3) == 0 {
		fmt.Fprintf(&g.b, "%s- {name: %s, size: 64, purpose: lan, hosts: [{name: x%d}]}%s\n", indent, name, g.n, g.comment())
		return
	}
	if g.r.IntN(4) == 0 {
		fmt.Fprintf(&g.b, "%s# before %s\n", indent, name)
	}
	fmt.Fprintf(&g.b, "%s- name: %s%s\n", indent, name, g.comment())
	in := indent + "  "
	size := 64
	if depth < 2 && g.r.IntN(3) == 0 {
		size = 56
	}
	fmt.Fprintf(&g.b, "%ssize: %d\n", in, size)
	if g.r.IntN(2) == 0 {
		fmt.Fprintf(&g.b, "%spurpose: mail%s\n", in, g.comment())
	}
	if size == 64 && g.r.IntN(2) == 0 {
		fmt.Fprintf(&g.b, "%shosts:\n", in)
		for range 1 + g.r.IntN(3) {
			g.host(in + "  ")
		}
	}
	if size == 56 {
		fmt.Fprintf(&g.b, "%ssubnets:\n", in)
		for range 1 + g.r.IntN(3) {
			g.subnet(in+"  ", depth+1)
		}
	}
}

func (g *planGen) plan() string {
	if g.json {
		var items []string
		for i := range 1 + g.r.IntN(4) {
			items = append(items, fmt.Sprintf(`{"name": "j%d", "size": 64, "hosts": [{"name": "h%d"}]}`, i, i))
		}
		return `{"prefix": "2001:db8::/48", "subnets": [` + strings.Join(items, ",\n  ") + "]}\n"
	}
	g.b.WriteString("# a plan\nprefix: 2001:db8::/48" + g.comment() + "\n")
	if g.r.IntN(2) == 0 {
		g.b.WriteString("domain: example.com\n")
	}
	g.b.WriteString("subnets:\n")
	for range 1 + g.r.IntN(4) {
		g.subnet("  ", 0)
	}
	if g.r.IntN(2) == 0 {
		g.b.WriteString("# the end\n")
	}
	return g.b.String()
}

var propValues = []string{"mail", "lan", "true", "null", "~", "25", "::25", "2001:db8::25", ":x", "a: b", "a #b", "{x}", "[y]", "a,b",
	`q"uote`, "it's", "", "x y", "-5", "1.5", "é", "outbound, mx", "mx", "60", "64", "yes", "#c"}

// TestFormSplice checks, for random plans and random form edits, that the
// spliced text reads as what the old edit of the YAML nodes, encoded again
// by yaml.v3, reads as, and that it changes only the edited item's lines.
func TestFormSplice(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 3000 {
		g := &planGen{r: r, json: iter%5 == 4}
		src := g.plan()
		f := Parse(src)
		if f.Err != "" {
			t.Fatalf("%s\n%s", f.Err, src)
		}
		o := Parse(src)    // the oracle edits its nodes
		base := Parse(src) // positions in src
		var op string
		var err error
		lo, hi := 0, len(src) // where the edit may change the text
		item := func(m *yaml.Node, last int) {
			lo = base.lineStart(base.at(m))
			if lo > 0 { // a flow item's separator may be on the line before
				lo = base.lineStart(lo - 1)
			}
			hi = base.nextLine(base.nextLine(base.off(last+1, 1)))
		}
		switch k := r.IntN(5); {
		case k == 0 && len(f.Subnets) > 0:
			s := f.Subnets[r.IntN(len(f.Subnets))]
			op = fmt.Sprintf("RemoveSubnet(%d)", s.Index)
			err = f.RemoveSubnet(s.Index)
			oracleRemove(o.Subnets[s.Index].parent, o.Subnets[s.Index].m)
			item(s.m, s.last)
			if len(s.parent.Content) == 1 {
				lo = base.lineStart(base.at(s.pkey))
			}
		case k == 1 && len(f.Hosts) > 0:
			h := f.Hosts[r.IntN(len(f.Hosts))]
			op = fmt.Sprintf("RemoveHost(%d)", h.Index)
			err = f.RemoveHost(h.Index)
			oracleRemove(o.Hosts[h.Index].parent, o.Hosts[h.Index].m)
			item(h.m, h.last)
			if len(h.parent.Content) == 1 {
				lo = base.lineStart(base.at(h.pkey))
			}
		case k == 2:
			p := r.IntN(len(f.Subnets)+1) - 1
			name := propValues[r.IntN(len(propValues))]
			op = fmt.Sprintf("AddSubnet(%d, %q)", p, name)
			err = f.AddSubnet(p, name)
			m := o.root()
			if p >= 0 {
				m = o.Subnets[p].m
				item(f.Subnets[p].m, f.Subnets[p].last)
			}
			s := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			oracleSet(s, "name", name, false)
			oracleSet(s, "size", "64", false)
			oracleSet(s, "purpose", "lan", false)
			oracleAppend(m, "subnets", s)
		case k == 3:
			p := r.IntN(len(f.Subnets))
			name := propValues[r.IntN(len(propValues))]
			op = fmt.Sprintf("AddHost(%d, %q)", p, name)
			err = f.AddHost(p, name)
			h := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
			oracleSet(h, "name", name, false)
			oracleAppend(o.Subnets[p].m, "hosts", h)
			item(f.Subnets[p].m, f.Subnets[p].last)
		default:
			fs, os := f.fields(), o.fields()
			i := r.IntN(len(fs))
			v := propValues[r.IntN(len(propValues))]
			op = fmt.Sprintf("Set(%q, %q)", fs[i].ID, v)
			err = f.Set(fs[i].ID, v)
			oracleSet(os[i].m, os[i].Key, strings.TrimSpace(v), os[i].Key == "roles")
			if fs[i].m != f.root() {
				for _, s := range f.Subnets {
					if s.m == fs[i].m {
						item(s.m, s.last)
					}
				}
				for _, h := range f.Hosts {
					if h.m == fs[i].m {
						item(h.m, h.last)
					}
				}
			}
		}
		if op == "" {
			continue
		}
		if err != nil {
			t.Errorf("%s: %v\n%s", op, err, src)
			continue
		}
		got, want := f.Text(), oracleText(o)
		var gv, wv any
		if err := yaml.Unmarshal([]byte(got), &gv); err != nil {
			t.Errorf("%s: the spliced text is not YAML: %v\n%s", op, err, got)
			continue
		}
		if err := yaml.Unmarshal([]byte(want), &wv); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gv, wv) {
			t.Errorf("%s: the spliced text reads as\n%v\nwant\n%v\n--- before:\n%s--- after:\n%s", op, gv, wv, src, got)
			continue
		}
		_, gerr := plan.ParseFile("plan.yaml", []byte(got))
		_, werr := plan.ParseFile("plan.yaml", []byte(want))
		if (gerr == nil) != (werr == nil) {
			t.Errorf("%s: plan errors %v, want %v\n%s", op, gerr, werr, got)
		}
		p, s := commonEnds(src, got)
		if p < lo || len(src)-s > hi && len(src)-s > p {
			t.Errorf("%s: changed bytes %d..%d, outside the item's %d..%d\n--- before:\n%s--- after:\n%s", op, p, len(src)-s, lo, hi, src, got)
		}
		if Parse(got).Err != "" {
			t.Errorf("%s: no form of the new text", op)
		}
	}
}

// refusedSplices are texts whose field id the splice cannot bound.
var refusedSplices = []struct{ src, id string }{
	{"prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    purpose: |\n      mail\n", "s0.purpose"},
	{"prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    purpose: mail\n      and more\n", "s0.purpose"},
	{"prefix: 2001:db8::/48\nsubnets:\n  - name: a\n    purpose: \"mail\n      x\"\n", "s0.purpose"},
	{"prefix: 2001:db8::/48\nsubnets:\n  - name: &x a\n", "s0.name"},
}

// TestFormSpliceRefuses checks that text the splice cannot bound is an
// error, not broken text.
func TestFormSpliceRefuses(t *testing.T) {
	for _, tc := range refusedSplices {
		f := Parse(tc.src)
		if err := f.Set(tc.id, "lan"); err == nil {
			t.Errorf("%q: Set gave no error, text\n%s", tc.src, f.Text())
		}
		if f.Text() != tc.src {
			t.Errorf("%q: a refused edit changed the text", tc.src)
		}
	}
}

func commonEnds(a, b string) (prefix, suffix int) {
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	for suffix < len(a)-prefix && suffix < len(b)-prefix && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	return prefix, suffix
}

// The edits of YAML nodes that the form made before it spliced text.

func oracleScalar(v string, num bool) *yaml.Node {
	tag := "!!str"
	if _, err := strconv.Atoi(v); num && err == nil {
		tag = "!!int"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
}

func oracleSet(m *yaml.Node, key, value string, list bool) {
	var v *yaml.Node
	switch {
	case list:
		v = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, part := range strings.Split(value, ",") {
			if part = strings.TrimSpace(part); part != "" {
				v.Content = append(v.Content, oracleScalar(part, false))
			}
		}
		if len(v.Content) == 0 {
			value = ""
		}
	default:
		v = oracleScalar(value, key == "size")
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			continue
		}
		if value == "" && key != "name" && key != "prefix" {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
		m.Content[i+1] = v
		return
	}
	if value == "" && key != "name" && key != "prefix" {
		return
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

func oracleAppend(m *yaml.Node, key string, item *yaml.Node) {
	seq := lookup(m, key)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		seq = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, seq)
	}
	seq.Content = append(seq.Content, item)
}

func oracleRemove(seq, item *yaml.Node) {
	for i, c := range seq.Content {
		if c == item {
			seq.Content = append(seq.Content[:i], seq.Content[i+1:]...)
			return
		}
	}
}

func oracleText(f *Form) string {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&f.doc); err != nil {
		panic(err)
	}
	enc.Close()
	return b.String()
}
