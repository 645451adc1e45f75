package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
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
	})
}

// TestScripts runs the behaviour tests in testdata/script: each .txtar
// file holds a plan, the commands run on it, and the output and exit
// status they must give. The shipped example plan is copied into each
// script's directory as example.yaml.
func TestScripts(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "..", "testdata", "example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
		Setup: func(env *testscript.Env) error {
			return os.WriteFile(filepath.Join(env.WorkDir, "example.yaml"), example, 0o644)
		},
	})
}
