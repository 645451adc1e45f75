package plan

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// draftText writes a random plan file: block and flow items, nested
// sites, hosts, links, comments and blank lines, sometimes keys after the
// subnets list and sometimes no final newline.
func draftText(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("# a plan\nprefix: 2001:db8:d6::/48\ndomain: example.com\n")
	if r.IntN(2) == 0 {
		b.WriteString("reserved:\n  - 2001:db8:d6:ff00::/56\n")
	}
	b.WriteString("subnets:\n")
	dash := []string{"  ", ""}[r.IntN(4)/3] // "subnets:\n- x" is valid too
	n := 1 + r.IntN(12)
	for i := range n {
		switch r.IntN(6) {
		case 0:
			fmt.Fprintf(&b, "%s- {name: lan%d, size: 64, purpose: lan}\n", dash, i)
		case 1:
			fmt.Fprintf(&b, "%s- name: mail%d\n%s  size: 64\n%s  purpose: mail\n%s  hosts:\n%s    - {name: mta%d, roles: [outbound]}\n%s    - name: mx%d\n%s      address: \"::25\"\n",
				dash, i, dash, dash, dash, dash, i, dash, i, dash)
		case 2:
			fmt.Fprintf(&b, "%s- name: site%d\n%s  size: 56\n%s  subnets:\n", dash, i, dash, dash)
			for k := range 1 + r.IntN(4) {
				fmt.Fprintf(&b, "%s    - {name: s%d, size: 64, purpose: servers, hosts: [{name: h%d-%d}]}\n", dash, k, i, k)
			}
			if r.IntN(2) == 0 {
				fmt.Fprintf(&b, "%s  allocation: sparse\n", dash)
			}
		case 3:
			fmt.Fprintf(&b, "%s- name: p2p%d\n%s  size: 64\n%s  purpose: p2p\n%s  links: [a%d, b%d]\n", dash, i, dash, dash, dash, i, i)
		case 4:
			fmt.Fprintf(&b, "%s# comment %d\n\n%s- {name: dmz%d, size: 64, purpose: dmz}   # trailing\n", dash, i, dash, i)
		case 5:
			fmt.Fprintf(&b, "%s- name: pinned%d\n%s  size: 64\n%s  id: \"%x\"\n", dash, i, dash, dash, 0x100+i)
		}
	}
	if r.IntN(3) == 0 {
		b.WriteString("spf:\n  policy: \"~all\"\n")
	}
	s := b.String()
	if r.IntN(4) == 0 {
		s = strings.TrimSuffix(s, "\n")
	}
	return s
}

// draftEdit changes text the ways people and editors do: a word, a line
// added, removed, copied or re-indented, a newline joined, a run of bytes
// replaced with plan-like text.
func draftEdit(r *rand.Rand, text string) string {
	lines := strings.SplitAfter(text, "\n")
	l := r.IntN(len(lines))
	words := []string{"lan", "dmz", "servers", "mail", "64", "56", "60", "65", "x", "", " ", "-", ":", "#", "{", "}", "[", "]", "'", "\"", "\n", "  - ", "&a", "*a", "\t", "name: q", "  - {name: new, size: 64}\n"}
	switch r.IntN(11) {
	case 0, 8, 9, 10: // change a value in place
		for _, w := range []string{"purpose: lan", "purpose: servers", "size: 64", "name: lan", "name: s"} {
			if strings.Contains(lines[l], w) {
				repl := w[:strings.Index(w, ":")+2] + words[r.IntN(6)]
				lines[l] = strings.Replace(lines[l], w, repl, 1)
				break
			}
		}
	case 1: // a new subnet after this line
		indent := lines[l][:len(lines[l])-len(strings.TrimLeft(lines[l], " "))]
		lines = append(lines[:l+1], append([]string{fmt.Sprintf("%s- {name: added%d, size: 64, purpose: lan}\n", indent, r.IntN(1000))}, lines[l+1:]...)...)
	case 2: // remove the line
		lines = append(lines[:l], lines[l+1:]...)
	case 3: // copy the line elsewhere
		k := r.IntN(len(lines))
		lines = append(lines[:k], append([]string{lines[l]}, lines[k:]...)...)
	case 4: // re-indent
		if r.IntN(2) == 0 {
			lines[l] = "  " + lines[l]
		} else {
			lines[l] = strings.TrimPrefix(lines[l], " ")
		}
	case 5: // join with the next line
		lines[l] = strings.TrimSuffix(lines[l], "\n")
	default: // replace a few bytes anywhere
		s := strings.Join(lines, "")
		i := r.IntN(len(s) + 1)
		j := min(len(s), i+r.IntN(4))
		return s[:i] + words[r.IntN(len(words))] + s[j:]
	}
	return strings.Join(lines, "")
}

