package plan

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection holds the module to its layout (STYLE.md): the
// arrows point one way, ip6 ← plan ← records ← app ← cmd, and nothing
// imports a command; go-app is linked only by the browser packages; and the core
// does no I/O of its own, so that it runs unchanged in the browser: os,
// os/exec, net and syscall appear only in the packages whose job is I/O.
// The test helpers of plan/plantest are for tests only: no package
// imports them outside its _test.go files. It reads the imports of every
// package with go list (tests' imports aside: a test may run a real tool).
func TestDependencyDirection(t *testing.T) {
	const module = "github.com/ip6plan/ip6plan/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	layer := func(pkg string) int {
		for i, top := range []string{"plan", "records", "app", "cmd"} {
			if rel := strings.TrimPrefix(pkg, module); rel == top || strings.HasPrefix(rel, top+"/") {
				return i
			}
		}
		return -1
	}
	// Where I/O is the point: plans and locks on disk, the network, the
	// test helpers that run real tools and read the shipped example, and
	// the commands.
	io := []string{"plan/planfile", "plan/tooltest", "plan/plantest", "records/live", "cmd"}
	doesIO := func(pkg string) bool {
		rel := strings.TrimPrefix(pkg, module)
		for _, p := range io {
			if rel == p || strings.HasPrefix(rel, p+"/") {
				return true
			}
		}
		return false
	}
	browser := map[string]bool{module + "app": true, module + "cmd/ip6plan-web": true}
	packages := 0
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		packages++
		if layer(pkg) < 0 {
			t.Errorf("%s is outside plan, records, app and cmd", pkg)
		}
		for _, imp := range imports {
			switch {
			case imp == module+"plan/plantest":
				t.Errorf("%s imports plan/plantest in a file that is not a _test.go file; its helpers are for tests only", pkg)
			case strings.HasPrefix(imp, module+"cmd/") && !strings.HasPrefix(pkg, module+"cmd/"):
				t.Errorf("%s imports the command %s", pkg, imp)
			case pkg == module+"plan/ip6" && strings.HasPrefix(imp, module):
				t.Errorf("plan/ip6 imports %s: the IPv6 toolkit is the bottom layer and knows nothing of plans", imp)
			case strings.HasPrefix(imp, module) && layer(imp) > layer(pkg):
				t.Errorf("%s imports %s, against plan ← records ← app ← cmd", pkg, imp)
			case strings.HasPrefix(imp, "github.com/maxence-charriere/go-app/") && !browser[pkg]:
				t.Errorf("%s imports go-app, which belongs to the browser packages", pkg)
			case (imp == "os" || imp == "os/exec" || imp == "net" || imp == "net/http" || imp == "syscall") && !doesIO(pkg):
				t.Errorf("%s imports %s: the core does no I/O but through the io.Reader and io.Writer it is handed", pkg, imp)
			}
		}
	}
	if packages < 10 {
		t.Fatalf("go list named %d packages; want the whole module:\n%s", packages, out)
	}
}
