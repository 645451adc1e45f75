package records_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/plan/plantest"
	"github.com/ip6plan/ip6plan/plan/tooltest"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// completePlan loads testdata/complete.yaml: MX hosts with preferences
// and ties, senders, names outside the domain.
func completePlan(t testing.TB) *plan.Allocation {
	t.Helper()
	data, err := os.ReadFile("testdata/complete.yaml")
	require.NoError(t, err)
	return plantest.Alloc(t, string(data))
}

func zonesOf(t testing.TB, a *plan.Allocation, opt records.ZoneOptions) *records.ZoneSet {
	t.Helper()
	zs, err := records.ZonesOf(a, records.SerialForTest, spf.TXTRecords, opt)
	require.NoError(t, err)
	return zs
}

// TestZoneSetMX checks the domain's MX records: one per host with role mx
// and an address, at the apex, by preference, ties in plan order,
// pointing at the host's name and not its alias; and a warning for the
// MX host without an address.
func TestZoneSetMX(t *testing.T) {
	zs := zonesOf(t, completePlan(t), records.ZoneOptions{})
	var mx []string
	for _, rr := range zs.Domain.RRs {
		if rr.Type == "MX" {
			assert.Equal(t, "example.com.", rr.Name)
			mx = append(mx, rr.Data)
		}
	}
	assert.Equal(t, []string{
		"5 mx0.example.com.",
		"10 mta1.example.com.", // plan order: mta1 comes before mx1
		"10 mx1.example.com.",
		"20 mx2.example.com.",
		"30 relay.partner.example.net.", // outside the domain, but an MX may point anywhere
	}, mx)
	assert.Equal(t, []string{
		"host servers/spare has role mx but no planned address, so example.com has no MX record for it: an MX must point at a name with an address (RFC 5321 §5.1)",
		"relay.partner.example.net. is outside example.com., so it has a zone of its own: the zone of its parent must delegate it to ns1.example.com. and ns2.example.com., or its records go into that zone by hand",
		"gw.other.example.org. is outside example.com., so it has a zone of its own: the zone of its parent must delegate it to ns1.example.com. and ns2.example.com., or its records go into that zone by hand",
	}, zs.Warnings)
}

// TestZoneSetTXT checks that the domain's zone holds the SPF record that
// spf.TXTRecords builds, and each HELO name's record sits in the zone of
// its name.
func TestZoneSetTXT(t *testing.T) {
	a := completePlan(t)
	want, err := spf.TXTRecords(a)
	require.NoError(t, err)
	zs := zonesOf(t, a, records.ZoneOptions{})
	var got []records.RR
	for _, fz := range append([]records.ForwardZone{zs.Domain}, zs.Outside...) {
		for _, rr := range fz.RRs {
			if rr.Type == "TXT" {
				assert.True(t, records.InDomain(rr.Name, fz.Origin), "%s in zone %s", rr.Name, fz.Origin)
				got = append(got, rr)
			}
		}
	}
	assert.ElementsMatch(t, want, got)
	assert.Contains(t, got, records.RR{Name: "gw.other.example.org.", TTL: 3600, Type: "TXT", Data: `"v=spf1 ip6:2001:db8:d6:25::99 -all"`})
}

