package plan

import (
	"bytes"
	"errors"
	"slices"
	"sort"

	"go.yaml.in/yaml/v3"
)

// A Draft is a plan file being edited: each call of Parse gives the plan
// of the file's new text, exactly as ParseFile would, but when the text
// differs from the previous one only inside the entries of one subnets or
// hosts list (a changed value, a subnet or host added, removed or
// rewritten, at any depth), only those entries are read again. An edit of
// a plan of 65,536 subnets, or of a subnet of 10,000 hosts, then costs
// what the edit touches plus the checks that span the whole plan (unique
// names), not a new reading of the file, which is what an editor that
// re-plans on every change needs.
//
// The fast path is taken only where reading the changed lines alone is
// sure to give what reading the whole file gives: the list and all that
// holds it are in block style (not JSON or other flow style), the file
// has no anchors or aliases, the changed lines start at a list item and
// keep to its indentation, and the rest of the file read without errors.
// Anything else reads the whole file again.
type Draft struct {
	name  string
	text  []byte
	lines []int      // the byte offset at which each line of text starts
	doc   *yaml.Node // the text's document; nil when it did not parse
	dec   *decoder   // its decoder, with the nodes of every entry read
	plan  *Plan      // what the decoder read, errors or not
	plain bool       // the document has no anchors or aliases

	reused bool // whether the last Parse read only the entries that changed
}

// NewDraft returns a Draft of the plan file name (the name error
// positions carry) with no text yet.
func NewDraft(name string) *Draft { return &Draft{name: name} }

// Parse returns the plan of data, the whole text of the plan file, or the
// errors ParseFile would return for it. data must not be changed after the
// call: the Draft keeps it to compare the next text with.
//
// When only some entries are read again, the plan Parse returned before
// keeps all it had except the positions of entries after the edit, which
// move with their lines.
func (d *Draft) Parse(data []byte) (*Plan, error) {
	if p, err, ok := d.edit(data); ok {
		d.reused = true
		return p, err
	}
	d.reused = false
	return d.read(data)
}

// Text returns the text last given to Parse.
func (d *Draft) Text() []byte { return d.text }

// Document returns the YAML document of Text, or nil when it did not read
// as YAML. The Draft keeps it in step with each new text (its nodes' lines
// move with the edits), so an editor can map positions to the text
// without reading the text again; it must only be read.
func (d *Draft) Document() *yaml.Node { return d.doc }

// read reads the whole of data.
func (d *Draft) read(data []byte) (*Plan, error) {
	d.text, d.lines, d.doc, d.dec, d.plan = data, lineStarts(data, nil, 0), nil, nil, nil
	doc, err := parseYAML(d.name, data)
	if err != nil {
		return nil, err
	}
	if doc == nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return nil, errorAt(Pos{File: d.name, Line: 1, Col: 1}, "the plan is empty; it needs at least a prefix")
	}
	dec := &decoder{file: d.name, nodes: map[any]givenKeys{}}
	p := dec.plan(doc.Content[0])
	d.doc, d.dec, d.plan, d.plain = doc, dec, p, plainNodes(doc)
	return d.result()
}

func (d *Draft) result() (*Plan, error) {
	if len(d.dec.errs) > 0 {
		return nil, errors.Join(d.dec.errs...)
	}
	return d.plan, nil
}

// lineStarts appends to out the offset of each line start in text, plus
// base, leaving out the end of text even when a line ends there.
func lineStarts(text []byte, out []int, base int) []int {
	if len(text) == 0 {
		return out
	}
	out = append(out, base)
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 || i+j+1 == len(text) {
			return out
		}
		i += j + 1
		out = append(out, base+i)
	}
}

// plainNodes reports whether no node under n is an anchor or an alias,
// which would tie an entry to text outside it.
func plainNodes(n *yaml.Node) bool {
	if n.Anchor != "" || n.Kind == yaml.AliasNode {
		return false
	}
	for _, c := range n.Content {
		if !plainNodes(c) {
			return false
		}
	}
	return true
}

// commonEnds returns the lengths of the longest common prefix of a and b
// and of the longest common suffix of what is left after it.
func commonEnds(a, b []byte) (prefix, suffix int) {
	n := min(len(a), len(b))
	const chunk = 64 // bytes.Equal is fast; find the differing chunk first
	for prefix+chunk <= n && bytes.Equal(a[prefix:prefix+chunk], b[prefix:prefix+chunk]) {
		prefix += chunk
	}
	for prefix < n && a[prefix] == b[prefix] {
		prefix++
	}
	n -= prefix
	for suffix+chunk <= n && bytes.Equal(a[len(a)-suffix-chunk:len(a)-suffix], b[len(b)-suffix-chunk:len(b)-suffix]) {
		suffix += chunk
	}
	for suffix < n && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	return prefix, suffix
}

