package spf

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// rfc7208Suite is the openspf.org test suite for RFC 7208, as Debian's
// python3-spf ships it.
const rfc7208Suite = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz"

// missingTool skips the test with msg, or fails it under
// IP6PLAN_REQUIRE_TOOLS=1 (as tooltest.Look does for programs).
func missingTool(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("IP6PLAN_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg + " (IP6PLAN_REQUIRE_TOOLS=1 makes this a failure)")
	}
	t.Skip(msg)
}

// suiteSkips are the cases that cannot pass, and why.
var suiteSkips = map[string]string{}

// suiteCaseFold are the cases whose explanation we compare without regard
// to case, and why.
var suiteCaseFold = map[string]string{
	"v-macro-ip6": "RFC 7208 §7.4 writes the nibbles of %{i} in lower case; the suite expects pyspf's upper case",
}

type suiteDoc struct {
	Description string               `yaml:"description"`
	Tests       map[string]suiteCase `yaml:"tests"`
	Zonedata    map[string][]any     `yaml:"zonedata"`
}

type suiteCase struct {
	Description string  `yaml:"description"`
	Spec        any     `yaml:"spec"`
	Helo        string  `yaml:"helo"`
	Host        string  `yaml:"host"`
	Mailfrom    string  `yaml:"mailfrom"`
	Result      any     `yaml:"result"`      // a result or a list of acceptable ones
	Explanation *string `yaml:"explanation"` // nil when the case checks none
}

func (c suiteCase) results() []Result {
	switch r := c.Result.(type) {
	case string:
		return []Result{Result(r)}
	case []any:
		var out []Result
		for _, x := range r {
			out = append(out, Result(fmt.Sprint(x)))
		}
		return out
	}
	return nil
}

func readSuite(t *testing.T, path string) []suiteDoc {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		missingTool(t, path+" is missing; install it with: apt-get install -y python3-spf")
	}
	require.NoError(t, err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err)
	dec := yaml.NewDecoder(z)
	var docs []suiteDoc
	for {
		var d suiteDoc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		docs = append(docs, d)
	}
	return docs
}

// TestRFC7208Suite runs every case of the RFC 7208 test suite against
// CheckHost, with the zone data served by a map. As the suite's drivers
// do, a name's SPF (type 99) records stand in for TXT records when the
// name has no TXT entry at all; RFC 7208 itself ignores type 99.
func TestRFC7208Suite(t *testing.T) {
	docs := readSuite(t, rfc7208Suite)
	total, passed, skipped := 0, 0, 0
	for _, d := range docs {
		zone := suiteZone(t, d.Zonedata)
		t.Run(d.Description, func(t *testing.T) {
			for _, name := range slices.Sorted(maps.Keys(d.Tests)) {
				c := d.Tests[name]
				total++
				why, skip := suiteSkips[name]
				ok := t.Run(name, func(t *testing.T) {
					if skip {
						t.Skip(why)
					}
					runSuiteCase(t, zone, name, c)
				})
				switch {
				case skip:
					skipped++
				case ok:
					passed++
				}
			}
		})
	}
	t.Logf("RFC 7208 suite: %d of %d cases pass, %d skipped", passed, total, skipped)
	assert.Equal(t, total, passed+skipped)
	assert.Greater(t, total, 100, "the suite should hold over a hundred cases")
}

func runSuiteCase(t *testing.T, zone zoneResolver, name string, c suiteCase) {
	ip, err := netip.ParseAddr(c.Host)
	require.NoError(t, err)
	domain := c.Helo
	if c.Mailfrom != "" {
		domain = c.Mailfrom[strings.LastIndexByte(c.Mailfrom, '@')+1:]
	}
	checker := &Checker{Resolver: zone}
	res, text, err := checker.CheckHost(context.Background(), ip, domain, c.Mailfrom, c.Helo)
	want := c.results()
	require.NotEmpty(t, want)
	assert.Contains(t, want, res, "%s: %s", text, c.Description)
	assert.Equal(t, res == Temperror || res == Permerror, err != nil, "error %v with result %s", err, res)
	if res != want[0] {
		t.Logf("%s: result %s is acceptable, %s preferred", name, res, want[0])
	}
	if c.Explanation != nil && res == Fail {
		exp := *c.Explanation
		if exp == "DEFAULT" {
			local, dom := senderParts(c.Mailfrom, domain)
			exp = defaultExplanation(local+"@"+dom, ip.Unmap())
		}
		if why, fold := suiteCaseFold[name]; fold {
			t.Log(why)
			assert.True(t, strings.EqualFold(exp, text), "explanation %q, want %q", text, exp)
			return
		}
		assert.Equal(t, exp, text)
	}
}

// A zoneResolver answers from zone data: names (lower case, no trailing
// dot) to records in order, as the suite lists them.
type zoneResolver map[string][]zoneRR