// TestZoneSetOutOfZone checks both choices for names outside the domain:
// never in the domain's zone; with OwnZones in a zone of their own, a
// name under another sharing its zone; with LeaveOut nowhere, named in a
// warning.
func TestZoneSetOutOfZone(t *testing.T) {
	a := completePlan(t)
	own := zonesOf(t, a, records.ZoneOptions{})
	for _, rr := range own.Domain.RRs {
		assert.True(t, records.InDomain(rr.Name, "example.com."), "%v is in example.com.'s zone", rr)
	}
	owners := map[string][]string{}
	for _, fz := range own.Outside {
		for _, rr := range fz.RRs {
			if !slices.Contains(owners[fz.Origin], rr.Name) {
				owners[fz.Origin] = append(owners[fz.Origin], rr.Name)
			}
		}
	}
	assert.Equal(t, map[string][]string{
		"relay.partner.example.net.": {"relay.partner.example.net."},
		"gw.other.example.org.":      {"gw.other.example.org.", "a.gw.other.example.org."},
	}, owners)
	assert.Empty(t, own.Omitted)

	left := zonesOf(t, a, records.ZoneOptions{OutOfZone: records.LeaveOut})
	assert.Equal(t, own.Domain, left.Domain)
	assert.Empty(t, left.Outside)
	assert.Equal(t, []string{"relay.partner.example.net.", "gw.other.example.org.", "a.gw.other.example.org."}, left.Omitted, "in RFC 4034 order")
	require.Len(t, left.Warnings, 2)
	assert.Contains(t, left.Warnings[1], "left out the records of relay.partner.example.net., gw.other.example.org., a.gw.other.example.org.: outside example.com")
	// No format writes a record owned by a name left out.
	written := []string{}
	for _, rr := range records.ParseZoneForTest(t, ".", []byte(write(t, left, "bind", records.Forward))) {
		written = append(written, rr.Header().Name)
	}
	for _, line := range strings.Split(write(t, left, "generic", records.Both), "\n") {
		if line != "" && line[0] != '#' && line[0] != '^' {
			written = append(written, strings.TrimPrefix(strings.Split(line[1:], ":")[0], ":")+".")
		}
	}
	for _, line := range strings.Split(write(t, left, "nsupdate", records.Forward), "\n") {
		if rest, ok := strings.CutPrefix(line, "update "); ok {
			written = append(written, strings.Fields(rest)[1])
		}
	}
	var doc struct{ Forward []struct{ Name string } }
	require.NoError(t, json.Unmarshal([]byte(write(t, left, "json", records.Forward)), &doc))
	for _, rr := range doc.Forward {
		written = append(written, rr.Name)
	}
	assert.Contains(t, written, "mta1.example.com.")
	for _, name := range left.Omitted {
		assert.NotContains(t, written, name)
	}
}

// write writes zs in format (bind means the snippet).
func write(t testing.TB, zs *records.ZoneSet, format string, part records.Part) string {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case "bind":
		err = zs.WriteBind(&b, part, false)
	case "complete":
		err = zs.WriteBind(&b, part, true)
	case "tinydns":
		err = zs.WriteTinydns(&b, records.TinydnsOptions{Part: part})
	case "generic":
		err = zs.WriteTinydns(&b, records.TinydnsOptions{Part: part, Generic: true})
	case "json":
		err = zs.WriteJSON(&b, part)
	case "nsupdate":
		err = zs.WriteNsupdate(&b, "ns1.example.com", part)
	}
	require.NoError(t, err)
	return b.String()
}

// TestZoneSetGolden pins every format of the complete plan's zone set.
func TestZoneSetGolden(t *testing.T) {
	a := completePlan(t)
	for _, opt := range []struct {
		name string
		opt  records.ZoneOptions
	}{{"own", records.ZoneOptions{}}, {"leave", records.ZoneOptions{OutOfZone: records.LeaveOut}}} {
		zs := zonesOf(t, a, opt.opt)
		for _, format := range []string{"bind", "complete", "tinydns", "generic", "json", "nsupdate"} {
			t.Run(opt.name+"/"+format, func(t *testing.T) {
				records.GoldenForTest(t, fmt.Sprintf("complete.%s.%s.golden", opt.name, format), []byte(write(t, zs, format, records.Both)))
			})
		}
	}
	zs := zonesOf(t, a, records.ZoneOptions{IncludeDir: "/etc/bind/zones"})
	files, err := zs.Files(records.Both)
	require.NoError(t, err)
	var all bytes.Buffer
	for _, f := range files {
		fmt.Fprintf(&all, "==> %s (includes %s) <==\n", f.Name, f.Local)
		require.NoError(t, f.Write(&all, records.SerialForTest))
	}
	records.GoldenForTest(t, "complete.files.golden", all.Bytes())
}

