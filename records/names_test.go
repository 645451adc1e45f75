package records

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/tooltest"
)

// nameCase is one row of the name check table: the error each check gives
// for input, "" when it accepts it.
type nameCase struct {
	name     string
	input    string
	hostname string // CheckHostname's error
	owner    string // CheckOwner's error
	any      string // CheckName's error
}

// nameCases returns the table shared by TestCheckName, the named-checkzone
// test and the fuzz seeds.
func nameCases() []nameCase {
	a63, b61, b62 := strings.Repeat("a", 63), strings.Repeat("b", 61), strings.Repeat("b", 62)
	long254 := a63 + "." + a63 + "." + a63 + "." + b61 + "." // 254 octets, 255 in wire form
	long255 := a63 + "." + a63 + "." + a63 + "." + b62 + "."
	// err makes the same message for every check.
	err := func(format string, args ...any) (string, string, string) {
		m := fmt.Sprintf(format, args...)
		return "hostname " + m, "owner name " + m, "name " + m
	}
	row := func(name, input string, h, o, a string) nameCase {
		return nameCase{name: name, input: input, hostname: h, owner: o, any: a}
	}
	all := func(name, input, format string) nameCase {
		h, o, a := err(format, strconvQuote(input))
		return row(name, input, h, o, a)
	}
	const ldh = "use letters, digits and '-' (RFC 952; RFC 1123 §2.1)"
	return []nameCase{
		row("fqdn", "mail.example.com.", "", "", ""),
		row("relative", "mail", "", "", ""),
		row("mixed case", "MX1.Example.COM.", "", "", ""),
		row("punycode", "xn--bcher-kva.example.", "", "", ""),
		row("leading digit", "3com.example.", "", "", ""),
		row("relative with digit top", "host.25", "", "", ""),
		row("63-octet label", a63+".example.", "", "", ""),
		row("255 octets in wire form", long254, "", "", ""),
		row("relative, 255 octets in wire form", strings.TrimSuffix(long254, "."), "", "", ""),
		row("dmarc", "_dmarc.example.com.",
			`hostname "_dmarc.example.com.": character '_' at offset 0 is not allowed; `+ldh, "", ""),
		row("dkim", "s1._domainkey.example.com.",
			`hostname "s1._domainkey.example.com.": character '_' at offset 3 is not allowed; `+ldh, "", ""),
		row("lone underscore", "_",
			`hostname "_": character '_' at offset 0 is not allowed; `+ldh, "", ""),
		row("inner underscore", "a_b.example.",
			`hostname "a_b.example.": character '_' at offset 1 is not allowed; `+ldh,
			`owner name "a_b.example.": '_' at offset 1 is allowed only at the start of a label, as in _dmarc (RFC 8552 §2)`,
			""),
		row("wildcard", "*.example.com.",
			`hostname "*.example.com.": character '*' at offset 0 is not allowed; `+ldh, "", ""),
		row("lone wildcard", "*",
			`hostname "*": character '*' at offset 0 is not allowed; `+ldh, "", ""),
		row("inner wildcard", "a.*.example.",
			`hostname "a.*.example.": character '*' at offset 2 is not allowed; `+ldh,
			`owner name "a.*.example.": '*' at offset 2 is allowed only as the whole first label, as in *.example.com. (RFC 4592 §2.1.1)`,
			`name "a.*.example.": '*' at offset 2 is allowed only as the whole first label, as in *.example.com. (RFC 4592 §2.1.1)`),
		row("partial wildcard", "*a.example.",
			`hostname "*a.example.": character '*' at offset 0 is not allowed; `+ldh,
			`owner name "*a.example.": '*' at offset 0 is allowed only as the whole first label, as in *.example.com. (RFC 4592 §2.1.1)`,
			`name "*a.example.": '*' at offset 0 is allowed only as the whole first label, as in *.example.com. (RFC 4592 §2.1.1)`),
		row("leading hyphen", "-a.example.",
			`hostname "-a.example.": label "-a" at offset 0 starts or ends with '-' (RFC 952; RFC 1123 §2.1)`,
			`owner name "-a.example.": label "-a" at offset 0 starts or ends with '-' (RFC 952; RFC 1123 §2.1)`,
			""),
		row("trailing hyphen", "mail.a-.example.",
			`hostname "mail.a-.example.": label "a-" at offset 5 starts or ends with '-' (RFC 952; RFC 1123 §2.1)`,
			`owner name "mail.a-.example.": label "a-" at offset 5 starts or ends with '-' (RFC 952; RFC 1123 §2.1)`,
			""),
		row("address", "192.0.2.1.",
			`hostname "192.0.2.1.": the top-level label "1" is all digits, so the name reads like an address (RFC 1123 §2.1; RFC 3696 §2)`, "", ""),
		// Relative, its top-level label is its origin's: 192.0.2.1.example.com.
		row("relative address", "192.0.2.1", "", "", ""),
		row("digit top-level label", "mail.example.123.",
			`hostname "mail.example.123.": the top-level label "123" is all digits, so the name reads like an address (RFC 1123 §2.1; RFC 3696 §2)`, "", ""),
		row("other punctuation", "a/b.example.",
			`hostname "a/b.example.": character '/' at offset 1 is not allowed; `+ldh,
			`owner name "a/b.example.": character '/' at offset 1 is not allowed; use letters, digits and '-', and '_' only to start a label`,
			`name "a/b.example.": character '/' at offset 1 is not allowed; use letters, digits, '-' and '_'`),
		row("empty", "", "hostname is empty", "owner name is empty", "name is empty"),
		all("root", ".", "%s is the root; want a name below it"),
		all("empty label", "a..b", "%s: empty label at offset 2"),
		all("leading dot", ".a", "%s: empty label at offset 0"),
		all("two trailing dots", "a.example..", "%s: empty label at offset 10"),
		all("newline injection", "mail.example.com.\nevil.example.com. 60 IN A 192.0.2.1",
			"%s: control character 0x0a at offset 17 is not allowed"),
		all("carriage return", "mail\r", "%s: control character 0x0d at offset 4 is not allowed"),
		all("tab", "a\tb", "%s: control character 0x09 at offset 1 is not allowed"),
		all("nul", "a\x00b", "%s: control character 0x00 at offset 1 is not allowed"),
		all("delete", "a\x7fb", "%s: control character 0x7f at offset 1 is not allowed"),
		all("space", "mail example.com.", "%s: space at offset 4 is not allowed in a name"),
		all("semicolon", "a;b", "%s: ';', which starts a zone file comment, at offset 1 is not allowed in a name"),
		all("quote", `a"b`, `%s: '"', which quotes zone file text, at offset 1 is not allowed in a name`),
		all("backslash", `a\046b`, `%s: '\', which starts a zone file escape, at offset 1 is not allowed in a name`),
		all("open parenthesis", "a(b", "%s: '(', which continues a zone file record, at offset 1 is not allowed in a name"),
		all("close parenthesis", "a)b", "%s: ')', which continues a zone file record, at offset 1 is not allowed in a name"),
		all("directive", "$INCLUDE", "%s: '$', which starts a zone file directive, at offset 0 is not allowed in a name"),
		all("at sign", "postmaster@example.com", "%s: '@', which stands for the zone file origin, at offset 10 is not allowed in a name"),
		all("origin", "@", "%s: '@', which stands for the zone file origin, at offset 0 is not allowed in a name"),
		all("non-ASCII", "bücher.example.",
			"%s: character 'ü' at offset 1 is not ASCII; write internationalized labels in their xn-- form (RFC 5891 §4.4)"),
		all("64-octet label", "mail."+a63+"a.example.",
			`%s: label "`+a63+`a" at offset 5 is 64 octets long; the limit is 63 (RFC 1035 §2.3.4)`),
		all("256 octets in wire form", long255,
			"%s: the name is 256 octets long in wire form; the limit is 255 (RFC 1035 §2.3.4)"),
		all("relative, 256 octets in wire form", strings.TrimSuffix(long255, "."),
			"%s: the name is 256 octets long in wire form; the limit is 255 (RFC 1035 §2.3.4)"),
	}
}

