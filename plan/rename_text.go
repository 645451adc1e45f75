package plan

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// RenameInSource renames the subnet, host or link at oldPath (a path of
// names such as "site-a/office") to newName in the plan text src, and
// returns the new text. Only the bytes of the entry's name change: every
// comment, blank line, key order, indentation and flow or block style is
// kept, in YAML and in JSON alike. The new name is quoted only when it
// must be: in the quotes the old name had, in double quotes in a JSON
// file, and in double quotes where YAML would read it plain as something
// other than a string (2024, null).
//
// file names the plan in errors. src must parse as a plan (ParseFile); the
// error says why not otherwise, as it does when oldPath names no entry or
// two entries of different kinds, when newName is not a valid name for
// the entry or a sibling of the same kind has it already, and when the
// renamed text would not parse. The caller keeps the lock in step with
// (*Lock).Rename.
func RenameInSource(file string, src []byte, oldPath, newName string) ([]byte, error) {
	before, err := ParseFile(file, src)
	if err != nil {
		return nil, fmt.Errorf("%s must be a valid plan before anything in it is renamed; fix it first:\n%w", file, err)
	}
	kind, ok := entryKind(before, oldPath)
	if !ok {
		return nil, fmt.Errorf("%s has no subnet, host or link %q", file, oldPath)
	}
	if err := checkEntryName(kind, newName); err != nil {
		return nil, err
	}
	doc, err := parseYAML(file, src)
	if err != nil || doc == nil || len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: cannot read the plan's YAML again: %v", file, err)
	}
	name, siblings, err := findName(doc.Content[0], kind, strings.Split(oldPath, "/"))
	if err != nil {
		return nil, fmt.Errorf("%s: %q: %w", file, oldPath, err)
	}
	if name.Value == newName {
		return nil, fmt.Errorf("%s: %s %q is already called %q", file, kind, oldPath, newName)
	}
	for _, s := range siblings {
		if s.Value == newName {
			return nil, fmt.Errorf("%s:%d:%d: %s %q is taken: another %s of the same parent has that name; choose another", file, s.Line, s.Column, kind, newName, kind)
		}
	}
	start, end, err := scalarSpan(src, name)
	if err != nil {
		return nil, fmt.Errorf("%s:%d:%d: the name of %s %q: %w; rename it by hand", file, name.Line, name.Column, kind, oldPath, err)
	}
	out := make([]byte, 0, len(src)+len(newName)+2)
	out = append(out, src[:start]...)
	out = appendName(out, newName, src[start], isJSON(src))
	out = append(out, src[end:]...)

	after, err := ParseFile(file, out)
	if err != nil {
		return nil, fmt.Errorf("renaming %s %q to %q would leave %s invalid:\n%w", kind, oldPath, newName, file, err)
	}
	newPath := newName
	if dir, _ := SplitPath(oldPath); dir != "" {
		newPath = dir + "/" + newName
	}
	if k, ok := entryKind(after, newPath); !ok || k != kind {
		return nil, fmt.Errorf("%s: renaming %s %q to %q did not give the plan a %s %q; rename it by hand", file, kind, oldPath, newName, kind, newPath)
	}
	return out, nil
}

// checkEntryName checks a new name as the plan file checks it: subnet and
// link names by checkName, host names as hostnames. No name holds a '/',
// the separator of paths.
func checkEntryName(kind Kind, name string) error {
	if strings.Contains(name, "/") {
		return fmt.Errorf("new name %q holds a '/': give the entry's new name alone, not a path", name)
	}
	if kind == KindHost {
		return CheckHostname(name)
	}
	return checkName(name)
}

// entryKind reports what the plan p has at path: a subnet, host or link.
// A path that names entries of two kinds is not found: the caller cannot
// tell which one is meant.
func entryKind(p *Plan, path string) (Kind, bool) {
	if kinds := kindsAt(p, path); len(kinds) == 1 {
		return kinds[0], true
	}
	return 0, false
}

// findName returns the scalar node that holds the name of the entry of
// kind at parts below the mapping m (the plan or a subnet), and the name
// nodes of the other entries of that kind in the same list.
func findName(m *yaml.Node, kind Kind, parts []string) (name *yaml.Node, siblings []*yaml.Node, err error) {
	for len(parts) > 1 {
		var next *yaml.Node
		for _, item := range items(m, "subnets") {
			if n := nameOf(item); n != nil && n.Value == parts[0] {
				next = item
				break
			}
		}
		if next == nil {
			return nil, nil, fmt.Errorf("no subnet %q on the way", parts[0])
		}
		m, parts = next, parts[1:]
	}
	key := map[Kind]string{KindSubnet: "subnets", KindHost: "hosts", KindLink: "links"}[kind]
	for _, item := range items(m, key) {
		n := nameOf(item)
		switch {
		case n == nil:
		case n.Value == parts[0] && name == nil:
			name = n
		default:
			siblings = append(siblings, n)
		}
	}
	if name == nil {
		return nil, nil, fmt.Errorf("no %s %q in the YAML", kind, parts[0])
	}
	return name, siblings, nil
}