// TestZoneSetFormatsAgree checks that the bind snippet, the complete
// zones, JSON and nsupdate hold the same forward records: the zone set is
// one set of records, whatever the format.
func TestZoneSetFormatsAgree(t *testing.T) {
	zs := zonesOf(t, completePlan(t), records.ZoneOptions{})
	var want []string
	for _, fz := range append([]records.ForwardZone{zs.Domain}, zs.Outside...) {
		for _, rr := range fz.RRs {
			want = append(want, fmt.Sprintf("%s %d %s %s", rr.Name, rr.TTL, rr.Type, rr.Data))
		}
	}
	norm := func(rr dns.RR) string {
		h := rr.Header()
		data := strings.TrimPrefix(rr.String(), h.String())
		return fmt.Sprintf("%s %d %s %s", h.Name, h.Ttl, dns.TypeToString[h.Rrtype], data)
	}
	// The snippet, parsed by miekg/dns.
	var snippet []string
	for _, rr := range records.ParseZoneForTest(t, ".", []byte(write(t, zs, "bind", records.Forward))) {
		snippet = append(snippet, norm(rr))
	}
	assert.Equal(t, want, snippet, "bind snippet")
	// The complete zones, less SOA and NS.
	var complete []string
	for _, rr := range records.ParseZoneForTest(t, ".", []byte(write(t, zs, "complete", records.Forward))) {
		if t := rr.Header().Rrtype; t != dns.TypeSOA && t != dns.TypeNS {
			complete = append(complete, norm(rr))
		}
	}
	assert.Equal(t, want, complete, "complete zones")
	// JSON.
	var doc struct {
		Forward []struct {
			Name, Type, Data string
			TTL              uint32
		}
		Outside []struct {
			Records []struct {
				Name, Type, Data string
				TTL              uint32
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(write(t, zs, "json", records.Forward)), &doc))
	var fromJSON []string
	for _, rr := range doc.Forward {
		fromJSON = append(fromJSON, fmt.Sprintf("%s %d %s %s", rr.Name, rr.TTL, rr.Type, rr.Data))
	}
	for _, z := range doc.Outside {
		for _, rr := range z.Records {
			fromJSON = append(fromJSON, fmt.Sprintf("%s %d %s %s", rr.Name, rr.TTL, rr.Type, rr.Data))
		}
	}
	assert.Equal(t, want, fromJSON, "json")
	// nsupdate: every add line.
	var adds []string
	for _, line := range strings.Split(write(t, zs, "nsupdate", records.Forward), "\n") {
		if rest, ok := strings.CutPrefix(line, "update add "); ok {
			f := strings.SplitN(rest, " ", 4)
			adds = append(adds, fmt.Sprintf("%s %s %s %s", f[0], f[1], f[2], f[3]))
		}
	}
	assert.Equal(t, want, adds, "nsupdate")
}

// TestPublishesFCrDNS: a host's FCrDNS is the plan's to promise only when
// its name lies in the domain and its address in the prefix.
func TestPublishesFCrDNS(t *testing.T) {
	a := completePlan(t)
	got := map[string]bool{}
	for _, h := range records.HostsOf(a) {
		got[h.Name] = records.PublishesFCrDNS(a.Plan, h)
	}
	assert.Equal(t, map[string]bool{
		"mx2.example.com.": true, "mta1.example.com.": true, "mx1.example.com.": true, "mx0.example.com.": true,
		"mta2.example.com.": true, "ns1.example.com.": true, "ns2.example.com.": true,
		"gw.other.example.org.": false, "a.gw.other.example.org.": false, "relay.partner.example.net.": false,
	}, got)
	h := records.HostsOf(a)[0]
	h.Addr = netip.MustParseAddr("2001:db8:d7::25")
	assert.False(t, records.PublishesFCrDNS(a.Plan, h), "outside the prefix")
	h.Addr = netip.Addr{}
	assert.False(t, records.PublishesFCrDNS(a.Plan, h), "no address")
	noDomain := *a.Plan
	noDomain.Domain = ""
	assert.False(t, records.PublishesFCrDNS(&noDomain, records.HostsOf(a)[0]))
}

// checkzoneOutput runs named-checkzone in dir and returns its output and
// whether it loaded the zone with nothing to report: any line but the
// load and OK is a finding (out-of-zone data, an MX without address).
func checkzoneOutput(t *testing.T, named, dir, origin, file string) (string, bool) {
	t.Helper()
	cmd := exec.Command(named, "-i", "local", "-k", "fail", origin, file)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	clean := err == nil
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "OK" && !(strings.HasPrefix(line, "zone "+strings.TrimSuffix(origin, ".")+"/IN: loaded serial ")) {
			clean = false
		}
	}
	return string(out), clean
}

