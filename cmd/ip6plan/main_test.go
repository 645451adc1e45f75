package main

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/plantest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ip6plan": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
		// expect-exit N CMD ARGS... runs CMD and succeeds only if it
		// exits with status N, so scripts can tell 1 from 2.
		"expect-exit": func() {
			want, _ := strconv.Atoi(os.Args[1])
			cmd := exec.Command(os.Args[2], os.Args[3:]...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
			cmd.Run()
			if got := cmd.ProcessState.ExitCode(); got != want {
				fmt.Fprintf(os.Stderr, "expect-exit: exit status %d, want %d\n", got, want)
				os.Exit(1)
			}
			os.Exit(0)
		},
		// damage MODE N FILE damages a file in place as people and tools
		// do: truncate drops its last N bytes, delete drops line N, dup
		// repeats line N, conflict wraps line N in Git conflict markers.
		"damage": damage,
		// mklock FILE PREFIX [KIND WHERE PATH]... writes a lock with these
		// entries, whole (with its end line) but not necessarily sound:
		// overlapping entries, entries outside the prefix.
		"mklock": mklock,
	})
}

func damage() {
	mode, file := os.Args[1], os.Args[3]
	n, err := strconv.Atoi(os.Args[2])
	data, rerr := os.ReadFile(file)
	if err != nil || rerr != nil || len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: damage truncate|delete|dup|conflict N FILE", err, rerr)
		os.Exit(2)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if mode != "truncate" && (n < 1 || n > len(lines)) {
		fmt.Fprintf(os.Stderr, "damage: %s has no line %d\n", file, n)
		os.Exit(2)
	}
	switch mode {
	case "truncate":
		data = data[:len(data)-n]
	case "delete":
		data = []byte(strings.Join(slices.Delete(lines, n-1, n), ""))
	case "dup":
		data = []byte(strings.Join(slices.Insert(lines, n, lines[n-1]), ""))
	case "conflict":
		out := slices.Concat(lines[:n-1], []string{"<<<<<<< HEAD\n", lines[n-1], "=======\n", ">>>>>>> other\n"}, lines[n:])
		data = []byte(strings.Join(out, ""))
	default:
		fmt.Fprintf(os.Stderr, "damage: unknown mode %q\n", mode)
		os.Exit(2)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func mklock() {
	args := os.Args[1:]
	if len(args) < 2 || (len(args)-2)%3 != 0 {
		fmt.Fprintln(os.Stderr, "usage: mklock FILE PREFIX [KIND WHERE PATH]...")
		os.Exit(2)
	}
	l := plan.NewLock(netip.MustParsePrefix(args[1]))
	kinds := map[string]plan.Kind{"subnet": plan.KindSubnet, "host": plan.KindHost, "link": plan.KindLink, "vacated": plan.KindVacated}
	for i := 2; i < len(args); i += 3 {
		where := args[i+1]
		if !strings.Contains(where, "/") {
			where += "/128"
		}
		l.Put(plan.Entry{Kind: kinds[args[i]], Prefix: netip.MustParsePrefix(where), Path: args[i+2]})
	}
	if err := os.WriteFile(args[0], l.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// TestScripts runs the behaviour tests in testdata/script: each .txtar
// file holds a plan, the commands run on it, and the output and exit
// status they must give. The shipped example plan is copied into each
// script's directory as example.yaml.
func TestScripts(t *testing.T) {
	example, err := os.ReadFile(plantest.ExamplePath(t))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup: func(env *testscript.Env) error {
			return os.WriteFile(filepath.Join(env.WorkDir, "example.yaml"), example, 0o644)
		},
		Condition: toolCondition,
	})
}

// toolCondition answers [tool:NAME]: whether the program NAME is
// installed, for scripts that check ip6plan's output with a real tool
// ([!tool:postconf] skip 'apt-get install -y postfix'). With
// IP6PLAN_REQUIRE_TOOLS=1, as CI sets it, a missing tool fails the script
// instead of skipping it.
func toolCondition(cond string) (bool, error) {
	name, ok := strings.CutPrefix(cond, "tool:")
	if !ok {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("IP6PLAN_REQUIRE_TOOLS") == "1" {
			return false, fmt.Errorf("%s is not installed, and IP6PLAN_REQUIRE_TOOLS=1 requires it", name)
		}
		return false, nil
	}
	return true, nil
}
