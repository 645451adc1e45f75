package plan

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MoveInSource moves the subnet, host or link at oldPath in the plan text
// src under another parent, to the path newPath, and returns the new text.
// The entry's item (a subnet with everything inside it, a host, a link)
// is cut from its list and appended to the list of its kind in newPath's
// parent (subnets, hosts or links), which is created when the parent has
// none; the item is renamed to newPath's last name and re-indented to its
// new list, and the comments inside it go with it. A list left empty
// reads "[]". Every other byte of the file stays as it was.
//
// Only block-style YAML is moved: a plan written as JSON, or a list or
// parent written in flow style, is refused with an error that says to
// move the entry by hand (the error is ErrByHand), as is an item with
// anchors, aliases or tags.
// The parent at newPath must be a subnet that can hold the entry (a /64
// without subnets for a host, a p2p /64 for a link, a block larger than a
// subnet that holds no hosts or links), or the plan's top level for a
// subnet. Moving an entry renumbers it: the caller keeps the lock, whose
// entries for oldPath stay held, and allocates the moved entry anew.
//
// file names the plan in errors. src must parse as a plan, and so must the
// result, which holds at newPath what src held at oldPath, and the rest of
// the plan unchanged; otherwise MoveInSource returns an error and no text.
func MoveInSource(file string, src []byte, oldPath, newPath string) ([]byte, error) {
	before, err := ParseFile(file, src)
	if err != nil {
		return nil, fmt.Errorf("%s must be a valid plan before anything in it is moved; fix it first:\n%w", file, err)
	}
	kind, ok := entryKind(before, oldPath)
	if !ok {
		return nil, fmt.Errorf("%s has no subnet, host or link %q", file, oldPath)
	}
	oldDir, oldName := SplitPath(oldPath)
	newDir, newName := SplitPath(newPath)
	switch {
	case oldDir == newDir:
		return nil, fmt.Errorf("%q and %q have the same parent: that is a rename, not a move", oldPath, newPath)
	case kind == KindSubnet && under(newDir, oldPath):
		return nil, fmt.Errorf("%s: subnet %q cannot move into itself (%q)", file, oldPath, newPath)
	}
	if err := checkEntryName(kind, newName); err != nil {
		return nil, err
	}
	if err := canHold(file, before, newDir, kind, oldPath); err != nil {
		return nil, err
	}
	key := listKey[kind]
	byHand := func(line, col int, why string) error {
		return byHandError(fmt.Sprintf("%s:%d:%d: %s, which is not edited in place: move %s %q by hand, from its list to the %s list of %s, named %q", file, line, col, why, kind, oldPath, key, parentLabel(newDir), newName))
	}
	if isJSON(src) {
		return nil, byHand(1, 1, "the plan is written as JSON")
	}
	doc, err := parseYAML(file, src)
	if err != nil || doc == nil || len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: cannot read the plan's YAML again: %v", file, err)
	}
	root := doc.Content[0]
	from, err := findMapping(root, oldDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %q: %w", file, oldPath, err)
	}
	to, err := findMapping(root, newDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %q: %w", file, newPath, err)
	}
	oldKey, oldSeq := keyOfList(from, key)
	var item *yaml.Node
	if oldSeq != nil {
		for _, it := range oldSeq.Content {
			if n := nameOf(it); n != nil && n.Value == oldName {
				item = it
				break
			}
		}
	}
	if item == nil {
		return nil, fmt.Errorf("%s: no %s %q in the YAML", file, kind, oldPath)
	}
	if oldSeq.Style&yaml.FlowStyle != 0 {
		return nil, byHand(oldSeq.Line, oldSeq.Column, fmt.Sprintf("the %s list that holds %q is written in flow style ([...])", key, oldPath))
	}
	if n := decorated(item); n != nil {
		return nil, byHand(n.Line, n.Column, fmt.Sprintf("%s %q holds an anchor, alias or tag", kind, oldPath))
	}
	if to.Style&yaml.FlowStyle != 0 {
		return nil, byHand(to.Line, to.Column, fmt.Sprintf("%s is written in flow style ({...})", parentLabel(newDir)))
	}
	newKey, newSeq := keyOfList(to, key)
	if newSeq != nil && newSeq.Style&yaml.FlowStyle != 0 && len(newSeq.Content) > 0 {
		return nil, byHand(newSeq.Line, newSeq.Column, fmt.Sprintf("the %s list of %s is written in flow style ([...])", key, parentLabel(newDir)))
	}
	for _, it := range seqContent(newSeq) {
		if n := nameOf(it); n != nil && n.Value == newName {
			return nil, fmt.Errorf("%s:%d:%d: %s %q is taken: %s has a %s of that name; choose another", file, n.Line, n.Column, kind, newPath, parentLabel(newDir), kind)
		}
	}

	t := newSourceLines(src)
	dashLine, dashCol, ok := t.dash(item)
	if !ok {
		return nil, byHand(item.Line, item.Column, fmt.Sprintf("%s %q does not start a line of its own with its dash", kind, oldPath))
	}
	cutEnd := t.blockEnd(dashLine, dashCol)
	var edits []textSplice
	edits = append(edits, textSplice{at: t.start[dashLine], end: t.start[cutEnd+1]})

	// The moved lines, renamed.
	moved := src[t.start[dashLine]:t.start[cutEnd+1]]
	if newName != oldName {
		name := nameOf(item)
		start, end, err := scalarSpan(src, name)
		if err != nil {
			return nil, byHand(name.Line, name.Column, fmt.Sprintf("the name of %s %q: %v", kind, oldPath, err))
		}
		base := t.start[dashLine]
		moved = slices.Concat(moved[:start-base], appendName(nil, newName, src[start], false), moved[end-base:])
	}

	// Where the lines go, and how far in.
	oldKeyCol, ok := t.column(oldKey)
	if !ok {
		return nil, byHand(oldKey.Line, oldKey.Column, "the key of the list is not where the YAML reader says")
	}
	step := dashCol - oldKeyCol // how far the file indents a list under its key
	if step < 0 {
		step = 2
	}
	var at, newDash int
	var head []byte // a new key line, when the parent has no such list
	switch {
	case newSeq != nil && len(newSeq.Content) > 0:
		last := newSeq.Content[len(newSeq.Content)-1]
		line, col, ok := t.dash(last)
		if !ok {
			return nil, byHand(last.Line, last.Column, fmt.Sprintf("the last item of the %s list of %s does not start a line of its own with its dash", key, parentLabel(newDir)))
		}
		at, newDash = t.start[t.blockEnd(line, col)+1], col
	case newSeq != nil: // key: [] becomes a block list
		col, ok1 := t.column(newKey)
		colon, ok2 := t.colonAfter(newKey)
		open, ok3 := offsetOf(src, newSeq.Line, newSeq.Column)
		line := newKey.Line - 1
		if !ok1 || !ok2 || !ok3 || newSeq.Line != newKey.Line || !bytes.HasPrefix(src[open:], []byte("[")) {
			return nil, byHand(newSeq.Line, newSeq.Column, fmt.Sprintf("the empty %s list of %s is not written key: [] on one line", key, parentLabel(newDir)))
		}
		close := open + 1
		for close < len(src) && (src[close] == ' ' || src[close] == '\t') {
			close++
		}
		if close >= len(src) || src[close] != ']' {
			return nil, byHand(newSeq.Line, newSeq.Column, fmt.Sprintf("the empty %s list of %s is not written key: [] on one line", key, parentLabel(newDir)))
		}
		edits = append(edits, textSplice{at: colon + 1, end: close + 1})
		at, newDash = t.start[line+1], col+step
	default: // a new key at the end of the parent
		first := to.Content[0]
		col, ok := t.column(first)
		if !ok {
			return nil, byHand(first.Line, first.Column, fmt.Sprintf("the keys of %s are not where the YAML reader says", parentLabel(newDir)))
		}
		end := t.blockEnd(first.Line-1, -1) // the top level ends with the file
		if newDir != "" {
			line, dcol, ok := t.dash(to)
			if !ok {
				return nil, byHand(to.Line, to.Column, fmt.Sprintf("%s does not start a line of its own with its dash", parentLabel(newDir)))
			}
			end = t.blockEnd(line, dcol)
		}
		at, newDash = t.start[end+1], col+step
		head = fmt.Appendf(nil, "%s%s:%s", strings.Repeat(" ", col), key, t.br)
	}
	if len(oldSeq.Content) == 1 {
		colon, ok := t.colonAfter(oldKey)
		if !ok {
			return nil, byHand(oldKey.Line, oldKey.Column, fmt.Sprintf("the %s key of %s is not followed by a colon", key, parentLabel(oldDir)))
		}
		edits = append(edits, textSplice{at: colon + 1, end: colon + 1, text: []byte(" []")})
	}
	var block []byte
	if at == len(src) && t.start[cutEnd+1] != len(src) && !endsWithBreak(src) {
		block = append(block, t.br...)
	}
	block = append(block, head...)
	block = t.shift(block, moved, newDash-dashCol)
	edits = append(edits, textSplice{at: at, end: at, text: block})
	out, ok := applySplices(src, edits)
	if !ok {
		return nil, byHand(item.Line, item.Column, fmt.Sprintf("%s %q overlaps the place it moves to", kind, oldPath))
	}

	// The text must say what the move means: the plan's tree with the
	// item taken from one list, renamed and appended to the other.
	after, err := ParseFile(file, out)
	if err != nil {
		return nil, fmt.Errorf("moving %s %q to %q would leave %s invalid:\n%w", kind, oldPath, newPath, file, err)
	}
	if k, ok := entryKind(after, newPath); !ok || k != kind {
		return nil, byHand(item.Line, item.Column, fmt.Sprintf("moving %s %q did not give the plan a %s %q", kind, oldPath, kind, newPath))
	}
	got, err := parseYAML(file, out)
	if err != nil || got == nil {
		return nil, fmt.Errorf("%s: cannot read the moved plan's YAML: %v", file, err)
	}
	oldSeq.Content = slices.DeleteFunc(oldSeq.Content, func(n *yaml.Node) bool { return n == item })
	nameOf(item).Value = newName
	switch {
	case newSeq != nil:
		newSeq.Content = append(newSeq.Content, item)
	default:
		to.Content = append(to.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
			&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{item}})
	}
	if !sameTree(doc, got) {
		return nil, byHand(item.Line, item.Column, fmt.Sprintf("moving the text of %s %q would change more than its place", kind, oldPath))
	}
	return out, nil
}

