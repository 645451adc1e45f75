package plan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCheckHostname holds the cases of both former homes of the hostname
// rules, plan's CheckHostname and records', which now share one scanner.
// They disagreed on an all-digit top-level label: records refused it,
// plan took it. It is refused in a fully qualified name (RFC 1123 §2.1:
// "at least the highest-level component label will be alphabetic"; RFC
// 3696 §2), and a relative name, whose top-level label is its origin's,
// is not held to it (records refused "192.0.2.1" too).
func TestCheckHostname(t *testing.T) {
	a63 := strings.Repeat("a", 63)
	const ldh = "use letters, digits and '-' (RFC 952; RFC 1123 §2.1)"
	for _, tt := range []struct {
		name, in string
		want     string // CheckHostname's error, "" for none
		fqdn     string // CheckFQDN's error, "" for none; want when the name ends in '.'
	}{
		// Both homes agreed.
		{name: "fqdn", in: "mail.example.com."},
		{name: "relative", in: "mta1"},
		{name: "punycode", in: "xn--bcher-kva.example."},
		{name: "leading digit", in: "3com.example."},
		{name: "63-octet label", in: a63 + ".example."},
		{name: "space", in: "www IN A 192.0.2.1", want: `hostname "www IN A 192.0.2.1": space at offset 3 is not allowed in a name`},
		{name: "semicolon", in: "www;x", want: `hostname "www;x": ';', which starts a zone file comment, at offset 3 is not allowed in a name`},
		{name: "underscore", in: "mail_1", want: `hostname "mail_1": character '_' at offset 4 is not allowed; ` + ldh},
		{name: "non-ASCII", in: "mtä1", want: `hostname "mtä1": character 'ä' at offset 2 is not ASCII; write internationalized labels in their xn-- form (RFC 5891 §4.4)`},
		{name: "not UTF-8", in: "mt\xff1", want: `hostname "mt\xff1": octet 0xff at offset 2 is not ASCII; write internationalized labels in their xn-- form (RFC 5891 §4.4)`},
		{name: "empty label", in: "a..b", want: `hostname "a..b": empty label at offset 2`},
		{name: "leading hyphen", in: "-a.example.", want: `hostname "-a.example.": label "-a" at offset 0 starts or ends with '-' (RFC 952; RFC 1123 §2.1)`},
		{name: "64-octet label", in: a63 + "a", want: `hostname "` + a63 + `a": label "` + a63 + `a" at offset 0 is 64 octets long; the limit is 63 (RFC 1035 §2.3.4)`},
		{name: "too long", in: strings.Repeat("abcdefghi.", 25) + "abcd",
			want: `hostname "` + strings.Repeat("abcdefghi.", 25) + `abcd": the name is 256 octets long in wire form; the limit is 255 (RFC 1035 §2.3.4)`},
		{name: "empty", in: "", want: "hostname is empty"},
		{name: "root", in: ".", want: `hostname "." is the root; want a name below it`},

		// The disagreement, decided.
		{name: "address", in: "192.0.2.1.",
			want: `hostname "192.0.2.1.": the top-level label "1" is all digits, so the name reads like an address (RFC 1123 §2.1; RFC 3696 §2)`},
		{name: "digit top-level label", in: "mail.example.123.",
			want: `hostname "mail.example.123.": the top-level label "123" is all digits, so the name reads like an address (RFC 1123 §2.1; RFC 3696 §2)`},
		{name: "relative address", in: "192.0.2.1",
			fqdn: `hostname "192.0.2.1": the top-level label "1" is all digits, so the name reads like an address (RFC 1123 §2.1; RFC 3696 §2)`},
		{name: "relative digit top", in: "host.25",
			fqdn: `hostname "host.25": the top-level label "25" is all digits, so the name reads like an address (RFC 1123 §2.1; RFC 3696 §2)`},
		{name: "digits below the top", in: "25.mail.example."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			check := func(what string, err error, want string) {
				if want == "" {
					assert.NoError(t, err, what)
				} else {
					assert.EqualError(t, err, want, what)
				}
			}
			check("CheckHostname", CheckHostname(tt.in), tt.want)
			fqdn := tt.fqdn
			if fqdn == "" {
				fqdn = tt.want
			}
			check("CheckFQDN", CheckFQDN(tt.in), fqdn)
		})
	}
}
