package records

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestNextSerial(t *testing.T) {
	day := time.Date(2026, 11, 28, 15, 4, 5, 0, time.UTC) // DateSerial 2026112800
	for _, tt := range []struct {
		name string
		t    time.Time
		prev uint32
		want uint32
	}{
		{name: "an older day", t: day, prev: 2026112703, want: 2026112800},
		{name: "the same day", t: day, prev: 2026112800, want: 2026112801},
		{name: "the same day again", t: day, prev: 2026112801, want: 2026112802},
		{name: "the 100th version of a day runs into the next", t: day, prev: 2026112899, want: 2026112900},
		{name: "ahead of the date", t: day, prev: 2026120105, want: 2026120106},
		{name: "far ahead, by less than 2^31", t: day, prev: 4000000000, want: 4000000001},
		{name: "a counter from another scheme", t: day, prev: 7, want: 2026112800},
		{name: "none written yet", t: day, prev: 0, want: 2026112800},
		{name: "the top serial is behind the date in RFC 1982 terms", t: day, prev: 4294967295, want: 2026112800},
		// From 2148 a date serial is 2^31 or more, so 4294967295 is ahead
		// of it and the next serial wraps to 0, which is greater.
		{name: "wraparound", t: time.Date(2148, 1, 1, 0, 0, 0, 0, time.UTC), prev: 4294967295, want: 0},
		{name: "a time zone east of UTC", t: time.Date(2026, 11, 29, 1, 0, 0, 0, time.FixedZone("CET", 3600)), prev: 2026112800, want: 2026112900},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := NextSerial(tt.t, tt.prev)
			assert.Equal(t, tt.want, got)
			assert.True(t, serialGreater(got, tt.prev), "%d is not greater than %d (RFC 1982)", got, tt.prev)
		})
	}
	assert.Equal(t, uint32(2026112800), DateSerial(day))
}

// TestSerialGreater checks serial number arithmetic against RFC 1982
// §3.2 as written, on edge cases and random pairs.
func TestSerialGreater(t *testing.T) {
	const half = 1 << 31
	rfc := func(s1, s2 uint32) bool {
		i1, i2 := int64(s1), int64(s2)
		return i1 < i2 && i2-i1 > half || i1 > i2 && i1-i2 < half
	}
	pairs := [][2]uint32{{0, 0}, {1, 0}, {0, 1}, {0, 4294967295}, {4294967295, 0}, {half, 0}, {0, half}, {half - 1, 0}, {half + 1, 0}, {2026112800, 4294967295}}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		a := r.Uint32()
		pairs = append(pairs, [2]uint32{a, r.Uint32()}, [2]uint32{a, a + uint32(r.IntN(3)) - 1})
	}
	for _, p := range pairs {
		assert.Equal(t, rfc(p[0], p[1]), serialGreater(p[0], p[1]), "%d > %d", p[0], p[1])
	}
}

func TestFileSerial(t *testing.T) {
	for _, serial := range []uint32{0, 1, 2026112800, 4294967295} {
		zs := &ZoneSet{Config: streamCfg, Domain: ForwardZone{Origin: "example.net."}} // its name servers lie outside
		files, err := zs.Files(Forward)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			var b bytes.Buffer
			if err := f.Write(&b, serial); err != nil {
				t.Fatal(err)
			}
			got, ok := fileSerial(b.Bytes())
			assert.True(t, ok)
			assert.Equal(t, serial, got)
		}
	}
	for _, text := range []string{"", "@ 3600 IN SOA ns1 hostmaster 1 2 3 4 5\n", "@\t3600\tIN\tSOA\tns. h. ( x 1 2 3 4 )\n", "@\t3600\tIN\tSOA\tns. h. ( 4294967296 1 2 3 4 )\n"} {
		_, ok := fileSerial([]byte(text))
		assert.False(t, ok, "%q", text)
	}
}
