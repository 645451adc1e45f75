package records

import (
	"strconv"
	"strings"
)

// TXT record data. A TXT RDATA is one or more character-strings, each a
// length octet and at most 255 octets of data (RFC 1035 §3.3.14). Longer
// text, such as an SPF record with many ip6: terms, is published as
// several strings that receivers join without adding anything (RFC 7208
// §3.3). The limit counts octets on the wire, not runes and not the
// characters of the zone file form, where one octet may take four.

// MaxStringLen is the most octets a DNS character-string holds (RFC 1035
// §3.3).
const MaxStringLen = 255

// SplitTXT splits s into the character-strings of a TXT record: pieces of
// MaxStringLen octets, the last one shorter, in order (RFC 1035 §3.3.14;
// RFC 7208 §3.3). Joining them gives s back. Splits fall on octet
// boundaries, even inside a multi-byte UTF-8 sequence, since receivers
// join the strings octet by octet. The empty s gives one empty string, as
// a TXT record has at least one.
func SplitTXT(s string) []string {
	parts := make([]string, 0, len(s)/MaxStringLen+1)
	for len(s) > MaxStringLen {
		parts = append(parts, s[:MaxStringLen])
		s = s[MaxStringLen:]
	}
	return append(parts, s)
}

// QuoteTXT returns the zone file form of a TXT record's data s, as
// [AppendQuotedTXT] writes it.
func QuoteTXT(s string) string {
	return string(AppendQuotedTXT(make([]byte, 0, len(s)+len(s)/MaxStringLen*3+2), s))
}

// AppendQuotedTXT appends the zone file form of the TXT data s to b (RFC
// 1035 §5.1): the strings of [SplitTXT], each in double quotes, separated
// by one space. Inside the quotes '"' and '\' are escaped with a
// backslash and every octet outside printable ASCII (below 0x20 or from
// 0x7f) is written as \DDD, its value in three decimal digits, so the
// output is one line of ASCII whatever s holds. The 255-octet limit
// applies to the octets of s, not to their escaped form.
func AppendQuotedTXT(b []byte, s string) []byte {
	for i := 0; ; i += MaxStringLen {
		part := s[i:min(i+MaxStringLen, len(s))]
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, '"')
		for j := 0; j < len(part); j++ {
			switch c := part[j]; {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c >= 0x7f:
				b = append(b, '\\', '0'+c/100, '0'+c/10%10, '0'+c%10)
			default:
				b = append(b, c)
			}
		}
		b = append(b, '"')
		if i+MaxStringLen >= len(s) {
			return b
		}
	}
}

// unquoteTXT returns the text of TXT data in the form AppendQuotedTXT
// writes, and reports whether data is exactly that form: the form is
// what every writer of a zone set relies on (one line, strings of at most
// 255 octets), and tinydns wants the text itself.
func unquoteTXT(data string) (string, bool) {
	var b []byte
	rest := data
	for first := true; ; first = false {
		if !first {
			if rest == "" {
				break
			}
			if rest[0] != ' ' {
				return "", false
			}
			rest = rest[1:]
		}
		if rest == "" || rest[0] != '"' {
			return "", false
		}
		i := 1
		for ; i < len(rest) && rest[i] != '"'; i++ {
			c := rest[i]
			switch {
			case c == '\\' && i+1 < len(rest) && (rest[i+1] == '"' || rest[i+1] == '\\'):
				b = append(b, rest[i+1])
				i++
			case c == '\\' && i+3 < len(rest) && isDigits(rest[i+1:i+4]):
				v, _ := strconv.Atoi(rest[i+1 : i+4])
				if v > 255 {
					return "", false
				}
				b = append(b, byte(v))
				i += 3
			case c < 0x20 || c >= 0x7f || c == '\\':
				return "", false
			default:
				b = append(b, c)
			}
		}
		if i == len(rest) {
			return "", false
		}
		rest = rest[i+1:]
	}
	s := string(b)
	return s, QuoteTXT(s) == data
}

// txtForm reports whether data is TXT data in zone-file form on one line
// (RFC 1035 §5.1): quoted strings separated by single spaces, printable
// ASCII only, each string at most MaxStringLen octets once its escapes
// (a backslash and a character, or a backslash and three digits up
// to 255) are read.
// It is the check every writer of a zone set makes; it allocates nothing
// and is smaller than [unquoteTXT], which the web app does not need.
func txtForm(data string) bool {
	n, in := 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c < 0x20 || c > 0x7e:
			return false
		case !in && c == '"' && (i == 0 || data[i-1] == ' '):
			in, n = true, 0
			continue
		case !in && c == ' ' && i > 0 && data[i-1] == '"':
			continue
		case !in:
			return false
		case c == '"':
			in = false
			continue
		case c == '\\' && i+3 < len(data) && isDigits(data[i+1:i+4]):
			if int(data[i+1]-'0')*100+int(data[i+2]-'0')*10+int(data[i+3]-'0') > 255 {
				return false
			}
			i += 3
		case c == '\\':
			if i+1 >= len(data) || data[i+1] < 0x20 || data[i+1] > 0x7e {
				return false
			}
			i++
		}
		if n++; n > MaxStringLen {
			return false
		}
	}
	return data != "" && !in && data[len(data)-1] == '"'
}

// UnescapeString undoes the presentation escapes (RFC 1035 §5.1) that
// miekg/dns leaves in the character-strings it unpacks or parses from a
// zone file: \DDD for an octet and \X for X. Readers of DNS answers and
// of zone files share it; the wasm never links it.
func UnescapeString(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b = append(b, s[i])
			continue
		}
		if i+3 < len(s) && isDigits(s[i+1:i+4]) {
			n, _ := strconv.Atoi(s[i+1 : i+4])
			b = append(b, byte(n))
			i += 3
			continue
		}
		b = append(b, s[i+1])
		i++
	}
	return string(b)
}