// TestZoneFilesNamedCheckzone writes the zone files of the set with their
// hand-maintained files beside them and loads each with named-checkzone,
// after showing that named-checkzone reports what the files must never
// hold: out-of-zone data, an MX without an address, a missing $INCLUDE.
func TestZoneFilesNamedCheckzone(t *testing.T) {
	named := tooltest.Look(t, "named-checkzone", "bind9-utils")
	dir := t.TempDir()
	head := "$ORIGIN example.com.\n$TTL 3600\n@ SOA ns1.example.com. hostmaster.example.com. 1 2 3 4 5\n@ NS ns1.example.com.\nns1 AAAA 2001:db8::1\n"
	for _, broken := range []struct{ name, text, says string }{
		{"out-of-zone", head + "gw.other.example.org. AAAA 2001:db8::2\n", "ignoring out-of-zone data"},
		{"mx-without-address", head + "@ MX 10 nowhere.example.com.\n", "has no address records"},
		{"include-missing", head + "$INCLUDE missing.local example.com.\n", "file not found"},
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, broken.name), []byte(broken.text), 0o644))
		out, clean := checkzoneOutput(t, named, dir, "example.com.", broken.name)
		assert.False(t, clean, "named-checkzone accepts the broken zone %s:\n%s", broken.name, out)
		assert.Contains(t, out, broken.says, broken.name)
	}
	out, clean := checkzoneOutput(t, named, dir, "example.com.", "ok")
	require.False(t, clean, "a missing file is an error: %s", out)

	zs := zonesOf(t, completePlan(t), records.ZoneOptions{SplitAt: 64})
	files, err := zs.Files(records.Both)
	require.NoError(t, err)
	for _, f := range files {
		var b bytes.Buffer
		require.NoError(t, f.Write(&b, records.SerialForTest))
		require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name), b.Bytes(), 0o644))
		local := records.LocalFileText(f.Origin)
		if f.Origin == "example.com." {
			local += "www\tIN\tCNAME\tmx1\n_dmarc\tIN\tTXT\t\"v=DMARC1; p=none\"\n" // kept by hand, relative to the origin
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, f.Local), []byte(local), 0o644))
		out, clean := checkzoneOutput(t, named, dir, f.Origin, f.Name)
		assert.True(t, clean, "named-checkzone %s:\n%s\n%s", f.Name, out, b.String())
		// The $INCLUDE is relative: from another directory it is not found.
		out, clean = checkzoneOutput(t, named, t.TempDir(), f.Origin, filepath.Join(dir, f.Name))
		assert.False(t, clean, "a relative $INCLUDE resolves against the current directory: %s", out)
	}
	assert.Len(t, files, 3+len(zs.Reverse))
}