// strconvQuote is fmt's %q of s.
func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

func TestCheckName(t *testing.T) {
	for _, tt := range nameCases() {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				check func(string) error
				want  string
			}{
				{check: CheckHostname, want: tt.hostname},
				{check: CheckOwner, want: tt.owner},
				{check: CheckName, want: tt.any},
			} {
				if err := c.check(tt.input); c.want == "" {
					assert.NoError(t, err)
				} else {
					assert.EqualError(t, err, c.want)
				}
			}
		})
	}
}

// TestCheckNameOctets tries every octet inside, at the start and at the end
// of a label.
func TestCheckNameOctets(t *testing.T) {
	ldh := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
	}
	for i := range 256 {
		c := byte(i)
		if c == '.' {
			continue
		}
		inner := "a" + string(c) + "b.example."
		first := string(c) + "b.example."
		last := "a" + string(c) + ".example."
		ch := fmt.Sprintf("%q", c)
		assert.Equal(t, ldh(c), CheckHostname(inner) == nil, "CheckHostname %s inside a label", ch)
		assert.Equal(t, ldh(c) && c != '-', CheckHostname(first) == nil, "CheckHostname %s starting a label", ch)
		assert.Equal(t, ldh(c) && c != '-', CheckHostname(last) == nil, "CheckHostname %s ending a label", ch)
		assert.Equal(t, ldh(c), CheckOwner(inner) == nil, "CheckOwner %s inside a label", ch)
		assert.Equal(t, ldh(c) && c != '-' || c == '_', CheckOwner(first) == nil, "CheckOwner %s starting a label", ch)
		assert.Equal(t, ldh(c) || c == '_', CheckName(inner) == nil, "CheckName %s inside a label", ch)
		assert.Equal(t, ldh(c) || c == '_', CheckName(last) == nil, "CheckName %s ending a label", ch)
	}
}