// A span is a run of items i..j (inclusive) of a block subnets or hosts
// list, and the bytes [start, end) of the text they take, from the line of
// item i's "-" to the line where what follows item j begins.
type span struct {
	seq        *yaml.Node
	hosts      bool // a subnet's hosts list, not a subnets list
	i, j       int
	start, end int
	owners     []*Subnet // the subnets that hold seq, outermost first; none for the plan's own list
}

// edit re-reads the entries data changes, if it can; ok is false when the
// whole text must be read.
func (d *Draft) edit(data []byte) (p *Plan, err error, ok bool) {
	if d.doc == nil || !d.plain {
		return nil, nil, false
	}
	if bytes.Equal(d.text, data) {
		p, err := d.result()
		return p, err, true
	}
	pre, suf := commonEnds(d.text, data)
	lo, hi := pre, len(d.text)-suf // what changed, in the old text
	spans := d.locate(d.doc.Content[0], "subnets", lo, hi, d.plan.Subnets, nil, len(d.text), nil)
	for k := len(spans) - 1; k >= 0; k-- { // innermost first
		if p, err, ok := d.splice(spans[k], data); ok {
			return p, err, true
		}
	}
	return nil, nil, false
}

// splice reads data's text of the items of sp in place of the old ones, if
// that reads as the whole text would: it reads the new items alone, fits
// them into the decoder's plan and the document, moves what follows
// them, and checks the whole plan again.
func (d *Draft) splice(sp span, data []byte) (p *Plan, err error, ok bool) {
	frag, items, ok := d.fragment(sp, data)
	if !ok {
		return nil, nil, false
	}
	startLine := d.lineOf(sp.start)
	endLine := d.lineOf(sp.end) // the first line after the span

	// Read the new items, then fit them in where the old ones were.
	dec := d.dec
	dec.errs = dec.errs[:0]
	inner := d.fitSubnets
	if sp.hosts {
		inner = d.fitHosts
	}
	setInner := inner(sp, items, startLine, endLine)
	dec.decoded = len(dec.errs)

	fragLines := 0
	if len(frag) > 0 {
		fragLines = 1 + bytes.Count(frag[:len(frag)-1], []byte{'\n'})
	}
	if delta := fragLines - (endLine - startLine); delta != 0 {
		shiftNodes(d.doc, endLine, delta)
		shiftPlan(d.plan, endLine, delta)
	}
	sp.seq.Content = slices.Concat(sp.seq.Content[:sp.i], items, sp.seq.Content[sp.j+1:])
	np := d.withList(sp, setInner)
	lines := slices.Clip(d.lines[:startLine-1])
	lines = lineStarts(frag, lines, sp.start)
	for _, o := range d.lines[endLine-1:] {
		lines = append(lines, o+len(data)-len(d.text))
	}
	d.text, d.lines, d.plan = data, lines, np
	dec.check(np, d.doc.Content[0])
	p, err = d.result()
	return p, err, true
}

// fragment returns data's text of the items of sp and the items it reads
// as, with their lines where they are in data; ok is false unless they
// read alone as they read in place, and every error of the entries the
// edit leaves alone would stay where it is.
func (d *Draft) fragment(sp span, data []byte) (frag []byte, items []*yaml.Node, ok bool) {
	fEnd := sp.end + len(data) - len(d.text)
	frag = data[sp.start:fEnd]
	if fEnd < len(data) && (len(frag) == 0 || frag[len(frag)-1] != '\n') {
		return nil, nil, false // the edit joined the last line to the one after it
	}
	if !itemLines(frag, sp.seq.Column-1) {
		return nil, nil, false
	}
	startLine := d.lineOf(sp.start)
	endLine := d.lineOf(sp.end) // the first line after the span
	items, ok = parseItems(frag, sp.seq.Column, startLine-1)
	if !ok || len(items) == 0 && sp.j-sp.i+1 == len(sp.seq.Content) {
		return nil, nil, false // an empty list reads as null, not as a list
	}
	for _, e := range d.dec.errs[:d.dec.decoded] {
		var pe *Error
		if !errors.As(e, &pe) || pe.Pos.Line < startLine || pe.Pos.Line >= endLine {
			return nil, nil, false // an entry the edit leaves alone has an error: keep their order simple
		}
	}
	return frag, items, true
}

