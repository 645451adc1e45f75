package app

import (
	"slices"
	"testing"
)

// The hosts view and one export make only what they show, and the list of
// exports names each as the export itself does.
func TestOutputsMadeWhenAsked(t *testing.T) {
	d := NewDoc()
	if len(d.Hosts()) == 0 {
		t.Fatal("the example has no hosts")
	}
	if len(d.out.made) != 0 {
		t.Errorf("the hosts view made exports: %v", mapKeys(d.out.made))
	}
	if o := d.Output("postfix"); o.Text == "" {
		t.Fatalf("postfix: %+v", o)
	}
	if got := mapKeys(d.out.made); !slices.Equal(got, []string{"postfix"}) {
		t.Errorf("asking for postfix made %v", got)
	}
	for _, tab := range d.OutputTabs() {
		o := d.Output(tab.ID)
		if o.ID != tab.ID || o.Title != tab.Title || o.FileName != tab.FileName {
			t.Errorf("tab %+v, output %s %q %q", tab, o.ID, o.Title, o.FileName)
		}
	}
	d.SetSource(d.Source + "\n") // a new revision makes its own
	if d.out != nil {
		t.Errorf("a new revision kept the exports of the last: %v", mapKeys(d.out.made))
	}
}

func mapKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
