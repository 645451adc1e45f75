package app

import (
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan"
)

// cliLock is what the CLI would have written for the example after its
// host bulk2 was renamed: bulk2's address is held.
func cliLock(t *testing.T) (planText, lockText string) {
	t.Helper()
	d := NewDoc()
	planText = strings.Replace(ExampleYAML, "name: bulk2,", "name: bulk9,", 1)
	d.SetSource(planText)
	if len(d.Errors) > 0 || len(d.Alloc.Held) != 1 {
		t.Fatalf("errors %v, held %v", d.Errors, d.Alloc.Held)
	}
	return planText, d.LockText()
}

func TestOpenPlanAndLock(t *testing.T) {
	planText, lockText := cliLock(t)
	d := NewDoc()
	msg, err := d.Open([]OpenedFile{{"plan.lock", lockText}, {"mail.yaml", planText}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "mail.yaml with its lock plan.lock") {
		t.Errorf("message %q", msg)
	}
	if d.Source != planText || len(d.Alloc.Held) != 1 || d.Alloc.Held[0].Path != "mail-bulk/bulk2" {
		t.Errorf("opened plan and lock: held %v", d.Alloc.Held)
	}
	if d.LockText() != lockText {
		t.Error("the lock on show is not the one opened")
	}
}

func TestOpenOneKind(t *testing.T) {
	planText, lockText := cliLock(t)

	d := NewDoc()
	msg, err := d.Open([]OpenedFile{{"mail.yaml", planText}})
	if err != nil || len(d.Alloc.Held) != 0 || !strings.Contains(msg, "without a lock") {
		t.Errorf("a plan alone: %q, %v, held %v", msg, err, d.Alloc.Held)
	}

	d = NewDoc()
	d.SetSource(planText) // the plan on show; the lock comes on its own
	d.ForgetLock()
	if _, err := d.Open([]OpenedFile{{"plan.lock", lockText}}); err != nil || len(d.Alloc.Held) != 1 {
		t.Errorf("a lock alone: %v, held %v", err, d.Alloc.Held)
	}
}

func TestOpenRefuses(t *testing.T) {
	planText, lockText := cliLock(t)
	d2 := &Doc{}
	d2.SetSource("prefix: 2001:db8:99::/48\nsubnets: [{name: a, size: 64}]\n")
	other := d2.LockText() // a good lock, of another prefix
	if other == "" {
		t.Fatal(d2.Errors)
	}
	for _, tc := range []struct {
		files []OpenedFile
		want  string
	}{
		{nil, "no file"},
		{[]OpenedFile{{"a.yaml", planText}, {"b.yaml", planText}}, "a.yaml and b.yaml are both plans"},
		{[]OpenedFile{{"a.lock", lockText}, {"b.lock", lockText}}, "both locks"},
		{[]OpenedFile{{"mail.yaml", planText}, {"bad.lock", lockText + "host nonsense\n"}}, "bad.lock:"},
		{[]OpenedFile{{"mail.yaml", planText}, {"other.lock", other}}, "other.lock was made for 2001:db8:99::/48 but mail.yaml plans 2001:db8:d6::/48"},
	} {
		d := NewDoc()
		before := d.Source
		_, err := d.Open(tc.files)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d files: %v, want %q", len(tc.files), err, tc.want)
		}
		if d.Source != before {
			t.Error("a refused open changed the plan")
		}
	}
	if !plan.IsLockText([]byte(lockText)) || plan.IsLockText([]byte(planText)) {
		t.Error("plan and lock are not told apart")
	}
}
