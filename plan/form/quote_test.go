package form

import (
	"encoding/json"
	"testing"

	"go.yaml.in/yaml/v3"
)

// quote's output reads back as the same string in YAML and in JSON, for
// printable text, control characters, BMP format characters and
// characters beyond the BMP, printable or not.
func TestQuoteReadsBackInYAMLAndJSON(t *testing.T) {
	for _, v := range []string{
		"", "plain", `say "hi" \ back`, "tab\tnew\nline\x00nul\x7f",
		"é ü ∞ 日本", "zero\u200bwidth", "bom\ufeff", "emoji 😀",
		"tag \U000E0041 char", "private \U000F0000 use", "replacement \ufffd",
	} {
		q := quote(v)
		var y struct{ K string }
		if err := yaml.Unmarshal([]byte("k: "+q), &y); err != nil {
			t.Errorf("YAML cannot read %s: %v", q, err)
		} else if y.K != v {
			t.Errorf("YAML reads %s as %q, want %q", q, y.K, v)
		}
		var j string
		if err := json.Unmarshal([]byte(q), &j); err != nil {
			t.Errorf("JSON cannot read %s: %v", q, err)
		} else if j != v {
			t.Errorf("JSON reads %s as %q, want %q", q, j, v)
		}
	}
}