// TestZoneFilesNamedDirectory shows where named itself looks for the
// $INCLUDEd file: relative to its directory option, not to the zone
// file. named-checkconf -z loads the zones as named would.
func TestZoneFilesNamedDirectory(t *testing.T) {
	checkconf := tooltest.Look(t, "named-checkconf", "bind9-utils")
	zs := zonesOf(t, completePlan(t), records.ZoneOptions{})
	files, err := zs.Files(records.Forward)
	require.NoError(t, err)
	f := files[0]
	require.Equal(t, "example.com.", f.Origin)
	zonesDir := t.TempDir()
	var b bytes.Buffer
	require.NoError(t, f.Write(&b, records.SerialForTest))
	require.NoError(t, os.WriteFile(filepath.Join(zonesDir, f.Name), b.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(zonesDir, f.Local), []byte(records.LocalFileText(f.Origin)), 0o644))
	load := func(directory, file string) (string, error) {
		conf := filepath.Join(t.TempDir(), "named.conf")
		text := fmt.Sprintf("options { directory %q; };\nzone \"example.com\" { type primary; file %q; };\n", directory, file)
		require.NoError(t, os.WriteFile(conf, []byte(text), 0o644))
		cmd := exec.Command(checkconf, "-z", conf)
		cmd.Dir = t.TempDir() // the current directory plays no part
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := load(t.TempDir(), filepath.Join(zonesDir, f.Name))
	assert.Error(t, err, "named finds the .local file without the zone files in its directory:\n%s", out)
	assert.Contains(t, out, "file not found")
	out, err = load(zonesDir, f.Name)
	assert.NoError(t, err, "%s", out)

	// IncludeDir names the directory for named wherever it runs.
	zs = zonesOf(t, completePlan(t), records.ZoneOptions{IncludeDir: zonesDir})
	files, err = zs.Files(records.Forward)
	require.NoError(t, err)
	b.Reset()
	require.NoError(t, files[0].Write(&b, records.SerialForTest))
	require.NoError(t, os.WriteFile(filepath.Join(zonesDir, f.Name), b.Bytes(), 0o644))
	out, err = load(t.TempDir(), filepath.Join(zonesDir, f.Name))
	assert.NoError(t, err, "%s", out)
}

// TestZoneSetTinydns compiles the set's tinydns data with tinydns-data and
// asks tinydns-get for the SOA, NS, MX, TXT and AAAA records of the
// domain and a HELO name, after showing that tinydns-data refuses a
// malformed line.
func TestZoneSetTinydns(t *testing.T) {
	data := tooltest.Look(t, "tinydns-data", "tinydns")
	get := tooltest.Look(t, "tinydns-get", "tinydns")
	compile := func(text string) (string, string, error) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "data"), []byte(text), 0o644))
		cmd := exec.Command(data)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return dir, string(out), err
	}
	_, out, err := compile("Zexample.com:ns1.example.com:hostmaster.example.com:1:2:3:4:5:3600\n!bad\n")
	require.Error(t, err, "tinydns-data accepts a malformed line")
	assert.Contains(t, out, "unable to parse data line 2")

	a := completePlan(t)
	want, err := spf.TXTRecords(a)
	require.NoError(t, err)
	// Debian's tinydns-data is stock djbdns 1.05, which reads the generic
	// lines but not the 6 and 3 lines of the IPv6 patch.
	for _, generic := range []bool{true} {
		zs := zonesOf(t, a, records.ZoneOptions{})
		var b bytes.Buffer
		require.NoError(t, zs.WriteTinydns(&b, records.TinydnsOptions{Generic: generic}))
		dir, out, err := compile(b.String())
		require.NoError(t, err, "tinydns-data: %s\n%s", out, b.String())
		ask := func(typ, name string) []string {
			cmd := exec.Command(get, typ, name)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			var answers []string
			for _, line := range strings.Split(string(out), "\n") {
				if a, ok := strings.CutPrefix(line, "answer: "); ok {
					answers = append(answers, a)
				}
			}
			return answers
		}
		assert.Equal(t, []string{"example.com 3600 SOA ns1.example.com hostmaster.example.com 2026112801 7200 3600 1209600 3600"}, ask("SOA", "example.com"))
		assert.ElementsMatch(t, []string{"example.com 3600 NS ns1.example.com", "example.com 3600 NS ns2.example.com"}, ask("NS", "example.com"))
		assert.ElementsMatch(t, []string{
			"example.com 3600 MX 5 mx0.example.com", "example.com 3600 MX 10 mta1.example.com", "example.com 3600 MX 10 mx1.example.com",
			"example.com 3600 MX 20 mx2.example.com", "example.com 3600 MX 30 relay.partner.example.net",
		}, ask("MX", "example.com"))
		assert.Equal(t, []string{"gw.other.example.org 3600 SOA ns1.example.com hostmaster.example.com 2026112801 7200 3600 1209600 3600"}, ask("SOA", "gw.other.example.org"))
		if !generic {
			assert.Equal(t, []string{"gw.other.example.org 3600 AAAA 2001:db8:d6:25::99"}, ask("AAAA", "gw.other.example.org"))
		}
		for _, rr := range want {
			answers := ask("TXT", strings.TrimSuffix(rr.Name, "."))
			require.Len(t, answers, 1, rr.Name)
			prefix := strings.TrimSuffix(rr.Name, ".") + " 3600 16 "
			require.True(t, strings.HasPrefix(answers[0], prefix), answers[0])
			assert.Equal(t, unquote(t, rr.Data), txtText(t, answers[0][len(prefix):]), rr.Name)
		}
	}
}

// txtText decodes tinydns-get's TXT rdata (octal escapes, each string
// after its length octet) into the joined text.
func txtText(t *testing.T, s string) string {
	var raw []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			raw = append(raw, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 3
			continue
		}
		raw = append(raw, s[i])
	}
	var text []byte
	for len(raw) > 0 {
		n := int(raw[0])
		require.LessOrEqual(t, n+1, len(raw))
		text = append(text, raw[1:n+1]...)
		raw = raw[n+1:]
	}
	return string(text)
}

