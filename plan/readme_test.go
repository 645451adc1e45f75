package plan

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestREADMEPlan keeps the plan file shown in the README valid: it must
// parse and allocate as the README says it does.
func TestREADMEPlan(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(data), "```yaml\n")
	require.True(t, ok, "the README shows a plan in a yaml block")
	block, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)
	p, err := ParseFile("README.md", []byte(block))
	require.NoError(t, err)
	a, err := Allocate(p, nil)
	require.NoError(t, err)
	require.NotEmpty(t, a.Hosts)
}