// After every edit of random plans, a Draft gives what ParseFile gives
// for the same text (the oracle), plan and errors, positions included; and
// it reads only the changed entries for most edits.
func TestDraftMatchesParseFile(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	reused, edits := 0, 0 // edits of a text that read without errors
	for range 300 {
		text := draftText(r)
		d := NewDraft("plan.yaml")
		clean := false
		for step := range 40 {
			if step > 0 {
				text = draftEdit(r, text)
			}
			got, gotErr := d.Parse([]byte(text))
			want, wantErr := ParseFile("plan.yaml", []byte(text))
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("step %d: errors differ (reused %v)\ngot  %v\nwant %v\ntext:\n%s", step, d.reused, gotErr, wantErr, text)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("step %d: plans differ (reused %v)\ngot  %s\nwant %s\ntext:\n%s", step, d.reused, dumpPlan(got), dumpPlan(want), text)
			}
			if step > 0 && clean {
				edits++
				if d.reused {
					reused++
				} else if testing.Verbose() {
					t.Logf("whole text read after %q", text)
				}
			}
			clean = wantErr == nil
		}
	}
	t.Logf("%d of %d edits of a plan without errors read only the entries they changed", reused, edits)
	if reused < edits/3 {
		t.Errorf("only %d of %d edits took the fast path", reused, edits)
	}
}

// dumpPlan prints a plan's subnets with their positions, for failures.
func dumpPlan(p *Plan) string {
	if p == nil {
		return "<nil>"
	}
	var b strings.Builder
	var walk func([]*Subnet, string)
	walk = func(list []*Subnet, indent string) {
		for _, s := range list {
			fmt.Fprintf(&b, "\n%s%s /%d %s @%d:%d", indent, s.Name, s.Size, s.Purpose, s.Pos.Line, s.Pos.Col)
			for _, h := range s.Hosts {
				fmt.Fprintf(&b, "\n%s  host %s @%d:%d", indent, h.Name, h.Pos.Line, h.Pos.Col)
			}
			walk(s.Subnets, indent+"  ")
		}
	}
	walk(p.Subnets, "")
	fmt.Fprintf(&b, "\nspf @%v reserved %v", p.SPF.Pos, p.Reserved)
	return b.String()
}

// The edits an editor of a big plan makes take the fast path: a value
// changed, a subnet added at the end or in the middle, one removed, one
// in a nested list changed.
func TestDraftReusesEntries(t *testing.T) {
	var b strings.Builder
	b.WriteString("prefix: 2001:db8::/48\nsubnets:\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "  - {name: lan%d, size: 64, purpose: lan}\n", i)
	}
	b.WriteString("  - name: site\n    size: 56\n    subnets:\n      - {name: a, size: 64}\n      - {name: b, size: 64}\nspf:\n  policy: \"~all\"\n")
	base := b.String()
	for _, tc := range []struct {
		name string
		edit func(string) string
	}{
		{name: "value", edit: func(s string) string {
			return strings.Replace(s, "lan500, size: 64, purpose: lan", "lan500, size: 64, purpose: dmz", 1)
		}},
		{name: "add at end", edit: func(s string) string {
			return strings.Replace(s, "spf:", "  - {name: new, size: 64}\nspf:", 1)
		}},
		{name: "add in middle", edit: func(s string) string {
			return strings.Replace(s, "  - {name: lan500,", "  - {name: new, size: 64}\n  - {name: lan500,", 1)
		}},
		{name: "remove", edit: func(s string) string { return strings.Replace(s, "  - {name: lan7, size: 64, purpose: lan}\n", "", 1) }},
		{name: "nested", edit: func(s string) string {
			return strings.Replace(s, "{name: b, size: 64}", "{name: b, size: 64, purpose: dmz}", 1)
		}},
		{name: "error", edit: func(s string) string { return strings.Replace(s, "lan9, size: 64", "lan9, size: 65", 1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDraft("plan.yaml")
			before, err := d.Parse([]byte(base))
			if err != nil {
				t.Fatal(err)
			}
			n := len(before.Subnets)
			text := tc.edit(base)
			got, gotErr := d.Parse([]byte(text))
			if !d.reused {
				t.Fatal("the edit read the whole file")
			}
			want, wantErr := ParseFile("plan.yaml", []byte(text))
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
				t.Fatalf("differs from ParseFile: %v / %v", gotErr, wantErr)
			}
			if len(before.Subnets) != n {
				t.Errorf("the earlier plan changed: %d subnets, had %d", len(before.Subnets), n)
			}
		})
	}
}