// unquote joins the strings of zone-file TXT data, through miekg/dns.
func unquote(t *testing.T, data string) string {
	rr, err := dns.NewRR("x. 1 IN TXT " + data)
	require.NoError(t, err)
	return strings.Join(rr.(*dns.TXT).Txt, "")
}

// TestZoneFileUntouched: a zone file as written is untouched; any edit,
// even a comment, or text after the digest, makes it touched.
func TestZoneFileUntouched(t *testing.T) {
	zs := zonesOf(t, completePlan(t), records.ZoneOptions{})
	files, err := zs.Files(records.Both)
	require.NoError(t, err)
	for _, f := range files {
		var b bytes.Buffer
		require.NoError(t, f.Write(&b, records.SerialForTest))
		file := b.Bytes()
		assert.True(t, records.Untouched(file), f.Name)
		for _, edit := range []func([]byte) []byte{
			func(b []byte) []byte { return append(slices.Clone(b), "www IN AAAA 2001:db8::1\n"...) },
			func(b []byte) []byte { return bytes.Replace(b, []byte("written"), []byte("Written"), 1) },
			func(b []byte) []byte {
				return bytes.Replace(b, []byte("\n$TTL"), []byte("\nwww IN A 192.0.2.1\n$TTL"), 1)
			},
			func(b []byte) []byte { return b[:len(b)-1] },
			func(b []byte) []byte { return b[1:] },
		} {
			assert.False(t, records.Untouched(edit(file)), f.Name)
		}
	}
	assert.False(t, records.Untouched(nil))
	var old bytes.Buffer // what WriteBind writes has no digest
	require.NoError(t, zs.WriteBind(&old, records.Both, true))
	assert.True(t, records.Ours(old.Bytes()))
	assert.False(t, records.Untouched(old.Bytes()))
}

// TestZonesOfErrors: what the set refuses.
func TestZonesOfErrors(t *testing.T) {
	a := completePlan(t)
	zs, err := records.ZonesOf(a, 1, spf.TXTRecords, records.ZoneOptions{IncludeDir: "/etc/bind zones"})
	require.NoError(t, err)
	_, err = zs.Files(records.Both)
	assert.ErrorContains(t, err, `include directory "/etc/bind zones": character ' ' at offset 9`)
	_, err = records.ZonesOf(a, 1, func(*plan.Allocation) ([]records.RR, error) {
		return []records.RR{{Name: "example.com.", TTL: 1, Type: "TXT", Data: "\"a\"\n\"b\""}}, nil
	}, records.ZoneOptions{})
	assert.ErrorContains(t, err, "is not quoted TXT data on one line")
	_, err = records.ZonesOf(a, 1, func(*plan.Allocation) ([]records.RR, error) { return nil, fmt.Errorf("no SPF") }, records.ZoneOptions{})
	assert.EqualError(t, err, "no SPF")

	noNS := *a.Plan
	noNS.Nameservers = nil
	b := *a
	b.Plan = &noNS
	zs = zonesOf(t, &b, records.ZoneOptions{})
	assert.Error(t, zs.ConfigErr)
	_, err = zs.Files(records.Both)
	assert.ErrorContains(t, err, "the plan names no nameservers; add nameservers: [ns1.example.com.] to write complete zones")
	assert.NoError(t, zs.WriteBind(&bytes.Buffer{}, records.Forward, false), "a snippet needs no SOA")
	assert.Equal(t, zs.ConfigErr, zs.CheckComplete())
	assert.Equal(t, zs.ConfigErr, zs.WriteBind(&bytes.Buffer{}, records.Forward, true))
	assert.Equal(t, zs.ConfigErr, zs.WriteTinydns(&bytes.Buffer{}, records.TinydnsOptions{}))
}