// withList returns a copy of the plan with the new list of sp, which
// setInner sets on a subnet. The owners of the list, innermost first, are
// copied with the new list in them, so the plan returned before stays as
// it was; the decoder's nodes follow the copies.
func (d *Draft) withList(sp span, setInner func(*Subnet)) *Plan {
	np := *d.plan
	var list []*Subnet
	for k := len(sp.owners) - 1; k >= 0; k-- {
		old := sp.owners[k]
		s := *old
		if k == len(sp.owners)-1 {
			setInner(&s)
		} else {
			s.Subnets = list
		}
		d.dec.nodes[&s] = d.dec.nodes[old]
		delete(d.dec.nodes, old)
		outer := np.Subnets
		if k > 0 {
			outer = sp.owners[k-1].Subnets
		}
		list = slices.Clone(outer)
		list[slices.Index(outer, old)] = &s
	}
	if len(sp.owners) == 0 {
		var top Subnet
		setInner(&top)
		list = top.Subnets
	}
	np.Subnets = list
	return &np
}

// fitSubnets reads items, the new entries of a subnets list, and drops
// what the decoder kept of the old entries on lines [startLine, endLine).
// It returns what sets the new list on (a copy of) the list's owner, or,
// for the plan's own list, on a Subnet that only carries it.
func (d *Draft) fitSubnets(sp span, items []*yaml.Node, startLine, endLine int) func(*Subnet) {
	var fresh []*Subnet
	for _, it := range items {
		if s := d.dec.subnet(it); s != nil {
			fresh = append(fresh, s)
		}
	}
	list := d.plan.Subnets
	if n := len(sp.owners); n > 0 {
		list = sp.owners[n-1].Subnets
	}
	a := sort.Search(len(list), func(k int) bool { return list[k].Pos.Line >= startLine })
	b := sort.Search(len(list), func(k int) bool { return list[k].Pos.Line >= endLine })
	for _, s := range list[a:b] {
		d.dec.forget(s)
	}
	list = slices.Concat(list[:a], fresh, list[b:])
	return func(s *Subnet) { s.Subnets = list }
}

// fitHosts is fitSubnets for the hosts list of the innermost owner.
func (d *Draft) fitHosts(sp span, items []*yaml.Node, startLine, endLine int) func(*Subnet) {
	var fresh []*Host
	for _, it := range items {
		if h := d.dec.host(it); h != nil {
			fresh = append(fresh, h)
		}
	}
	list := sp.owners[len(sp.owners)-1].Hosts
	a := sort.Search(len(list), func(k int) bool { return list[k].Pos.Line >= startLine })
	b := sort.Search(len(list), func(k int) bool { return list[k].Pos.Line >= endLine })
	for _, h := range list[a:b] {
		delete(d.dec.nodes, h)
	}
	list = slices.Concat(list[:a], fresh, list[b:])
	return func(s *Subnet) { s.Hosts = list }
}

// lineOf returns the number of the line that starts at or holds offset,
// counted from 1; the end of the text is the line after the last.
func (d *Draft) lineOf(offset int) int {
	if offset >= len(d.text) {
		return len(d.lines) + 1
	}
	return sort.SearchInts(d.lines, offset+1)
}

// locate appends to out each block list under the mapping m, outermost
// first, whose items hold the old text's bytes [lo, hi): m's list under
// key ("subnets" or "hosts"), and within one item of a subnets list that
// holds them all, that subnet's own subnets or hosts list. subnets is what
// was read from m's subnets list, owners the subnets that hold m, end
// where m's text ends.
func (d *Draft) locate(m *yaml.Node, key string, lo, hi int, subnets []*Subnet, owners []*Subnet, end int, out []span) []span {
	if m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 {
		return out
	}
	var seq *yaml.Node
	for k := 0; k+1 < len(m.Content); k += 2 {
		if m.Content[k].Value == key {
			seq = m.Content[k+1]
			if k+2 < len(m.Content) {
				end = d.lineStart(m.Content[k+2].Line)
			}
			break
		}
	}
	if seq == nil || seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 || len(seq.Content) == 0 {
		return out
	}
	starts := func(k int) int {
		if k == len(seq.Content) {
			return end
		}
		return d.lineStart(seq.Content[k].Line)
	}
	// i: the last item starting at or before lo; j: the first whose text
	// reaches hi.
	i := sort.Search(len(seq.Content), func(k int) bool { return starts(k) > lo }) - 1
	j := sort.Search(len(seq.Content), func(k int) bool { return starts(k+1) >= hi })
	if i < 0 || j == len(seq.Content) {
		return out
	}
	j = max(i, j)
	for k := i; k <= j+1 && k < len(seq.Content); k++ {
		if !d.dashAt(seq.Content[k].Line, seq.Column) {
			return out
		}
	}
	sp := span{seq: seq, hosts: key == "hosts", i: i, j: j, start: starts(i), end: starts(j + 1), owners: owners}
	out = append(out, sp)
	if i == j && key == "subnets" { // the edit may lie in a list further in
		item := seq.Content[i]
		at := sort.Search(len(subnets), func(k int) bool { return subnets[k].Pos.Line >= item.Line })
		if at < len(subnets) && subnets[at].Pos.Line == item.Line && subnets[at].Pos.Col == item.Column {
			s := subnets[at]
			inner := append(slices.Clip(owners), s)
			out = d.locate(item, "subnets", lo, hi, s.Subnets, inner, sp.end, out)
			out = d.locate(item, "hosts", lo, hi, nil, inner, sp.end, out)
		}
	}
	return out
}

