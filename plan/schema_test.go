package plan

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchemaKeys checks that the schema knows exactly the keys ParseFile
// accepts, at every level.
func TestSchemaKeys(t *testing.T) {
	var s struct {
		Properties map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"properties"`
		Defs map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(Schema, &s))
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	top := []string{}
	for k := range s.Properties {
		top = append(top, k)
	}
	slices.Sort(top)
	assert.Equal(t, sorted(planKeys), top, "plan")
	assert.Equal(t, sorted(subnetKeys), keys(s.Defs["subnet"].Properties), "subnet")
	assert.Equal(t, sorted(hostKeys), keys(s.Defs["host"].Properties), "host")
}

func sorted(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}
