package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEExamples runs the command-line transcripts of the README
// (lines "$ ip6plan ..." in sh blocks, each followed by its output) in a
// copy of the repository's testdata, in order, and checks that each prints
// exactly what the README shows, so that every example runs as shown.
// TestMain puts this test binary on $PATH as ip6plan.
func TestREADMEExamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "testdata"), os.DirFS(filepath.Join("..", "..", "testdata"))); err != nil {
		t.Fatal(err)
	}
	type example struct {
		cmd  string
		want strings.Builder
	}
	var examples []*example
	var cur *example // the example whose output lines follow
	inSh := false
	for line := range strings.Lines(string(readme)) {
		switch {
		case strings.HasPrefix(line, "```"):
			inSh, cur = strings.HasPrefix(line, "```sh"), nil
		case !inSh:
		case strings.HasPrefix(line, "$ "):
			cur = &example{cmd: strings.TrimSpace(line[2:])}
			examples = append(examples, cur)
		case cur != nil:
			cur.want.WriteString(line)
		}
	}
	if len(examples) < 5 {
		t.Fatalf("found %d examples in the README; want its transcripts", len(examples))
	}
	for _, ex := range examples {
		cmd := exec.Command("sh", "-c", ex.cmd)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=1795824000")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("$ %s\n%v\n%s", ex.cmd, err, stderr.String())
			continue
		}
		if got := stdout.String(); got != ex.want.String() {
			t.Errorf("$ %s\nprints:\n%s\nthe README shows:\n%s", ex.cmd, got, ex.want.String())
		}
	}
}
