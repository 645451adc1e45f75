package form

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// An edit replaces the bytes src[start:end] of the text with text.
type edit struct {
	start, end int
	text       string
}

// apply makes e on the text. The form's nodes then describe the text
// before it, so the next edit reads the text again first.
func (f *Form) apply(e edit) {
	if e.start == e.end && e.text == "" {
		return
	}
	f.src = f.src[:e.start] + e.text + f.src[e.end:]
	f.edited = true
}

// fresh reads the text again when an edit changed it since it was read.
func (f *Form) fresh() error {
	if f.Err != "" {
		return errors.New(f.Err)
	}
	if f.edited {
		*f = *Parse(f.src)
		if f.Err != "" {
			return errors.New(f.Err)
		}
	}
	return nil
}

var errSplice = errors.New("the form cannot edit this text safely; edit it in the text view")

func spliceErr(why string) error { return fmt.Errorf("%w (%s)", errSplice, why) }

// off returns the byte offset of a node position: lines count from 1,
// columns from 1 in characters, as yaml.v3 counts them.
func (f *Form) off(line, col int) int {
	if line < 1 || line > len(f.lines) {
		return len(f.src)
	}
	i := f.lines[line-1]
	for c := 1; c < col && i < len(f.src) && f.src[i] != '\n'; c++ {
		_, w := utf8.DecodeRuneInString(f.src[i:])
		i += w
	}
	return i
}

func (f *Form) at(n *yaml.Node) int { return f.off(n.Line, n.Column) }

// lineStart returns the offset of the start of the line holding offset i.
func (f *Form) lineStart(i int) int { return strings.LastIndexByte(f.src[:i], '\n') + 1 }

