package form

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan"
)

// formShape is what a Form knows of its text: every field with its value
// and position, every subnet and host with its place.
func formShape(f *Form) string {
	var b strings.Builder
	fmt.Fprintf(&b, "json %v err %q lines %d\n", f.json, f.Err, len(f.lines))
	for _, fd := range f.fields() {
		fmt.Fprintf(&b, "%s=%q@%d:%d ", fd.ID, fd.Value, fd.line, fd.col)
	}
	for _, s := range f.Subnets {
		fmt.Fprintf(&b, "\ns%d %s %d %d:%d-%d %v", s.Index, s.Path, s.Depth, s.line, s.col, s.last, s.HostsOK)
	}
	for _, h := range f.Hosts {
		fmt.Fprintf(&b, "\nh%d %s %d:%d-%d", h.Index, h.Subnet, h.line, h.col, h.last)
	}
	return b.String()
}

// A Form made from a plan.Draft's YAML document, is the Form that
// reading the text again gives, and edits it the same way, over random
// plans and random sequences of form edits (each then read by the Draft,
// mostly in part).
func TestFormFromDraftMatchesParse(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	steps, fromDraft := 0, 0
	for iter := range 600 {
		g := &planGen{r: r, json: iter%5 == 4}
		draft, src := plan.NewDraft("plan.yaml"), g.plan()
		draft.Parse([]byte(src))
		for step := range 12 {
			a, b := Parse(src), Parse(src)
			if doc := draft.Document(); doc != nil && string(draft.Text()) == src {
				a = FromDocument(src, doc)
				fromDraft++
			}
			if sa, sb := formShape(a), formShape(b); sa != sb {
				t.Fatalf("iter %d step %d: the Draft's form differs\n%s\n--- read again:\n%s\n--- text:\n%s", iter, step, sa, sb, src)
			}
			if a.Err != "" || len(a.Subnets) == 0 {
				break
			}
			var op string
			var ea, eb error
			switch k := r.IntN(4); {
			case k == 0:
				i := r.IntN(len(a.Subnets))
				op = fmt.Sprintf("RemoveSubnet(%d)", i)
				ea, eb = a.RemoveSubnet(i), b.RemoveSubnet(i)
			case k == 1:
				i, name := r.IntN(len(a.Subnets)), fmt.Sprintf("n%d", step)
				op = fmt.Sprintf("AddHost(%d)", i)
				ea, eb = a.AddHost(i, name), b.AddHost(i, name)
			case k == 2:
				i, name := r.IntN(len(a.Subnets)+1)-1, fmt.Sprintf("s%d", step)
				op = fmt.Sprintf("AddSubnet(%d)", i)
				ea, eb = a.AddSubnet(i, name), b.AddSubnet(i, name)
			default:
				fs := a.fields()
				id, v := fs[r.IntN(len(fs))].ID, propValues[r.IntN(len(propValues))]
				op = fmt.Sprintf("Set(%q, %q)", id, v)
				ea, eb = a.Set(id, v), b.Set(id, v)
			}
			if fmt.Sprint(ea) != fmt.Sprint(eb) || a.Text() != b.Text() {
				t.Fatalf("iter %d step %d: %s differs: %v / %v\n--- text:\n%s--- got:\n%s--- want:\n%s", iter, step, op, ea, eb, src, a.Text(), b.Text())
			}
			if ea != nil {
				break
			}
			src = a.Text()
			draft.Parse([]byte(src))
			steps++
		}
	}
	if fromDraft < steps/2 {
		t.Errorf("only %d of %d forms came from the Draft", fromDraft, steps)
	}
	t.Logf("%d edits; %d forms made from the Draft's document", steps, fromDraft)
}
