package live_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/records/live"
)

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"", ""},
		{" \n\t\n", ""},
		{`{"domain":"a.example"}` + "\n", live.JSON},
		{"\n  {\"domain\":", live.JSON},
		{"domain,ipv6,status,mx,ipv6_mx,implicit,error\n", live.CSV},
		{"garbage", live.CSV},
	} {
		assert.Equal(t, tc.want, live.FormatOf([]byte(tc.data)), "%q", tc.data)
	}
	// What a RowWriter writes reads back as its format.
	for _, format := range []string{live.CSV, live.JSON} {
		var b bytes.Buffer
		w, err := live.NewRowWriter(&b, format, true)
		require.NoError(t, err)
		require.NoError(t, w.Write(sampleRows[0]))
		assert.Equal(t, format, live.FormatOf(b.Bytes()))
	}
}

func TestResume(t *testing.T) {
	done := []live.Row{sampleRows[0], sampleRows[3], sampleRows[0]} // a row written twice counts once
	domains := []string{"a.example", sampleRows[0].Domain, "b.example", sampleRows[3].Domain, "c.example"}
	left, tally := live.Resume(domains, done)
	assert.Equal(t, []string{"a.example", "b.example", "c.example"}, left)

	var want live.Tally
	want.Add(sampleRows[0])
	want.Add(sampleRows[3])
	assert.Equal(t, want, tally)
	assert.Equal(t, 2, tally.Domains)

	left, tally = live.Resume(domains, nil)
	assert.Equal(t, domains, left)
	assert.Equal(t, live.Tally{}, tally)

	left, _ = live.Resume(domains[1:2], done)
	assert.Empty(t, left)
}
