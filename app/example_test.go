package app

import (
	"os"
	"testing"

	"github.com/ip6plan/ip6plan/plan/plantest"
)

// The embedded example must be the shipped one, byte for byte.
func TestExampleIsShipped(t *testing.T) {
	want, err := os.ReadFile(plantest.ExamplePath(t))
	if err != nil {
		t.Fatal(err)
	}
	if ExampleYAML != string(want) {
		t.Fatal("app/example.yaml differs from testdata/example.yaml; copy it: cp testdata/example.yaml app/example.yaml")
	}
}