// BenchmarkDraftEdit is the web app's case: one subnet of a /48 of
// 65,536 /64s changes, and the plan is read again.
func BenchmarkDraftEdit(b *testing.B) {
	text := bigPlanText(65536)
	texts := [][]byte{[]byte(text), []byte(strings.Replace(text, "lan65535, size: 64, purpose: lan", "lan65535, size: 64, purpose: dmz", 1))}
	d := NewDraft("plan.yaml")
	if _, err := d.Parse(texts[0]); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := d.Parse(texts[(i+1)%2]); err != nil || !d.reused {
			b.Fatal(err, d.reused)
		}
	}
}

// FuzzDraft checks a Draft against ParseFile after one edit of any text:
// n bytes at offset at replaced with repl.
func FuzzDraft(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 8 {
		f.Add(draftText(r), uint16(40+i*17), uint8(i%4), []string{"dmz", "\n", "  - {name: q, size: 64}\n", ""}[i%4])
	}
	f.Fuzz(func(t *testing.T, text string, at uint16, n uint8, repl string) {
		i := min(int(at), len(text))
		j := min(len(text), i+int(n))
		edited := text[:i] + repl + text[j:]
		d := NewDraft("plan.yaml")
		d.Parse([]byte(text))
		got, gotErr := d.Parse([]byte(edited))
		want, wantErr := ParseFile("plan.yaml", []byte(edited))
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("reused %v: Draft gives %v, ParseFile %v\n%s", d.reused, gotErr, wantErr, edited)
		}
	})
}

// An edit of one host in a subnet of many reads that host alone: the
// subnet's other hosts are the ones read before.
func TestDraftReusesHosts(t *testing.T) {
	var b strings.Builder
	b.WriteString("prefix: 2001:db8::/48\ndomain: example.com\nsubnets:\n  - {name: lan, size: 64}\n  - name: mail\n    size: 64\n    purpose: mail\n    hosts:\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "      - {name: mta%d, roles: [outbound]}\n", i)
	}
	b.WriteString("  - {name: dmz, size: 64}\n")
	base := b.String()
	for _, tc := range []struct{ name, old, new string }{
		{"value", "{name: mta1000, roles: [outbound]}", "{name: mta1000, roles: [outbound, mx]}"},
		{"add", "      - {name: mta1000,", "      - {name: extra}\n      - {name: mta1000,"},
		{"remove", "      - {name: mta1000, roles: [outbound]}\n", ""},
		{"block", "      - {name: mta1000, roles: [outbound]}\n", "      - name: mta1000\n        roles:\n          - outbound\n        address: \"::1000\"\n"},
		{"error", "{name: mta1000, roles: [outbound]}", "{name: mta1000, roles: [outbund]}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDraft("plan.yaml")
			before, err := d.Parse([]byte(base))
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Replace(base, tc.old, tc.new, 1)
			got, gotErr := d.Parse([]byte(text))
			want, wantErr := ParseFile("plan.yaml", []byte(text))
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
				t.Fatalf("differs from ParseFile: %v / %v", gotErr, wantErr)
			}
			if !d.reused {
				t.Fatal("the edit read the whole file")
			}
			if gotErr != nil {
				return
			}
			gh, bh := got.Subnets[1].Hosts, before.Subnets[1].Hosts
			if gh[0] != bh[0] || gh[len(gh)-1] != bh[len(bh)-1] {
				t.Error("the hosts the edit left alone were read again")
			}
			if before.Subnets[1].Hosts[1000].Name != "mta1000" || len(before.Subnets[1].Hosts) != 2000 {
				t.Error("the plan returned before changed")
			}
		})
	}
}
