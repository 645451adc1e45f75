package ip6

import (
	"errors"
	"testing"
)

func FuzzParseMAC(f *testing.F) {
	for _, tc := range macParseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMAC(s)
		if err != nil {
			var me *MACError
			if !errors.As(err, &me) || me.Input != s || me.Offset < 0 || me.Offset > len(s) {
				t.Fatalf("ParseMAC(%q): bad error %#v", s, err)
			}
			return
		}
		back, err := ParseMAC(m.String())
		if err != nil || back != m {
			t.Fatalf("ParseMAC(%q) = %v; re-parse gives %v, %v", s, m, back, err)
		}
		if got, ok := MACFromEUI64(EUI64(m)); !ok || got != m {
			t.Fatalf("MACFromEUI64(EUI64(%v)) = %v, %v", m, got, ok)
		}
	})
}

func FuzzParseIID(f *testing.F) {
	for _, tc := range iidParseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIID(s)
		if err != nil {
			return
		}
		text := FormatIID(id)
		back, err := ParseIID(text)
		if err != nil || back != id {
			t.Fatalf("ParseIID(%q) = %#x; FormatIID gives %q, which parses to %#x, %v", s, id, text, back, err)
		}
	})
}