// items returns the items of the sequences under key in the mapping m.
func items(m *yaml.Node, key string) []*yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	var out []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.SequenceNode {
			out = append(out, m.Content[i+1].Content...)
		}
	}
	return out
}

// nameOf returns the node of an entry's name: the value of its name key,
// or the item itself for a link written as a plain name.
func nameOf(item *yaml.Node) *yaml.Node {
	switch item.Kind {
	case yaml.ScalarNode:
		return item
	case yaml.MappingNode:
		for i := 0; i+1 < len(item.Content); i += 2 {
			if item.Content[i].Value == "name" && item.Content[i+1].Kind == yaml.ScalarNode {
				return item.Content[i+1]
			}
		}
	}
	return nil
}

// scalarSpan returns where the scalar n is written in src, quotes
// included and anchor and tag excluded, and checks that those bytes say
// n's value.
func scalarSpan(src []byte, n *yaml.Node) (start, end int, err error) {
	i, ok := offsetOf(src, n.Line, n.Column)
	if !ok {
		return 0, 0, errors.New("its position is not in the text")
	}
	for i < len(src) && (src[i] == '&' || src[i] == '!') { // anchor or tag
		for i < len(src) && !isSpace(src[i]) {
			i++
		}
		for i < len(src) && isSpace(src[i]) {
			i++
		}
	}
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, 0, errors.New("it is written as a block scalar")
	case n.Style&yaml.DoubleQuotedStyle != 0:
		end, ok = quotedEnd(src, i, '"')
	case n.Style&yaml.SingleQuotedStyle != 0:
		end, ok = quotedEnd(src, i, '\'')
	default:
		end = i + len(n.Value)
		ok = end <= len(src) && string(src[i:end]) == n.Value &&
			(end == len(src) || isSpace(src[end]) || bytes.IndexByte([]byte(",]}#"), src[end]) >= 0)
	}
	if !ok || !quotedSays(src[i:end], n) {
		return 0, 0, errors.New("its text is not where the YAML reader says")
	}
	return i, end, nil
}

// quotedSays reports whether the text w of a scalar, quotes included,
// reads as n's value: names need no escapes, so a quoted one is the value
// between its quotes.
func quotedSays(w []byte, n *yaml.Node) bool {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		return true
	}
	return len(w) >= 2 && string(w[1:len(w)-1]) == n.Value
}

// quotedEnd returns the offset just past the quoted scalar that starts at
// src[i] with the quote q. A single-quoted scalar doubles its quotes; a
// double-quoted one escapes with a backslash.
func quotedEnd(src []byte, i int, q byte) (int, bool) {
	if i >= len(src) || src[i] != q {
		return 0, false
	}
	for j := i + 1; j < len(src); j++ {
		switch {
		case q == '"' && src[j] == '\\':
			j++
		case src[j] == q && q == '\'' && j+1 < len(src) && src[j+1] == '\'':
			j++
		case src[j] == q:
			return j + 1, true
		}
	}
	return 0, false
}

// offsetOf returns the byte offset of a yaml.v3 position: lines count
// from 1 and end at a line break as yaml.v3 reads one ("\r\n", "\n", "\r",
// NEL, LS or PS), columns count characters from 1, after a byte order mark.
func offsetOf(src []byte, line, col int) (int, bool) {
	i := 0
	if bytes.HasPrefix(src, []byte("\uFEFF")) {
		i = 3 // the reader does not count a byte order mark
	}
	for l := 1; l < line; {
		if i >= len(src) {
			return 0, false
		}
		if w := lineBreak(src[i:]); w > 0 {
			i += w
			l++
			continue
		}
		_, w := utf8.DecodeRune(src[i:])
		i += w
	}
	for c := 1; c < col; c++ {
		if i >= len(src) || lineBreak(src[i:]) > 0 {
			return 0, false
		}
		_, w := utf8.DecodeRune(src[i:])
		i += w
	}
	return i, true
}

// lineBreak returns the length of the line break that b starts with, or 0.
func lineBreak(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case len(b) > 0 && (b[0] == '\n' || b[0] == '\r'):
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// isJSON reports whether src is written as JSON: its first character
// (after a byte order mark and white space) opens an object.
func isJSON(src []byte) bool {
	src = bytes.TrimLeft(bytes.TrimPrefix(src, []byte("\uFEFF")), " \t\r\n")
	return len(src) > 0 && src[0] == '{'
}

// appendName appends a valid name as a YAML scalar: in the quote it had
// (was is the first byte of the old scalar), in double quotes in JSON or
// when plain YAML would read it as something other than a string. Valid
// names hold no character that needs escaping.
func appendName(b []byte, name string, was byte, json bool) []byte {
	q := was
	if q != '"' && q != '\'' {
		q = 0
		if json || (&yaml.Node{Kind: yaml.ScalarNode, Value: name}).ShortTag() != "!!str" {
			q = '"'
		}
	}
	if q == 0 {
		return append(b, name...)
	}
	b = append(b, q)
	b = append(b, name...)
	return append(b, q)
}