// lineStart returns the offset at which line (from 1) starts.
func (d *Draft) lineStart(line int) int {
	if line > len(d.lines) {
		return len(d.text)
	}
	return d.lines[line-1]
}

// dashAt reports whether line has nothing but spaces before a "-" at col,
// as the line of a block list's item does.
func (d *Draft) dashAt(line, col int) bool {
	if line < 1 || line > len(d.lines) {
		return false
	}
	l := d.text[d.lines[line-1]:]
	if len(l) < col || l[col-1] != '-' || len(bytes.TrimLeft(l[:col-1], " ")) != 0 {
		return false
	}
	return len(l) == col || l[col] == ' ' || l[col] == '\n' || l[col] == '\r'
}

// itemLines reports whether text is list items with their "-" at column
// dash (from 0), so that it reads alone as it reads in its place: each
// line blank, a comment, an item's first line or indented past the dash,
// the first such line an item's, and no tabs in indentation.
func itemLines(text []byte, dash int) bool {
	first := true
	for line := range bytes.Lines(text) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		body := bytes.TrimLeft(line, " ")
		indent := len(line) - len(body)
		switch {
		case len(body) > 0 && body[0] == '\t':
			return false
		case len(bytes.TrimRight(body, "\r")) == 0 || body[0] == '#':
		case indent == dash && body[0] == '-' && (len(body) == 1 || body[1] == ' ' || body[1] == '\r'):
			first = false
		case indent > dash && !first:
		default:
			return false
		}
	}
	return true
}

// parseItems reads text, list items with their "-" at column col, and
// returns them with their lines moved down by offset. ok is false unless
// text is exactly such a list, with no anchors or aliases.
func parseItems(text []byte, col, offset int) (items []*yaml.Node, ok bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, false
	}
	if doc.Kind == 0 {
		return nil, true // blank lines and comments
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, false
	}
	seq := doc.Content[0]
	if seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 || seq.Column != col || !plainNodes(seq) {
		return nil, false
	}
	shiftNodes(seq, 0, offset)
	return seq.Content, true
}

// shiftNodes moves the nodes under n that start at or after line by delta
// lines.
func shiftNodes(n *yaml.Node, line, delta int) {
	if n.Line >= line {
		n.Line += delta
	}
	for _, c := range n.Content {
		shiftNodes(c, line, delta)
	}
}

// shiftPlan moves the positions in p at or after line by delta lines.
func shiftPlan(p *Plan, line, delta int) {
	move := func(pos *Pos) {
		if pos.Line >= line {
			pos.Line += delta
		}
	}
	move(&p.Pos)
	move(&p.SPF.Pos)
	move(&p.SPF.ExistingPos)
	for k := range p.Reserved {
		move(&p.Reserved[k].Pos)
	}
	var subnets func([]*Subnet)
	subnets = func(list []*Subnet) {
		for _, s := range list {
			move(&s.Pos)
			for k := range s.Reserved {
				move(&s.Reserved[k].Pos)
			}
			for _, h := range s.Hosts {
				move(&h.Pos)
			}
			for _, l := range s.Links {
				move(&l.Pos)
			}
			subnets(s.Subnets)
		}
	}
	subnets(p.Subnets)
}

// forget drops what the decoder keeps of subnet s and all it holds.
func (d *decoder) forget(s *Subnet) {
	delete(d.nodes, s)
	for _, h := range s.Hosts {
		delete(d.nodes, h)
	}
	for _, c := range s.Subnets {
		d.forget(c)
	}
}
