package ip6

import "net/netip"

// ParseAddr6Bytes parses an IPv6 address in any text form of RFC 4291
// §2.2 (with an optional dotted-quad tail), without zone, straight from
// bytes. It does what netip.ParseAddr does for such input, but allocates
// nothing, for tools that stream millions of lines; ok is false for
// anything netip.ParseAddr would reject or would return as IPv4 or zoned.
func ParseAddr6Bytes(s []byte) (a netip.Addr, ok bool) {
	var ip [16]byte
	ellipsis := -1 // position of "::" in ip, in bytes
	i := 0         // position in ip
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis = 0
		s = s[2:]
		if len(s) == 0 {
			return netip.IPv6Unspecified(), true
		}
	}
	for i < 16 {
		// One group of up to four hex digits.
		off, acc := 0, uint32(0)
		for ; off < len(s) && off < 5; off++ {
			c := s[off]
			switch {
			case '0' <= c && c <= '9':
				acc = acc<<4 + uint32(c-'0')
			case 'a' <= c && c <= 'f':
				acc = acc<<4 + uint32(c-'a'+10)
			case 'A' <= c && c <= 'F':
				acc = acc<<4 + uint32(c-'A'+10)
			default:
				goto end
			}
		}
	end:
		if off > 4 || off == 0 {
			return netip.Addr{}, false
		}
		if off < len(s) && s[off] == '.' { // a dotted-quad tail
			if ellipsis < 0 && i != 12 || i+4 > 16 {
				return netip.Addr{}, false
			}
			v4, ok := parseV4(s)
			if !ok {
				return netip.Addr{}, false
			}
			copy(ip[i:], v4[:])
			i += 4
			s = nil
			break
		}
		ip[i], ip[i+1] = byte(acc>>8), byte(acc)
		i += 2
		s = s[off:]
		if len(s) == 0 {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return netip.Addr{}, false
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, false
			}
			ellipsis = i
			s = s[1:]
			if len(s) == 0 {
				break
			}
		}
	}
	if len(s) != 0 {
		return netip.Addr{}, false
	}
	if i < 16 {
		if ellipsis < 0 {
			return netip.Addr{}, false
		}
		n := 16 - i
		copy(ip[ellipsis+n:], ip[ellipsis:i])
		clear(ip[ellipsis : ellipsis+n])
	} else if ellipsis >= 0 {
		return netip.Addr{}, false // "::" must stand for at least one group
	}
	return netip.AddrFrom16(ip), true
}

// parseV4 parses a dotted-quad IPv4 address, the tail of an IPv6 text.
func parseV4(s []byte) (v4 [4]byte, ok bool) {
	for k := 0; k < 4; k++ {
		if k > 0 {
			if len(s) == 0 || s[0] != '.' {
				return v4, false
			}
			s = s[1:]
		}
		n, val := 0, 0
		for n < len(s) && n < 4 && '0' <= s[n] && s[n] <= '9' {
			val = val*10 + int(s[n]-'0')
			n++
		}
		if n == 0 || n > 3 || val > 255 || n > 1 && s[0] == '0' {
			return v4, false
		}
		v4[k] = byte(val)
		s = s[n:]
	}
	return v4, len(s) == 0
}