// ErrByHand is what the errors of MoveInSource are (errors.Is) when the
// move is possible but the text is written so that it is not made in
// place (JSON, flow style, anchors): the entry can be moved by hand.
var ErrByHand = errors.New("move it by hand")

// byHandError is an error of MoveInSource that is ErrByHand.
type byHandError string

func (e byHandError) Error() string        { return string(e) }
func (e byHandError) Is(target error) bool { return target == ErrByHand }

// listKey is the key of the list that holds entries of each kind.
var listKey = map[Kind]string{KindSubnet: "subnets", KindHost: "hosts", KindLink: "links"}

// parentLabel names the parent at path dir in messages.
func parentLabel(dir string) string {
	if dir == "" {
		return "the plan's top level"
	}
	return fmt.Sprintf("subnet %q", dir)
}

// canHold checks that the plan p has a parent at dir for the entry of
// kind at path: the top level or a subnet for a subnet, a /64 for a host
// or link, and room of the right kind in it.
func canHold(file string, p *Plan, dir string, kind Kind, path string) error {
	size := 0
	if kind == KindSubnet {
		size = subnetAt(p, path).Size
	}
	if dir == "" {
		if kind != KindSubnet {
			_, name := SplitPath(path)
			return fmt.Errorf("%s: a %s goes in a /64 subnet, not at the plan's top level: name its new subnet, as in office/%s", file, kind, name)
		}
		if size <= p.Prefix.Bits() {
			return fmt.Errorf("%s: subnet %q is a /%d, which the plan's prefix %s cannot hold: a block must be larger than the subnets in it", file, path, size, p.Prefix)
		}
		return nil
	}
	if k, ok := entryKind(p, dir); !ok || k != KindSubnet {
		return fmt.Errorf("%s has no subnet %q to move %s %q into", file, dir, kind, path)
	}
	parent := subnetAt(p, dir)
	what := fmt.Sprintf("%s: subnet %q is a /%d", file, dir, parent.Size)
	switch {
	case kind == KindSubnet && parent.Size >= size:
		return fmt.Errorf("%s and subnet %q a /%d: a block must be larger than the subnets in it", what, path, size)
	case kind == KindSubnet && (len(parent.Hosts) > 0 || len(parent.Links) > 0):
		return fmt.Errorf("%s with hosts or links, so it holds no subnets: put subnet %q in a block", what, path)
	case kind != KindSubnet && parent.Size != 64:
		return fmt.Errorf("%s, and a %s goes in a /64 (RFC 7421): choose a /64 for %q", what, kind, path)
	case kind != KindSubnet && len(parent.Subnets) > 0:
		return fmt.Errorf("%s with subnets, and hosts and links go in one of them: choose a /64 for %q", what, path)
	case kind == KindLink && parent.Purpose != PurposeP2P:
		return fmt.Errorf("%s with purpose %q, and links go in a purpose: p2p /64 (RFC 6164): choose one for %q", what, parent.Purpose, path)
	}
	return nil
}

