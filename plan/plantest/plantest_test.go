package plantest

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/planfile"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and
// stops the goroutine, as the real one does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatal runs f with a fatalRecorder in a goroutine of its own and returns
// what it failed with, "" if it did not.
func fatal(f func(t testing.TB)) string {
	r := &fatalRecorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r.msg
}

func TestAlloc(t *testing.T) {
	a := Alloc(t, "prefix: 2001:db8::/48\ndomain: example.com\nsubnets: [{name: lan, size: 64, hosts: [{name: h}]}]\n")
	if len(a.Subnets) != 1 || a.Subnets[0].Prefix.String() != "2001:db8::/64" || len(a.Hosts) != 1 {
		t.Fatalf("Alloc gave subnets %v, hosts %v", a.Subnets, a.Hosts)
	}

	// A plan that does not parse, or does not fit, fails the test at the
	// position at fault.
	for _, tc := range []struct{ src, want string }{
		{src: "prefix: 2001:db8::/48\nsubnets: [{name: lan, size: 65}]\n", want: "plantest: plan.yaml:2:"},
		{src: "prefix: 2001:db8::/64\nsubnets: [{name: a, size: 64}, {name: b, size: 64}]\n", want: "plantest: plan.yaml:2:"},
	} {
		if got := fatal(func(t testing.TB) { Alloc(t, tc.src) }); !strings.HasPrefix(got, tc.want) {
			t.Errorf("Alloc(%q) failed with %q; want it to start %q", tc.src, got, tc.want)
		}
	}
}

// TestExample checks that the example is the shipped plan and lock: the
// allocation keeps the lock as shipped, entry for entry.
func TestExample(t *testing.T) {
	a := Example(t)
	if a.Plan.Domain != "example.com" || len(a.Hosts) == 0 {
		t.Fatalf("Example gave domain %q and %d hosts", a.Plan.Domain, len(a.Hosts))
	}
	shipped, err := os.ReadFile(planfile.LockPath(ExamplePath(t)))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(a.Lock.Bytes()); got != string(shipped) {
		t.Errorf("the example's allocation changes its shipped lock:\n%s\nwant:\n%s", got, shipped)
	}

	t.Chdir(t.TempDir())
	if got := fatal(func(t testing.TB) { ExamplePath(t) }); !strings.Contains(got, "no go.mod") {
		t.Errorf("ExamplePath outside the module failed with %q; want it to say there is no go.mod", got)
	}
}