// nextLine returns the offset just past the end of the line holding
// offset i (after its newline), or the end of the text.
func (f *Form) nextLine(i int) int {
	if j := strings.IndexByte(f.src[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(f.src)
}

// onlySpace reports whether s holds only spaces and tabs.
func onlySpace(s string) bool { return strings.Trim(s, " \t") == "" }

// emptyNull reports whether n is a null written as nothing at all.
func (f *Form) emptyNull(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!null" || n.Style != 0 {
		return false
	}
	rest := f.src[f.at(n):]
	for _, w := range []string{"~", "null", "Null", "NULL", "&", "!"} { // an anchor or a tag is something too
		if strings.HasPrefix(rest, w) {
			return false
		}
	}
	return true
}

// colon returns the offset just past the ':' that follows key k.
func (f *Form) colon(k *yaml.Node, flow bool) (int, error) {
	i, err := f.end(k, flow, 0)
	if err != nil {
		return 0, err
	}
	for i < len(f.src) && (f.src[i] == ' ' || f.src[i] == '\t') {
		i++
	}
	if i >= len(f.src) || f.src[i] != ':' {
		return 0, spliceErr("no ':' after a key")
	}
	return i + 1, nil
}

// end returns the offset just past the text of node n. flow tells whether
// n is inside a flow collection; indent is the indentation of the block
// that holds it, which a plain scalar's next lines would be deeper than.
// Text the splice cannot bound safely is an error.
func (f *Form) end(n *yaml.Node, flow bool, indent int) (int, error) {
	i := f.at(n)
	if i >= len(f.src) {
		if f.emptyNull(n) {
			return i, nil
		}
		return 0, spliceErr("a node beyond the text")
	}
	switch c := f.src[i]; {
	case n.Kind == yaml.AliasNode || c == '&' || c == '*' || c == '!':
		return 0, spliceErr("an anchor, alias or tag")
	case n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, spliceErr("a block scalar")
	case n.Kind != yaml.ScalarNode && n.Style&yaml.FlowStyle != 0:
		e, _, err := f.match(i)
		return e, err
	case n.Kind != yaml.ScalarNode:
		if len(n.Content) == 0 {
			return 0, spliceErr("an empty block collection")
		}
		last := n.Content[len(n.Content)-1]
		return f.end(last, false, n.Column-1)
	case f.emptyNull(n):
		return i, nil
	case c == '"' || c == '\'':
		return f.quoted(i)
	}
	return f.plain(i, flow, indent)
}

// quoted returns the offset past the quoted scalar at i, which must end
// on its line.
func (f *Form) quoted(i int) (int, error) {
	q := f.src[i]
	for j := i + 1; j < len(f.src); j++ {
		switch c := f.src[j]; {
		case c == '\n':
			return 0, spliceErr("a quoted value that spans lines")
		case c == '\\' && q == '"':
			j++
		case c == q && q == '\'' && j+1 < len(f.src) && f.src[j+1] == '\'':
			j++
		case c == q:
			return j + 1, nil
		}
	}
	return 0, spliceErr("an unterminated quoted value")
}

// plain returns the offset past the plain scalar at i, which must end on
// its line.
func (f *Form) plain(i int, flow bool, indent int) (int, error) {
	j := i
	eol := true
loop:
	for ; j < len(f.src) && f.src[j] != '\n'; j++ {
		c := f.src[j]
		switch {
		case c == '#' && j > i && (f.src[j-1] == ' ' || f.src[j-1] == '\t'):
			eol = false
			break loop
		case flow && strings.IndexByte(",[]{}", c) >= 0:
			eol = false
			break loop
		// yaml.v3 ends a plain scalar at a ':' only when a blank follows,
		// in flow style too: {"k":a:,b} has the value "a:".
		case c == ':' && (j+1 == len(f.src) || strings.IndexByte(" \t\r\n", f.src[j+1]) >= 0):
			eol = false
			break loop
		}
	}
	e := j
	for e > i && strings.IndexByte(" \t\r", f.src[e-1]) >= 0 {
		e--
	}
	if !eol {
		return e, nil
	}
	// Would the next line that is not blank or a comment go on with it?
	for k := j + 1; k < len(f.src); {
		line := f.src[k:f.nextLine(k)]
		t := strings.TrimLeft(line, " ")
		if u := strings.TrimSpace(t); u == "" || u[0] == '#' {
			k += len(line)
			continue
		}
		if flow {
			if strings.IndexByte(",]}:", t[0]) < 0 {
				return 0, spliceErr("a value that spans lines")
			}
		} else if len(line)-len(t) > indent {
			return 0, spliceErr("a value that spans lines")
		}
		break
	}
	return e, nil
}

// match returns, for the flow collection opening at i, the offset past its
// closing bracket and the offset past the last thing before that bracket
// that is not a space or a comment.
func (f *Form) match(i int) (end, last int, err error) {
	depth := 0
	start := true // a scalar may begin here, so a quote opens one
	for j := i; j < len(f.src); j++ {
		switch c := f.src[j]; c {
		case '[', '{':
			depth++
			last, start = j+1, true
		case ']', '}':
			depth--
			if depth == 0 {
				return j + 1, last, nil
			}
			last, start = j+1, false
		case ',', ':':
			last, start = j+1, true
		case '"', '\'':
			if !start { // inside a plain scalar, as in {a: b"c}
				last = j + 1
				continue
			}
			e, err := f.quoted(j)
			if err != nil {
				return 0, 0, err
			}
			j, last, start = e-1, e, false
		case '#':
			if j > 0 && strings.IndexByte(" \t\n", f.src[j-1]) >= 0 {
				j = f.nextLine(j) - 1
				continue
			}
			last, start = j+1, false
		case ' ', '\t', '\r', '\n':
		default:
			last, start = j+1, false
		}
	}
	return 0, 0, spliceErr("an unclosed flow collection")
}

func flowStyle(n *yaml.Node) bool { return n.Style&yaml.FlowStyle != 0 }

// pair returns the text of a key and its value in a flow mapping.
func (f *Form) pair(key, value string) string {
	if f.json {
		key = strconv.Quote(key)
	}
	return key + ": " + value
}

// value returns the text of a field's new value.
func (f *Form) value(key, value string, list, flow bool) string {
	if !list {
		return f.scalar(value, key == "size", flow)
	}
	var parts []string
	for _, p := range strings.Split(value, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, f.scalar(p, false, true))
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// scalar returns the text of a scalar that reads back as v: a plain
// number when num is set and v is one, else v itself when it reads back
// as that string, else v in double quotes.
func (f *Form) scalar(v string, num, flow bool) string {
	if _, err := strconv.Atoi(v); num && err == nil {
		return v
	}
	if !f.json && plainOK(v, flow) {
		return v
	}
	return quote(v)
}

// plainOK reports whether v, written plain as a value, reads back as the
// string v.
func plainOK(v string, flow bool) bool {
	if v == "" || v != strings.TrimSpace(v) || strings.ContainsAny(v[:1], "-?:,[]{}#&*!|>'\"%@`") ||
		strings.ContainsAny(v, "#,[]{}\"'\t\\") || strings.Contains(v, ": ") || strings.HasSuffix(v, ":") {
		return false
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	src := "k: " + v
	if flow {
		src = "{k: " + v + "}"
	}
	var n yaml.Node
	if yaml.Unmarshal([]byte(src), &n) != nil || len(n.Content) != 1 || len(n.Content[0].Content) != 2 {
		return false
	}
	s := n.Content[0].Content[1]
	return s.Kind == yaml.ScalarNode && s.Tag == "!!str" && s.Value == v && s.Style == 0
}

// quote returns v as a double-quoted string that YAML and JSON both read.
// A character outside the Basic Multilingual Plane is written as it is:
// JSON would need a surrogate pair, which YAML rejects, and YAML reads
// every such character raw (c-printable, YAML 1.2 §5.1).
func quote(v string) string {
	b := []byte{'"'}
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == utf8.RuneError:
			b = append(b, `\ufffd`...)
		case r < 0x10000 && !unicode.IsPrint(r):
			b = fmt.Appendf(b, `\u%04x`, r)
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return string(append(b, '"'))
}

// pairAt returns the index in m.Content of key, or -1.
func pairAt(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// setKey returns the edit that sets key in mapping m; an empty value
// removes the key unless it is a name or prefix, which must stay (as an
// empty value the plan reports).
func (f *Form) setKey(m *yaml.Node, key, value string, list bool) (edit, error) {
	remove := value == "" && key != "name" && key != "prefix"
	if list && f.value(key, value, true, true) == "[]" {
		remove = true
	}
	flow := flowStyle(m)
	i := pairAt(m, key)
	if i < 0 {
		if remove {
			return edit{}, nil
		}
		return f.addKey(m, key, f.value(key, value, list, flow), false)
	}
	if remove {
		return f.removePair(m, i)
	}
	k, v := m.Content[i], m.Content[i+1]
	text := f.value(key, value, list, flow)
	if f.emptyNull(v) || !flow && v.Kind != yaml.ScalarNode {
		// Nothing to replace, or a block collection on the lines below:
		// the value goes right after the key.
		c, err := f.colon(k, flow)
		if err != nil {
			return edit{}, err
		}
		e := c
		if !f.emptyNull(v) {
			if e, err = f.end(v, flow, m.Column-1); err != nil {
				return edit{}, err
			}
		}
		return edit{c, e, " " + text}, nil
	}
	e, err := f.end(v, flow, m.Column-1)
	if err != nil {
		return edit{}, err
	}
	return edit{f.at(v), e, text}, nil
}

// addKey returns the edit that adds key with the value text to mapping m,
// which lacks it. When items is set, text is an item of a new list.
func (f *Form) addKey(m *yaml.Node, key, text string, items bool) (edit, error) {
	if flowStyle(m) {
		if items {
			text = "[" + text + "]"
		}
		return f.flowAppend(m, f.pair(key, text))
	}
	indent := ""
	at := len(f.src)
	if m.Line > 0 {
		indent = strings.Repeat(" ", m.Column-1)
		e, err := f.end(m, false, m.Column-1)
		if err != nil {
			return edit{}, err
		}
		at = f.nextLine(e)
		if key == "prefix" && m == f.root() && m.Column == 1 {
			at = f.lineStart(f.at(m)) // prefix first, as plans are written
		}
	}
	line := indent + key + ": " + text + "\n"
	if items {
		line = indent + key + ":\n" + indent + "  - " + text + "\n"
	}
	if at == len(f.src) && at > 0 && f.src[at-1] != '\n' {
		line = "\n" + line
	}
	return edit{at, at, line}, nil
}

// removePair returns the edit that removes the pair at index i of m.
func (f *Form) removePair(m *yaml.Node, i int) (edit, error) {
	flow := flowStyle(m)
	k, v := m.Content[i], m.Content[i+1]
	ve, err := f.end(v, flow, m.Column-1)
	if err != nil {
		return edit{}, err
	}
	ks := f.at(k)
	switch {
	case i+2 < len(m.Content):
		// Up to the next key, which then takes this one's place.
		return edit{ks, f.at(m.Content[i+2]), ""}, nil
	case flow && i > 0:
		pe, err := f.end(m.Content[i-1], true, 0)
		if err != nil {
			return edit{}, err
		}
		return edit{pe, ve, ""}, nil
	case flow:
		return edit{ks, ve, ""}, nil
	case onlySpace(f.src[f.lineStart(ks):ks]):
		return edit{f.lineStart(ks), f.nextLine(ve), ""}, nil
	default: // the only key of a "- key: value" item
		return edit{ks, ve, "{}"}, nil
	}
}

// seqAppend returns the edit that appends item, the text of a flow
// mapping, to the list under key in mapping m.
func (f *Form) seqAppend(m *yaml.Node, key, item string) (edit, error) {
	i := pairAt(m, key)
	if i < 0 {
		return f.addKey(m, key, item, true)
	}
	k, seq := m.Content[i], m.Content[i+1]
	switch {
	case seq.Kind == yaml.ScalarNode && seq.Tag == "!!null":
		return f.setRaw(m, k, seq, "["+item+"]")
	case seq.Kind != yaml.SequenceNode:
		return edit{}, fmt.Errorf("%s is not a list", key)
	case flowStyle(seq):
		return f.flowAppend(seq, item)
	}
	e, err := f.end(seq, false, seq.Column-1)
	if err != nil {
		return edit{}, err
	}
	at := f.nextLine(e)
	line := strings.Repeat(" ", seq.Column-1) + "- " + item + "\n"
	if at == len(f.src) && f.src[at-1] != '\n' {
		line = "\n" + line
	}
	return edit{at, at, line}, nil
}

// setRaw returns the edit that replaces the scalar value v of key k in m
// with text.
func (f *Form) setRaw(m, k, v *yaml.Node, text string) (edit, error) {
	flow := flowStyle(m)
	if f.emptyNull(v) {
		c, err := f.colon(k, flow)
		return edit{c, c, " " + text}, err
	}
	e, err := f.end(v, flow, m.Column-1)
	return edit{f.at(v), e, text}, err
}

// removeItem returns the edit that removes item from seq, the value of
// key k.
func (f *Form) removeItem(k, seq, item *yaml.Node) (edit, error) {
	i := slices.Index(seq.Content, item)
	if i < 0 {
		return edit{}, errors.New("the item is not in its list")
	}
	flow := flowStyle(seq)
	ie, err := f.end(item, flow, seq.Column-1)
	if err != nil {
		return edit{}, err
	}
	is := f.at(item)
	if flow {
		switch {
		case i+1 < len(seq.Content):
			return edit{is, f.at(seq.Content[i+1]), ""}, nil
		case i > 0:
			pe, err := f.end(seq.Content[i-1], true, 0)
			return edit{pe, ie, ""}, err
		}
		return edit{is, ie, ""}, nil
	}
	// A block item: its lines, from the "-" that starts it.
	d := strings.LastIndexByte(f.src[:is], '-')
	if d < 0 || !onlySpace(f.src[d+1:is]) || !onlySpace(f.src[f.lineStart(d):d]) {
		return edit{}, spliceErr("a list item that does not start its line")
	}
	start, end := f.lineStart(d), f.nextLine(ie)
	if len(seq.Content) > 1 {
		return edit{start, end, ""}, nil
	}
	// The only item: the list becomes [].
	c, err := f.colon(k, false)
	if err != nil {
		return edit{}, err
	}
	text := " []"
	if strings.HasSuffix(f.src[:end], "\n") {
		text += "\n"
	}
	return edit{c, end, text}, nil
}

// flowAppend adds text as the last entry of the flow mapping or list n,
// just before its closing bracket, with a comma if n has entries.
func (f *Form) flowAppend(n *yaml.Node, text string) (edit, error) {
	_, last, err := f.match(f.at(n))
	if err != nil {
		return edit{}, err
	}
	if len(n.Content) > 0 && f.src[last-1] != ',' { // no second comma after a trailing one
		text = ", " + text
	}
	return edit{last, last, text}, nil
}