// subnetAt returns the subnet of p at path, which must be there.
func subnetAt(p *Plan, path string) *Subnet {
	list := p.Subnets
	var s *Subnet
	for _, name := range strings.Split(path, "/") {
		i := slices.IndexFunc(list, func(s *Subnet) bool { return s.Name == name })
		s = list[i]
		list = s.Subnets
	}
	return s
}

// findMapping returns the mapping of the subnet at path dir below the
// plan's mapping root, or root itself for "".
func findMapping(root *yaml.Node, dir string) (*yaml.Node, error) {
	if dir == "" {
		return root, nil
	}
	m := root
	for _, name := range strings.Split(dir, "/") {
		var next *yaml.Node
		for _, it := range items(m, "subnets") {
			if n := nameOf(it); n != nil && n.Value == name {
				next = it
				break
			}
		}
		if next == nil {
			return nil, fmt.Errorf("no subnet %q on the way", name)
		}
		m = next
	}
	return m, nil
}

// keyOfList returns the key and the sequence of key in the mapping m, or
// nils when m has no such key.
func keyOfList(m *yaml.Node, key string) (k, seq *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.SequenceNode {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

func seqContent(seq *yaml.Node) []*yaml.Node {
	if seq == nil {
		return nil
	}
	return seq.Content
}

// decorated returns a node of the tree n that has an anchor, is an alias
// or carries an explicit tag, or nil: text moved elsewhere could change
// what such a node means.
func decorated(n *yaml.Node) *yaml.Node {
	if n.Anchor != "" || n.Kind == yaml.AliasNode || n.Style&yaml.TaggedStyle != 0 {
		return n
	}
	for _, c := range n.Content {
		if d := decorated(c); d != nil {
			return d
		}
	}
	return nil
}

// sameTree reports whether two YAML trees say the same: kinds, tags,
// values, anchors and children, wherever and however they are written.
func sameTree(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Value != b.Value || a.ShortTag() != b.ShortTag() || a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// A sourceLines is a plan's source cut into lines as yaml.v3 counts them.
type sourceLines struct {
	src   []byte
	start []int  // where each line starts, and len(src) after the last
	br    []byte // the file's line break, for lines that are added
}

func newSourceLines(src []byte) *sourceLines {
	t := &sourceLines{src: src, br: []byte("\n")}
	t.start = append(t.start, 0)
	found := false
	for i := 0; i < len(src); {
		if w := lineBreak(src[i:]); w > 0 {
			if !found {
				t.br, found = src[i:i+w], true
			}
			i += w
			t.start = append(t.start, i)
			continue
		}
		_, w := utf8.DecodeRune(src[i:])
		i += w
	}
	if t.start[len(t.start)-1] != len(src) {
		t.start = append(t.start, len(src))
	}
	return t
}

// line returns line i (from 0), its break included.
func (t *sourceLines) line(i int) []byte { return t.src[t.start[i]:t.start[i+1]] }

// lines is the number of lines.
func (t *sourceLines) lines() int { return len(t.start) - 1 }

// lineIndent returns how many spaces line starts with, and what follows
// them and any tabs.
func lineIndent(line []byte) (n int, rest []byte) {
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n, bytes.TrimLeft(line[n:], " \t")
}

// blankRest reports whether rest, what follows a line's indentation, holds
// nothing but its line break.
func blankRest(rest []byte) bool { return len(rest) == 0 || lineBreak(rest) == len(rest) }

// column returns the byte column of node n in its line, from 0, when only
// ASCII precedes it there.
func (t *sourceLines) column(n *yaml.Node) (int, bool) {
	off, ok := offsetOf(t.src, n.Line, n.Column)
	if !ok || n.Line < 1 || n.Line > t.lines() {
		return 0, false
	}
	col := off - t.start[n.Line-1]
	if n.Line == 1 && bytes.HasPrefix(t.src, []byte("\uFEFF")) {
		col -= 3 // a byte order mark is no indentation
	}
	if col != n.Column-1 {
		return 0, false
	}
	return col, true
}

// dash returns the line (from 0) and column of the dash of the block
// sequence item n: only spaces before it on its line, and only spaces
// between it and n.
func (t *sourceLines) dash(n *yaml.Node) (line, col int, ok bool) {
	c, ok := t.column(n)
	if !ok {
		return 0, 0, false
	}
	l := t.line(n.Line - 1)
	i := c - 1
	for i >= 0 && l[i] == ' ' {
		i--
	}
	if i < 0 || l[i] != '-' || i+1 == c {
		return 0, 0, false
	}
	for j := 0; j < i; j++ {
		if l[j] != ' ' {
			return 0, 0, false
		}
	}
	return n.Line - 1, i, true
}

// blockEnd returns the last line (from 0) of the block that starts on
// line first at column col (a sequence item's dash; -1 for the whole
// document): the last line indented further than col before a line of
// content that is not. Comments and blank lines after that line belong to
// what follows.
func (t *sourceLines) blockEnd(first, col int) int {
	last := first
	for l := first + 1; l < t.lines(); l++ {
		n, rest := lineIndent(t.line(l))
		switch {
		case blankRest(rest):
		case n > col:
			last = l
		case rest[0] == '#':
		default:
			return last
		}
	}
	return last
}

// colonAfter returns the offset of the colon that ends the mapping key k,
// a plain or quoted scalar.
func (t *sourceLines) colonAfter(k *yaml.Node) (int, bool) {
	i, ok := offsetOf(t.src, k.Line, k.Column)
	if !ok || k.Kind != yaml.ScalarNode || i >= len(t.src) {
		return 0, false
	}
	var end int
	switch t.src[i] {
	case '"', '\'':
		if end, ok = quotedEnd(t.src, i, t.src[i]); !ok || !quotedSays(t.src[i:end], k) {
			return 0, false
		}
	default:
		end = i + len(k.Value)
		if end > len(t.src) || string(t.src[i:end]) != k.Value {
			return 0, false
		}
	}
	for end < len(t.src) && (t.src[end] == ' ' || t.src[end] == '\t') {
		end++
	}
	return end, end < len(t.src) && t.src[end] == ':'
}

// shift appends the lines of moved to b, each indented by delta more
// spaces (fewer when delta is negative; blank lines as they are), each
// ending with a line break.
func (t *sourceLines) shift(b, moved []byte, delta int) []byte {
	for len(moved) > 0 {
		i := 0
		for i < len(moved) && lineBreak(moved[i:]) == 0 {
			_, w := utf8.DecodeRune(moved[i:])
			i += w
		}
		line := moved[:i]
		w := 0
		if i < len(moved) {
			w = lineBreak(moved[i:])
		}
		br := moved[i : i+w]
		moved = moved[i+w:]
		if w == 0 {
			br = t.br
		}
		n, rest := lineIndent(line)
		switch {
		case len(rest) == 0:
		case delta > 0:
			b = append(b, strings.Repeat(" ", delta)...)
		case delta < 0:
			line = line[min(n, -delta):]
		}
		b = append(b, line...)
		b = append(b, br...)
	}
	return b
}

func endsWithBreak(src []byte) bool {
	for _, br := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		if bytes.HasSuffix(src, []byte(br)) {
			return true
		}
	}
	return false
}

// A textSplice replaces src[at:end] with text.
type textSplice struct {
	at, end int
	text    []byte
}

// applySplices returns src with the splices made, or false when two of
// them overlap.
func applySplices(src []byte, edits []textSplice) ([]byte, bool) {
	// At one offset, text put in goes before text cut out.
	slices.SortStableFunc(edits, func(a, b textSplice) int {
		if a.at != b.at {
			return a.at - b.at
		}
		return (a.end - a.at) - (b.end - b.at)
	})
	out := make([]byte, 0, len(src)+64)
	pos := 0
	for _, e := range edits {
		if e.at < pos || e.end < e.at || e.end > len(src) {
			return nil, false
		}
		out = append(out, src[pos:e.at]...)
		out = append(out, e.text...)
		pos = e.end
	}
	return append(out, src[pos:]...), true
}