// TestZoneSetLongTXT: a TXT record longer than one string (an SPF record
// of 600 octets under _spf1, as a split chain publishes) is written as
// strings of at most 255 octets that join to the record, in the zone file
// (named-checkzone loads it) and in tinydns data (tinydns-get answers it).
func TestZoneSetLongTXT(t *testing.T) {
	long := "v=spf1 " + strings.Repeat("ip6:2001:db8:d6:25::1 ", 26) + "-all"
	require.Greater(t, len(long), 510)
	txt := func(a *plan.Allocation) ([]records.RR, error) {
		rrs, err := spf.TXTRecords(a)
		return append(rrs, records.RR{Name: "_spf1.example.com.", TTL: 3600, Type: "TXT", Data: records.QuoteTXT(long)}), err
	}
	zs, err := records.ZonesOf(completePlan(t), records.SerialForTest, txt, records.ZoneOptions{OutOfZone: records.LeaveOut})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, zs.WriteBind(&b, records.Forward, true))
	found := false
	for _, rr := range records.ParseZoneForTest(t, "example.com.", b.Bytes()) {
		if rr, ok := rr.(*dns.TXT); ok && rr.Hdr.Name == "_spf1.example.com." {
			found = true
			require.Len(t, rr.Txt, 3)
			for _, s := range rr.Txt {
				assert.LessOrEqual(t, len(s), 255)
			}
			assert.Equal(t, long, strings.Join(rr.Txt, ""))
		}
	}
	require.True(t, found, "no TXT at _spf1.example.com.:\n%s", b.String())
	if named := tooltest.Look(t, "named-checkzone", "bind9-utils"); named != "" {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "z"), b.Bytes(), 0o644))
		out, clean := checkzoneOutput(t, named, dir, "example.com.", "z")
		assert.True(t, clean, "%s", out)
	}
	data := tooltest.Look(t, "tinydns-data", "tinydns")
	get := tooltest.Look(t, "tinydns-get", "tinydns")
	b.Reset()
	require.NoError(t, zs.WriteTinydns(&b, records.TinydnsOptions{Generic: true}))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data"), b.Bytes(), 0o644))
	cmd := exec.Command(data)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	cmd = exec.Command(get, "TXT", "_spf1.example.com")
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, line := range strings.Split(string(out), "\n") {
		if a, ok := strings.CutPrefix(line, "answer: _spf1.example.com 3600 16 "); ok {
			assert.Equal(t, long, txtText(t, a))
			return
		}
	}
	t.Fatalf("no TXT answer:\n%s", out)
}

// TestZoneSetSPFChain: a plan whose SPF record is too long for one answer
// (40 host-scoped senders) has its record split by spf.TXTRecords into
// records under the domain that the top one includes; the zone set puts
// every one into the domain's zone, which named-checkzone loads, each
// name with exactly one v=spf1 record (RFC 7208 §3.2).
func TestZoneSetSPFChain(t *testing.T) {
	data, err := os.ReadFile("testdata/chain.yaml")
	require.NoError(t, err)
	a := plantest.Alloc(t, string(data))
	want, err := spf.TXTRecords(a)
	require.NoError(t, err)
	require.Greater(t, len(want), 40+1, "a top record, the records it includes, and 40 HELO names")
	zs := zonesOf(t, a, records.ZoneOptions{})
	files, err := zs.Files(records.Forward)
	require.NoError(t, err)
	require.Len(t, files, 1)
	var b bytes.Buffer
	require.NoError(t, files[0].Write(&b, records.SerialForTest))
	spfs := map[string]int{}
	for _, rr := range records.ParseZoneForTest(t, "example.com.", bytes.ReplaceAll(b.Bytes(), []byte("$INCLUDE"), []byte(";"))) {
		if txt, ok := rr.(*dns.TXT); ok && strings.HasPrefix(strings.Join(txt.Txt, ""), "v=spf1 ") {
			spfs[txt.Hdr.Name]++
		}
	}
	require.Len(t, spfs, len(want))
	for _, rr := range want {
		assert.Equal(t, 1, spfs[rr.Name], rr.Name)
	}
	if named := tooltest.Look(t, "named-checkzone", "bind9-utils"); named != "" {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, files[0].Name), b.Bytes(), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, files[0].Local), nil, 0o644))
		out, clean := checkzoneOutput(t, named, dir, files[0].Origin, files[0].Name)
		assert.True(t, clean, "%s", out)
	}
}

