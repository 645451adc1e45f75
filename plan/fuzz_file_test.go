package plan

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan/ip6"
)

// FuzzParseFile checks that ParseFile never panics and reports only
// *Errors with the file name; that what it accepts Allocate either places
// or refuses with an error; and that a placement keeps every host inside
// its subnet and every subnet inside its parent, and writes a lock that
// reads back to the same entries and allocates again to the same bytes.
func FuzzParseFile(f *testing.F) {
	for _, tt := range fileErrorTests {
		f.Add(tt.in)
	}
	for _, tt := range allocErrorTests {
		f.Add(tt.in)
	}
	if data, err := os.ReadFile(examplePlan); err == nil {
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParseFile("plan.yaml", []byte(in))
		if err != nil {
			for _, e := range flatten(err) {
				if errors.Is(e, ErrLockDamaged) {
					continue // the advice that ends every error
				}
				var pe *Error
				if !errors.As(e, &pe) || pe.Pos.File != "plan.yaml" || pe.Msg == "" {
					t.Fatalf("error %q is not an *Error of plan.yaml", e)
				}
			}
			return
		}
		a, err := Allocate(p, nil)
		if err != nil {
			return
		}
		checkAllocation(t, a)

		l, err := ParseLock("plan.lock", a.Lock.Bytes())
		if err != nil {
			t.Fatalf("the lock does not read back: %v\n%s", err, a.Lock.Bytes())
		}
		if got, want := entriesText(l), entriesText(a.Lock); got != want {
			t.Fatalf("the lock read back as\n%s\nwant\n%s", got, want)
		}
		again, err := Allocate(p, l)
		if err != nil {
			t.Fatalf("Allocate with its own lock: %v", err)
		}
		if got, want := string(again.Lock.Bytes()), string(a.Lock.Bytes()); got != want {
			t.Fatalf("Allocate with its own lock moved entries:\n%s\nwant\n%s", got, want)
		}
	})
}

// checkAllocation fails t unless every subnet lies inside its parent,
// every host inside its subnet (off the Subnet-Router anycast address)
// and every link inside its subnet.
func checkAllocation(t *testing.T, a *Allocation) {
	t.Helper()
	parent := map[string]*SubnetAlloc{}
	for i := range a.Subnets {
		s := &a.Subnets[i]
		parent[s.Path] = s
		dir, _ := SplitPath(s.Path)
		outer := a.Plan.Prefix
		if dir != "" {
			outer = parent[dir].Prefix
		}
		if !inside(s.Prefix, outer) || s.Prefix.Bits() != s.Subnet.Size {
			t.Fatalf("subnet %s at %s: not a /%d inside %s", s.Path, s.Prefix, s.Subnet.Size, outer)
		}
	}
	for _, h := range a.Hosts {
		if h.Host.Scheme == SchemeDynamic {
			if h.Addr.IsValid() {
				t.Fatalf("dynamic host %s has address %s", h.Path, h.Addr)
			}
			continue
		}
		s := parent[h.Subnet]
		if s == nil || !s.Prefix.Contains(h.Addr) || ip6.IIDOf(h.Addr) == 0 {
			t.Fatalf("host %s at %s is not inside its subnet %s", h.Path, h.Addr, h.Subnet)
		}
	}
	for _, l := range a.Links {
		dir, _ := SplitPath(l.Path)
		if s := parent[dir]; s == nil || !inside(l.Prefix, s.Prefix) || l.Prefix.Bits() != 127 {
			t.Fatalf("link %s at %s is not a /127 inside its subnet", l.Path, l.Prefix)
		}
	}
}

func entriesText(l *Lock) string {
	var b strings.Builder
	b.WriteString(l.Prefix.String())
	for _, e := range l.Entries() {
		b.WriteString("\n" + e.String())
	}
	return b.String()
}

// FuzzParseLock checks that ParseLock never panics, and that a lock it
// accepts writes out to text that reads back to the same lock, byte for
// byte from then on.
func FuzzParseLock(f *testing.F) {
	f.Add("")
	f.Add(lockHead)
	f.Add(lockHead + "subnet 2001:db8:d6::/64 a\nhost 2001:db8:d6::1 a/h\nlink 2001:db8:d6:1::2/127 p/l\n")
	f.Add("ip6plan-lock v1\r\nprefix 2001:db8:d6::/48\r\nhost 2001:db8:d6::1 a/mx.example.com.\r\n")
	f.Add(sealed(lockHead + "subnet 2001:db8:d6::/56 a\nvacated 2001:db8:d6:100::/56 a\nsubnet 2001:db8:d6::/64 a/b\nhost 2001:db8:d6::1 a/b/h\n"))
	f.Add(sealed(lockHead+"subnet 2001:db8:d6::/64 a\n") + "<<<<<<< ours\n=======\n>>>>>>> theirs\n")
	if data, err := os.ReadFile("testdata/example.lock.golden"); err == nil {
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, in string) {
		l, err := ParseLock("plan.lock", []byte(in))
		if err != nil {
			for _, e := range flatten(err) {
				if errors.Is(e, ErrLockDamaged) {
					continue // the advice that ends every error
				}
				var pe *Error
				if !errors.As(e, &pe) || pe.Pos.File != "plan.lock" || pe.Pos.Line < 1 {
					t.Fatalf("error %q is not an *Error of plan.lock with a line", e)
				}
			}
			return
		}
		out := l.Bytes()
		back, err := ParseLock("plan.lock", out)
		if err != nil {
			t.Fatalf("ParseLock(WriteTo(l)): %v\n%s", err, out)
		}
		if got, want := entriesText(back), entriesText(l); got != want {
			t.Fatalf("read back as\n%s\nwant\n%s", got, want)
		}
		if got := string(back.Bytes()); got != string(out) {
			t.Fatalf("written again as\n%s\nwant\n%s", got, out)
		}
	})
}
