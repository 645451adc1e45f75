package ip6

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// macParseCases are shared with FuzzParseMAC as its seed corpus.
var macParseCases = []struct {
	name string
	in   string
	want MAC
	err  string // exact Error() text, "" for success
}{
	{name: "colon", in: "10:13:72:5b:60:c3", want: MAC{0x10, 0x13, 0x72, 0x5b, 0x60, 0xc3}},
	{name: "hyphen upper", in: "10-13-72-5B-60-C3", want: MAC{0x10, 0x13, 0x72, 0x5b, 0x60, 0xc3}},
	{name: "cisco", in: "1013.725b.60c3", want: MAC{0x10, 0x13, 0x72, 0x5b, 0x60, 0xc3}},
	{name: "bare", in: "1013725B60c3", want: MAC{0x10, 0x13, 0x72, 0x5b, 0x60, 0xc3}},
	{name: "broadcast", in: "ff:ff:ff:ff:ff:ff", want: MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	{name: "non-hex", in: "10:13:72:5g:60:c3", err: `"10:13:72:5g:60:c3": invalid hex digit 'g' at offset 10`},
	{name: "non-utf8", in: "10:13:72:5\xff:60:c3", err: `"10:13:72:5\xff:60:c3": invalid hex digit '\xff' at offset 10`},
	{name: "non-ascii", in: "10:13:72:5é:60:c3", err: `"10:13:72:5é:60:c3": invalid hex digit 'é' at offset 10`},
	{name: "spaces", in: "10 13 72 5b 60 c3", err: `"10 13 72 5b 60 c3": invalid hex digit ' ' at offset 2`},
	{name: "mixed", in: "10:13-72:5b:60:c3", err: `"10:13-72:5b:60:c3": mixed separators ':' and '-' at offset 5`},
	{name: "mixed cisco", in: "1013.725b:60c3", err: `"1013.725b:60c3": mixed separators '.' and ':' at offset 9`},
	{name: "bad separator", in: "10:13:72:5b:60 c3", err: `"10:13:72:5b:60 c3": invalid separator ' ' at offset 14`},
	{name: "short group", in: "10:13:7:5b:60:c3", err: `"10:13:7:5b:60:c3": group shorter than 2 hex digits at offset 7`},
	{name: "long group", in: "10:13:723:5b:60:c3", err: `"10:13:723:5b:60:c3": group longer than 2 hex digits at offset 8`},
	{name: "leading separator", in: ":10:13:72:5b:60:c3", err: `":10:13:72:5b:60:c3": group shorter than 2 hex digits at offset 0`},
	{name: "dotted pairs", in: "10.13.72.5b.60.c3", err: `"10.13.72.5b.60.c3": group shorter than 4 hex digits at offset 2`},
	{name: "colon quads", in: "1013:725b:60c3", err: `"1013:725b:60c3": group longer than 2 hex digits at offset 2`},
	{name: "short", in: "10:13:72:5b:60:c", err: `"10:13:72:5b:60:c": input ends after 11 of 12 hex digits at offset 16`},
	{name: "short cisco", in: "1013.725b.60c", err: `"1013.725b.60c": input ends after 11 of 12 hex digits at offset 13`},
	{name: "empty", in: "", err: `"": input ends after 0 of 12 hex digits at offset 0`},
	{name: "trailing separator", in: "10:13:72:5b:60:c3:", err: `"10:13:72:5b:60:c3:": unexpected ':' after 6 octets at offset 17`},
	{name: "seven octets", in: "10:13:72:5b:60:c3:00", err: `"10:13:72:5b:60:c3:00": unexpected ':' after 6 octets at offset 17`},
	{name: "long bare", in: "1013725b60c3d", err: `"1013725b60c3d": unexpected 'd' after 6 octets at offset 12`},
	{name: "eui64", in: "1213:72ff:fe5b:60c3", err: `"1213:72ff:fe5b:60c3": group longer than 2 hex digits at offset 2`},
}

func TestParseMAC(t *testing.T) {
	for _, tc := range macParseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseMAC(tc.in)
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				var me *MACError
				require.ErrorAs(t, err, &me)
				assert.Equal(t, tc.in, me.Input)
				assert.Contains(t, tc.err, fmt.Sprintf("at offset %d", me.Offset))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			back, err := ParseMAC(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, back)
		})
	}
}

