package app

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
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

// The forward zone of the example plan is the one the CLI writes
// (ip6plan zone --forward): records.ZonesOf with the SPF TXT records,
// the domain's MX and SPF TXT records included.
func TestForwardZoneIsTheCLIs(t *testing.T) {
	d := NewDoc()
	cli := func() string {
		zs, err := records.ZonesOf(d.Alloc, records.DateSerial(time.Now()), spf.TXTRecords, records.ZoneOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if zs.ConfigErr != nil {
			t.Fatalf("the example plan makes no complete zone: %v", zs.ConfigErr)
		}
		var b bytes.Buffer
		if err := zs.WriteBind(&b, records.Forward, true); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	before := cli()
	o := d.Output("forward")
	if o.Err != "" {
		t.Fatalf("forward: %s", o.Err)
	}
	if after := cli(); o.Text != before && o.Text != after { // the serial is the date
		t.Errorf("the app's forward zone:\n%s\nthe CLI's:\n%s", o.Text, after)
	}
	for _, want := range []string{"\tIN\tMX\t", "\tIN\tTXT\t\"v=spf1 "} {
		if !strings.Contains(o.Text, want) {
			t.Errorf("the forward zone lacks %q:\n%s", want, o.Text)
		}
	}
}