type zoneRR struct {
	typ  string // TXT, A, AAAA, MX, PTR, CNAME or TIMEOUT
	txt  string
	addr netip.Addr
	mx   MXHost
	name string // PTR and CNAME
}

var errTimeout = errors.New("DNS timeout")

// suiteZone converts the zonedata of a suite document. A TXT entry of
// NONE means no TXT records, but the name has TXT in its zone data, so its
// SPF records are not copied to TXT.
func suiteZone(t *testing.T, data map[string][]any) zoneResolver {
	z := zoneResolver{}
	for name, entries := range data {
		key := strings.ToLower(strings.TrimSuffix(name, "."))
		var rrs, fromSPF []zoneRR
		hasTXT := false
		for _, e := range entries {
			if s, ok := e.(string); ok {
				require.Equal(t, "TIMEOUT", s)
				rrs = append(rrs, zoneRR{typ: "TIMEOUT"})
				continue
			}
			m, ok := e.(map[string]any)
			require.True(t, ok, "%s: entry %v", name, e)
			for typ, v := range m {
				switch typ {
				case "TXT", "SPF":
					var txt string
					switch v := v.(type) {
					case string:
						txt = v
					case []any:
						for _, s := range v {
							txt += fmt.Sprint(s)
						}
					}
					if typ == "SPF" {
						fromSPF = append(fromSPF, zoneRR{typ: "TXT", txt: txt})
						continue
					}
					hasTXT = true
					if txt != "NONE" {
						rrs = append(rrs, zoneRR{typ: "TXT", txt: txt})
					}
				case "A", "AAAA":
					a, err := netip.ParseAddr(fmt.Sprint(v))
					require.NoError(t, err)
					rrs = append(rrs, zoneRR{typ: typ, addr: a})
				case "MX":
					l := v.([]any)
					pref, err := strconv.Atoi(fmt.Sprint(l[0]))
					require.NoError(t, err)
					rrs = append(rrs, zoneRR{typ: "MX", mx: MXHost{Host: fmt.Sprint(l[1]), Pref: uint16(pref)}})
				case "PTR", "CNAME":
					rrs = append(rrs, zoneRR{typ: typ, name: fmt.Sprint(v)})
				default:
					t.Fatalf("%s: record type %s", name, typ)
				}
			}
		}
		if !hasTXT {
			rrs = append(rrs, fromSPF...)
		}
		z[key] = append(z[key], rrs...)
	}
	return z
}

// lookup returns the records of a type at name, following CNAMEs. A
// TIMEOUT entry before any record of the type is a temporary error.
func (z zoneResolver) lookup(name, typ string) ([]zoneRR, error) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	for range 10 {
		var out []zoneRR
		cname := ""
		rrs, ok := z[name]
		if !ok {
			return nil, fmt.Errorf("%s %s: %w", name, typ, ErrNoRecords)
		}
	records:
		for _, rr := range rrs {
			switch rr.typ {
			case "TIMEOUT":
				if len(out) == 0 {
					return nil, fmt.Errorf("%s %s: %w", name, typ, errTimeout)
				}
				break records
			case typ:
				out = append(out, rr)
			case "CNAME":
				cname = rr.name
			}
		}
		if len(out) > 0 {
			return out, nil
		}
		if cname == "" {
			return nil, fmt.Errorf("%s %s: %w", name, typ, ErrNoRecords)
		}
		name = strings.ToLower(strings.TrimSuffix(cname, "."))
	}
	return nil, fmt.Errorf("%s %s: CNAME chain too long", name, typ)
}

func (z zoneResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	rrs, err := z.lookup(name, "TXT")
	var out []string
	for _, rr := range rrs {
		out = append(out, rr.txt)
	}
	return out, err
}

func (z zoneResolver) addrs(name, typ string) ([]netip.Addr, error) {
	rrs, err := z.lookup(name, typ)
	var out []netip.Addr
	for _, rr := range rrs {
		out = append(out, rr.addr)
	}
	return out, err
}

func (z zoneResolver) LookupA(_ context.Context, name string) ([]netip.Addr, error) {
	return z.addrs(name, "A")
}

func (z zoneResolver) LookupAAAA(_ context.Context, name string) ([]netip.Addr, error) {
	return z.addrs(name, "AAAA")
}

func (z zoneResolver) LookupMX(_ context.Context, name string) ([]MXHost, error) {
	rrs, err := z.lookup(name, "MX")
	var out []MXHost
	for _, rr := range rrs {
		out = append(out, rr.mx)
	}
	return out, err
}

func (z zoneResolver) LookupPTR(_ context.Context, addr netip.Addr) ([]string, error) {
	rrs, err := z.lookup(reverseName(addr), "PTR")
	var out []string
	for _, rr := range rrs {
		out = append(out, rr.name)
	}
	return out, err
}