// TestZoneFileRewrite: a zone file ip6plan wrote keeps its text while its
// records stay the same, and a changed one gets the next serial; a new
// file, or one that is not ip6plan's, gets the date.
func TestZoneFileRewrite(t *testing.T) {
	zs := zonesOf(t, completePlan(t), records.ZoneOptions{})
	fewer := *zs // the domain without its first record
	fewer.Domain.RRs = zs.Domain.RRs[1:]
	file := func(zs *records.ZoneSet) records.ZoneFile {
		files, err := zs.Files(records.Forward)
		require.NoError(t, err)
		require.Equal(t, "example.com.", files[0].Origin)
		return files[0]
	}
	text := func(f records.ZoneFile, serial uint32) []byte {
		var b bytes.Buffer
		require.NoError(t, f.Write(&b, serial))
		return b.Bytes()
	}
	f, changed := file(zs), file(&fewer)
	day := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	nextDay := day.AddDate(0, 0, 1)
	soa := func(serial string) string {
		return "\tIN\tSOA\tns1.example.com. hostmaster.example.com. ( " + serial + " "
	}
	for _, tt := range []struct {
		name   string
		f      records.ZoneFile
		old    []byte
		t      time.Time
		serial uint32
		change records.FileChange
		soa    string // the serial the text has
	}{
		{name: "no file", f: f, t: day, change: records.Written, soa: "2026112800"},
		{name: "the same records a day later", f: f, old: text(f, 2026112800), t: nextDay, change: records.Unchanged, soa: "2026112800"},
		{name: "a record less, the same day", f: changed, old: text(f, 2026112800), t: day, change: records.Updated, soa: "2026112801"},
		{name: "a record less, a day later", f: changed, old: text(f, 2026112805), t: nextDay, change: records.Updated, soa: "2026112900"},
		{name: "a record less, the old serial ahead of the date", f: changed, old: text(f, 2030010100), t: day, change: records.Updated, soa: "2030010101"},
		{name: "a record less, the serial chosen", f: changed, old: text(f, 2030010100), t: day, serial: 5, change: records.Updated, soa: "5"},
		{name: "the same records, a serial chosen", f: f, old: text(f, 2026112800), t: day, serial: 5, change: records.Unchanged, soa: "2026112800"},
		{name: "a file ip6plan did not write", f: f, old: []byte("$ORIGIN example.com.\n@ 3600 IN SOA ns1 hostmaster 1 2 3 4 5\n"), t: day, change: records.Replaced, soa: "2026112800"},
		{name: "ip6plan's, its SOA edited beyond reading", f: f, old: bytes.Replace(text(f, 2026112800), []byte("( 2026112800"), []byte("(2026112800"), 1), t: day, change: records.Replaced, soa: "2026112800"},
		{name: "an empty file", f: f, old: []byte{}, t: day, change: records.Replaced, soa: "2026112800"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, change, err := tt.f.Rewrite(tt.old, tt.t, tt.serial)
			require.NoError(t, err)
			assert.Equal(t, tt.change, change)
			assert.Contains(t, string(got), soa(tt.soa))
			assert.True(t, records.Ours(got) && records.Untouched(got))
			if change == records.Unchanged {
				assert.Equal(t, tt.old, got)
			}
		})
	}
	assert.Equal(t, "written unchanged updated replaced", fmt.Sprint(records.Written, records.Unchanged, records.Updated, records.Replaced))
	assert.False(t, records.Ours([]byte("$ORIGIN example.com.\n")))
}

// TestCheckComplete: the forward zones can be complete when the plan has
// nameservers and a contact and every nameserver inside a zone has an
// address there; otherwise they are a snippet, and WriteBind refuses to
// write them complete with the same error.
func TestCheckComplete(t *testing.T) {
	zs := zonesOf(t, completePlan(t), records.ZoneOptions{})
	require.NoError(t, zs.CheckComplete())
	noGlue := *zs // without the AAAA of ns1.example.com.
	noGlue.Domain.RRs = slices.DeleteFunc(slices.Clone(zs.Domain.RRs), func(rr records.RR) bool { return rr.Name == "ns1.example.com." })
	noContact := *zs
	noContact.ConfigErr = errors.New("the plan names no contact")
	for _, bad := range []*records.ZoneSet{&noGlue, &noContact} {
		err := bad.CheckComplete()
		require.Error(t, err)
		assert.Equal(t, err, bad.WriteBind(&bytes.Buffer{}, records.Forward, true))
		assert.NoError(t, bad.WriteBind(&bytes.Buffer{}, records.Forward, false))
	}
	assert.EqualError(t, noGlue.CheckComplete(), "nameserver ns1.example.com. is inside example.com. but the plan gives it no address; add it as a host")
}