// TestCheckNameNamedCheckzone writes every name the checks accept into a
// zone and has BIND load it with check-names set to fail: hostnames own
// AAAA records, whose owners BIND checks as host names (RFC 952), and other
// names own TXT records.
func TestCheckNameNamedCheckzone(t *testing.T) {
	named := tooltest.Look(t, "named-checkzone", "bind9-utils")
	const origin = "example."
	var zone strings.Builder
	zone.WriteString("$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 3600\n@ IN NS ns1\nns1 IN AAAA 2001:db8::53\n")
	var names []string
	for _, tt := range nameCases() {
		names = append(names, tt.input)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		names = append(names, randomTestName(r))
	}
	n := 0
	for _, name := range names {
		if strings.HasSuffix(name, ".") || len(name)+len(origin)+1 > 255 || CheckName(name) != nil {
			continue // only relative names fit under the origin
		}
		if CheckHostname(name) == nil {
			fmt.Fprintf(&zone, "%s IN AAAA 2001:db8::%x\n", name, n)
		} else {
			fmt.Fprintf(&zone, "%s IN TXT \"%d\"\n", name, n)
		}
		n++
	}
	require.Greater(t, n, 500, "too few names to test")
	file := filepath.Join(t.TempDir(), "zone")
	require.NoError(t, os.WriteFile(file, []byte(zone.String()), 0o644))
	out, err := exec.Command(named, "-i", "local", "-k", "fail", origin, file).CombinedOutput()
	require.NoError(t, err, "named-checkzone:\n%s", out)
}

// randomTestName returns a short random name, mostly valid, made of the
// octets that matter to the checks.
func randomTestName(r *rand.Rand) string {
	const alphabet = "abcXYZ019-_*.-.\n ;\"\\()$@\x00\xc3"
	n := 1 + r.IntN(12)
	b := make([]byte, n)
	for i := range b {
		if r.IntN(4) == 0 {
			b[i] = alphabet[r.IntN(len(alphabet))]
		} else {
			b[i] = alphabet[r.IntN(11)]
		}
	}
	return string(b)
}

func BenchmarkCheckHostname(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckHostname("mail-out-01.transactional.example.com."); err != nil {
			b.Fatal(err)
		}
	}
}