// TestMACForms writes random MACs in every accepted form and parses them back.
func TestMACForms(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		var m MAC
		for i := range m {
			m[i] = byte(r.Uint32())
		}
		s := m.String()
		bare := strings.ReplaceAll(s, ":", "")
		forms := []string{
			s,
			strings.ToUpper(strings.ReplaceAll(s, ":", "-")),
			bare[:4] + "." + bare[4:8] + "." + bare[8:],
			bare,
		}
		for _, f := range forms {
			got, err := ParseMAC(f)
			require.NoError(t, err, f)
			require.Equal(t, m, got, f)
		}
		text, err := m.MarshalText()
		require.NoError(t, err)
		var u MAC
		require.NoError(t, u.UnmarshalText(text))
		require.Equal(t, m, u)
	}
}

func TestMACUnmarshalTextError(t *testing.T) {
	m := MAC{1, 2, 3, 4, 5, 6}
	require.EqualError(t, m.UnmarshalText([]byte("01:02")), `"01:02": input ends after 4 of 12 hex digits at offset 5`)
	assert.Equal(t, MAC{1, 2, 3, 4, 5, 6}, m, "unchanged on error")
}

func TestMACBits(t *testing.T) {
	tests := []struct {
		name      string
		mac       MAC
		multicast bool
		local     bool
	}{
		{name: "universal unicast", mac: MAC{0x10, 0x13, 0x72, 0x5b, 0x60, 0xc3}},
		{name: "local unicast", mac: MAC{0x12, 0x13, 0x72, 0x5b, 0x60, 0xc3}, local: true},
		{name: "multicast", mac: MAC{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, multicast: true},
		{name: "broadcast", mac: MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, multicast: true, local: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.multicast, tc.mac.IsMulticast())
			assert.Equal(t, tc.local, tc.mac.IsLocal())
		})
	}
}

func TestEUI64(t *testing.T) {
	tests := []struct {
		name string
		mac  string
		want string
	}{
		{name: "rfc4291 check", mac: "10:13:72:5b:60:c3", want: "::1213:72ff:fe5b:60c3"},
		{name: "local bit cleared", mac: "02:00:00:00:00:01", want: "::ff:fe00:1"},
		{name: "zero", mac: "00:00:00:00:00:00", want: "::200:ff:fe00:0"},
		{name: "broadcast", mac: "ff:ff:ff:ff:ff:ff", want: "::fdff:ffff:feff:ffff"},
		{name: "iana block is reserved", mac: "00:00:5e:00:53:13", want: "::200:5eff:fe00:5313"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMAC(tc.mac)
			require.NoError(t, err)
			id := EUI64(m)
			assert.Equal(t, tc.want, FormatIID(id))
			back, ok := MACFromEUI64(id)
			require.True(t, ok)
			assert.Equal(t, m, back)
			assert.Equal(t, m.IsLocal(), id>>57&1 == 0, "U/L bit inverted")
		})
	}
}

func TestEUI64RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		var m MAC
		for i := range m {
			m[i] = byte(r.Uint32())
		}
		back, ok := MACFromEUI64(EUI64(m))
		require.True(t, ok)
		require.Equal(t, m, back)

		id := r.Uint64()
		if id>>24&0xffff == 0xfffe {
			continue
		}
		_, ok = MACFromEUI64(id)
		require.False(t, ok, "%#x has no ff:fe in the middle", id)
	}
}

func TestMACNoAllocs(t *testing.T) {
	m := MAC{0x10, 0x13, 0x72, 0x5b, 0x60, 0xc3}
	buf := make([]byte, 0, 64)
	assert.Zero(t, testing.AllocsPerRun(100, func() { buf = m.AppendTo(buf[:0]) }), "AppendTo")
	assert.Zero(t, testing.AllocsPerRun(100, func() { iidSink = EUI64(m) }), "EUI64")
}

func BenchmarkEUI64(b *testing.B) {
	m := MAC{0x10, 0x13, 0x72, 0x5b, 0x60, 0xc3}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m[5] = byte(i)
		iidSink = EUI64(m)
	}
}

func BenchmarkParseMAC(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		m, _ := ParseMAC("10:13:72:5b:60:c3")
		iidSink = uint64(m[5])
	}
}
