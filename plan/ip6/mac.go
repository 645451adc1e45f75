package ip6

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MAC is an EUI-48 MAC address, the 48-bit IEEE 802 address from which a
// modified EUI-64 interface identifier is built (RFC 4291 Appendix A,
// RFC 7042 §2.1). The zero value is 00:00:00:00:00:00.
type MAC [6]byte

// MACError is the error ParseMAC returns: the input, the 0-based byte offset
// of the first character that is wrong, and what is wrong with it.
type MACError struct {
	Input  string
	Offset int
	Msg    string
}

// Error returns the input, what is wrong with it and at which byte offset, as
// in `"10:13:72:5g:60:c3": invalid hex digit 'g' at offset 10`.
func (e *MACError) Error() string {
	return fmt.Sprintf("%q: %s at offset %d", e.Input, e.Msg, e.Offset)
}

// ParseMAC parses an EUI-48 MAC address (RFC 7042 §2.1) in any of the forms
// 10:13:72:5b:60:c3, 10-13-72-5B-60-C3, 1013.725b.60c3 (Cisco) or
// 1013725b60c3, in either case. The first separator decides the form; mixed
// separators, groups of the wrong size, non-hex digits and a wrong length are
// reported as a *MACError.
func ParseMAC(s string) (MAC, error) {
	// The form is set by the first character that is not a hex digit.
	sep, width := byte(0), 12
	for i := 0; i < len(s); i++ {
		if macUnhex(s[i]) < 0 {
			switch s[i] {
			case ':', '-':
				sep, width = s[i], 2
			case '.':
				sep, width = '.', 4
			}
			break
		}
	}
	fail := func(i int, format string, args ...any) (MAC, error) {
		return MAC{}, &MACError{Input: s, Offset: i, Msg: fmt.Sprintf(format, args...)}
	}
	var m MAC
	n := 0 // hex digits read
	for i := 0; i < len(s); i++ {
		c := s[i]
		if n == 12 {
			return fail(i, "unexpected %s after 6 octets", macQuote(s, i))
		}
		wantSep := sep != 0 && i%(width+1) == width
		v := macUnhex(c)
		switch {
		case wantSep && c == sep:
			continue
		case !wantSep && v >= 0:
			m[n/2] |= byte(v) << (4 * (1 - n%2))
			n++
			continue
		case c == ':' || c == '-' || c == '.':
			if c != sep {
				return fail(i, "mixed separators %q and %q", sep, c)
			}
			return fail(i, "group shorter than %d hex digits", width)
		case wantSep && v >= 0:
			return fail(i, "group longer than %d hex digits", width)
		case wantSep:
			return fail(i, "invalid separator %s", macQuote(s, i))
		}
		return fail(i, "invalid hex digit %s", macQuote(s, i))
	}
	if n < 12 {
		return fail(len(s), "input ends after %d of 12 hex digits", n)
	}
	return m, nil
}

// macUnhex returns the value of the hex digit c, or -1.
func macUnhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// macQuote quotes the character at s[i], or the byte if it is not UTF-8.
func macQuote(s string, i int) string {
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf(`'\x%02x'`, s[i])
	}
	return strconv.QuoteRune(r)
}

// String returns m in the lowercase colon form, as in 10:13:72:5b:60:c3.
func (m MAC) String() string { return string(m.AppendTo(make([]byte, 0, 17))) }

// AppendTo appends the String form of m to b and returns the extended slice.
func (m MAC) AppendTo(b []byte) []byte {
	const hex = "0123456789abcdef"
	for i, o := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hex[o>>4], hex[o&0xf])
	}
	return b
}

// MarshalText implements encoding.TextMarshaler with the String form.
func (m MAC) MarshalText() ([]byte, error) { return m.AppendTo(make([]byte, 0, 17)), nil }

// UnmarshalText implements encoding.TextUnmarshaler with any form ParseMAC
// accepts.
func (m *MAC) UnmarshalText(text []byte) error {
	v, err := ParseMAC(string(text))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ErrMulticastMAC says why a group MAC cannot give a host's interface ID.
var ErrMulticastMAC = errors.New("a multicast (group) address, which no interface has as its own: EUI-64 needs the network card's own unicast MAC (the I/G bit, 0x01 of the first octet, clear; RFC 7042 §2.1)")

// IsMulticast reports whether the I/G (individual/group) bit, 0x01 of the
// first octet, is set: m is a group address (RFC 7042 §2.1).
func (m MAC) IsMulticast() bool { return m[0]&0x01 != 0 }

// IsLocal reports whether the U/L (universal/local) bit, 0x02 of the first
// octet, is set: m is locally administered rather than assigned from an
// IEEE OUI (RFC 7042 §2.1).
func (m MAC) IsLocal() bool { return m[0]&0x02 != 0 }

// EUI64 returns the modified EUI-64 interface identifier of m (RFC 4291
// Appendix A, §2.5.1): ff:fe inserted between the third and fourth octets
// and the U/L bit inverted, so 10:13:72:5b:60:c3 gives ::1213:72ff:fe5b:60c3.
// MACs in IANA's 00-00-5E block give IDs that RFC 5453 reserves; check the
// result with ReservedIID.
func EUI64(m MAC) uint64 {
	return uint64(m[0]^0x02)<<56 | uint64(m[1])<<48 | uint64(m[2])<<40 |
		0xfffe<<24 | uint64(m[3])<<16 | uint64(m[4])<<8 | uint64(m[5])
}

// MACFromEUI64 returns the MAC from which the modified EUI-64 interface
// identifier iid was built (RFC 4291 Appendix A), and reports whether iid has
// ff:fe in its middle, that is whether it can be such an identifier.
func MACFromEUI64(iid uint64) (MAC, bool) {
	if iid>>24&0xffff != 0xfffe {
		return MAC{}, false
	}
	return MAC{byte(iid>>56) ^ 0x02, byte(iid >> 48), byte(iid >> 40), byte(iid >> 16), byte(iid >> 8), byte(iid)}, true
}
