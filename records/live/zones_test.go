package live_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/live/namedtest"
	"github.com/ip6plan/ip6plan/records/spf"
)

var (
	lo1 = netip.AddrFrom4([4]byte{127, 0, 0, 1}) // the authoritative server
	lo2 = netip.AddrFrom4([4]byte{127, 0, 0, 2}) // a silent server
)

// servers starts an authoritative server for zones, on 127.0.0.1, a
// silent server on 127.0.0.2 at the same port, and a recursive resolver
// whose root is the authoritative server, at resolverPort (0 for any).
// It returns the authoritative server and the resolver. When
// resolverPort is 53 and taken, it skips the test.
func servers(t testing.TB, zones []namedtest.Zone, resolverPort uint16) (auth, res *namedtest.Server) {
	t.Helper()
	for try := 0; ; try++ {
		port := namedtest.FreePort(t, lo1, lo2)
		var err error
		auth, err = namedtest.TryStart(t, namedtest.Config{Port: port, Zones: zones})
		if err == nil {
			namedtest.Silent(t, netip.AddrPortFrom(lo2, port))
			break
		}
		if !errors.Is(err, namedtest.ErrAddrInUse) || try == 3 {
			t.Fatal(err)
		}
	}
	cfg := namedtest.Config{Port: resolverPort, Root: auth.AddrPort}
	if resolverPort == 0 {
		return auth, namedtest.Start(t, cfg)
	}
	res, err := namedtest.TryStart(t, cfg)
	if errors.Is(err, namedtest.ErrAddrInUse) {
		t.Skipf("the resolver cannot listen on port %d: %v", resolverPort, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return auth, res
}

const soa = "$TTL 3600\n@\tSOA\tns.root. hostmaster.root. 1 3600 600 86400 300\n"

// A deployment is what a sender publishes for a plan, as ip6plan writes
// it, in a form tests can break: the forward records, the extra lines of
// the forward zone (SPF TXT, MX, nameserver addresses), and the hosts
// whose PTRs the reverse zones hold.
type deployment struct {
	a       *plan.Allocation
	cfg     records.ZoneConfig
	forward []records.RR
	txt     []records.RR
	extra   []string // more zone file lines for the forward zone
	reverse []records.Host
	zones   []records.ReverseZone
	served  bool // the reverse zones are served and delegated
}

func deploy(t testing.TB, a *plan.Allocation) *deployment {
	t.Helper()
	cfg, err := records.ConfigFor(a.Plan, 2026010100)
	if err != nil {
		t.Fatal(err)
	}
	hosts := records.HostsOf(a)
	txt, err := spf.TXTRecords(a)
	if err != nil {
		t.Fatal(err)
	}
	zones, err := records.ReverseZonesOf(a, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := &deployment{a: a, cfg: cfg, forward: records.ForwardRecords(hosts, cfg.TTL), txt: txt,
		reverse: slices.Clone(hosts), zones: zones, served: true}
	// The MX a sender publishes for its own domain, and IPv4 addresses
	// for the nameservers, which the resolver (named -4) needs.
	d.extra = append(d.extra, "example.com.\t3600\tIN\tMX\t10 mta1.example.com.")
	for _, ns := range cfg.Nameservers {
		d.extra = append(d.extra, ns+"\t3600\tIN\tA\t127.0.0.1")
	}
	return d
}

// ptr makes the PTR of the host named name point to target instead; an
// empty target removes it.
func (d *deployment) ptr(name, target string) {
	i := slices.IndexFunc(d.reverse, func(h records.Host) bool { return h.Name == name })
	if target == "" {
		d.reverse = slices.Delete(d.reverse, i, i+1)
	} else {
		d.reverse[i].Name = target
	}
}

// aaaa changes the AAAA record of name.
func (d *deployment) aaaa(name, addr string) {
	for i, rr := range d.forward {
		if rr.Name == name && rr.Type == "AAAA" {
			d.forward[i].Data = addr
		}
	}
}

// zoneFiles writes the zones: a root zone delegating to the others, the
// forward zone and the reverse zones.
func (d *deployment) zoneFiles(t testing.TB) []namedtest.Zone {
	t.Helper()
	domain := d.a.Plan.Domain + "."
	var root, fwd bytes.Buffer
	root.WriteString(soa + "@\tNS\tns.root.\nns.root.\tA\t127.0.0.1\n")
	for _, ns := range d.cfg.Nameservers {
		fmt.Fprintf(&root, "%s\tNS\t%s\n%s\tA\t127.0.0.1\n", domain, ns, ns)
	}
	zone := &records.ZoneSet{Config: d.cfg, Domain: records.ForwardZone{Origin: domain, RRs: d.forward}}
	if err := zone.WriteBind(&fwd, records.Forward, true); err != nil {
		t.Fatal(err)
	}
	for _, rr := range d.txt {
		fmt.Fprintf(&fwd, "%s\t%d\tIN\tTXT\t%s\n", rr.Name, rr.TTL, rr.Data)
	}
	fwd.WriteString(strings.Join(d.extra, "\n") + "\n")
	zones := []namedtest.Zone{{Origin: ".", Text: root.String()}, {Origin: domain, Text: fwd.String()}}
	if !d.served {
		return zones
	}
	slices.SortFunc(d.reverse, func(a, b records.Host) int { return a.Addr.Compare(b.Addr) })
	for _, z := range d.zones {
		for _, ns := range d.cfg.Nameservers {
			fmt.Fprintf(&root, "%s\tNS\t%s\n", z.Name(), ns)
		}
		var b bytes.Buffer
		zone := &records.ZoneSet{Config: d.cfg, Reverse: []records.ReverseZone{z}, Hosts: d.reverse} // d.zones, cut without a split, delegate nothing
		if err := zone.WriteBind(&b, records.Reverse, true); err != nil {
			t.Fatal(err)
		}
		zones = append(zones, namedtest.Zone{Origin: z.Name(), Text: b.String()})
	}
	zones[0].Text = root.String()
	return zones
}

// A surveyCase is a kind of domain the survey zone holds, with the row
// Survey must give for it.
type surveyCase struct {
	kind  string
	count int
	// records returns the zone lines of domain i of the kind (names
	// relative to the zone "test."), and the row Survey must give.
	records func(i int, d string) ([]string, live.Row)
}

func v6(kind, i, host int) netip.Addr {
	return netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(kind), 0, byte(i >> 8), byte(i), 0, 0, 0, 0, 0, 0, 0, byte(host + 1)})
}

// ex is an exchanger with an AAAA record when addr is valid.
func ex(host string, pref uint16, addr netip.Addr) live.Exchanger {
	e := live.Exchanger{Host: host, Pref: pref, Status: live.NoData}
	if addr.IsValid() {
		e.Status, e.AAAA = live.OK, []netip.Addr{addr}
	}
	return e
}

// surveyCases covers what the survey meets in the wild: MX hosts with and
// without AAAA, several MX, MX to a CNAME, no MX (the domain is its own
// exchanger, RFC 5321 §5.1), a null MX (RFC 7505), dangling MX, answers
// too big for UDP, NXDOMAIN, lame delegations (SERVFAIL) and delegations
// to a server that never answers (timeout).
var surveyCases = []surveyCase{
	{"v6", 3000, func(i int, d string) ([]string, live.Row) {
		a := v6(1, i, 0)
		return []string{d + " MX 10 mx." + d, "mx." + d + " A 192.0.2.1", "mx." + d + " AAAA " + a.String()},
			live.Row{IPv6: true, MX: []live.Exchanger{ex("mx."+d+".test.", 10, a)}}
	}},
	{"v4", 3000, func(i int, d string) ([]string, live.Row) {
		return []string{d + " MX 10 mx." + d, "mx." + d + " A 192.0.2.1"},
			live.Row{MX: []live.Exchanger{ex("mx."+d+".test.", 10, netip.Addr{})}}
	}},
	{"multi", 800, func(i int, d string) ([]string, live.Row) {
		a := v6(3, i, 2)
		return []string{d + " MX 30 c." + d, d + " MX 10 a." + d, d + " MX 20 b." + d,
				"a." + d + " A 192.0.2.1", "b." + d + " A 192.0.2.2", "c." + d + " AAAA " + a.String()},
			live.Row{IPv6: true, MX: []live.Exchanger{ex("a."+d+".test.", 10, netip.Addr{}), ex("b."+d+".test.", 20, netip.Addr{}), ex("c."+d+".test.", 30, a)}}
	}},
	{"multi4", 500, func(i int, d string) ([]string, live.Row) {
		return []string{d + " MX 10 a." + d, d + " MX 10 b." + d, "a." + d + " A 192.0.2.1", "b." + d + " A 192.0.2.2"},
			live.Row{MX: []live.Exchanger{ex("a."+d+".test.", 10, netip.Addr{}), ex("b."+d+".test.", 10, netip.Addr{})}}
	}},
	{"shared", 500, func(i int, d string) ([]string, live.Row) {
		return []string{d + " MX 10 mx1.provider6", d + " MX 20 mx2.provider6"},
			live.Row{IPv6: true, MX: []live.Exchanger{ex("mx1.provider6.test.", 10, v6(5, 0, 0)), ex("mx2.provider6.test.", 20, v6(5, 0, 1))}}
	}},
	{"shared4", 500, func(i int, d string) ([]string, live.Row) {
		return []string{d + " MX 10 mx.provider4"}, live.Row{MX: []live.Exchanger{ex("mx.provider4.test.", 10, netip.Addr{})}}
	}},
	{"cname", 300, func(i int, d string) ([]string, live.Row) {
		a := v6(7, i, 0)
		return []string{d + " MX 10 alias." + d, "alias." + d + " CNAME host." + d, "host." + d + " AAAA " + a.String()},
			live.Row{IPv6: true, MX: []live.Exchanger{ex("alias."+d+".test.", 10, a)}}
	}},
	{"cname4", 200, func(i int, d string) ([]string, live.Row) {
		return []string{d + " MX 10 alias." + d, "alias." + d + " CNAME host." + d, "host." + d + " A 192.0.2.1"},
			live.Row{MX: []live.Exchanger{ex("alias."+d+".test.", 10, netip.Addr{})}}
	}},
	{"implicit", 300, func(i int, d string) ([]string, live.Row) {
		a := v6(9, i, 0)
		return []string{d + " AAAA " + a.String(), d + " TXT \"v=spf1 -all\""},
			live.Row{IPv6: true, Implicit: true, MX: []live.Exchanger{ex(d+".test.", 0, a)}}
	}},
	{"implicit4", 200, func(i int, d string) ([]string, live.Row) {
		return []string{d + " A 192.0.2.1"}, live.Row{Implicit: true, MX: []live.Exchanger{ex(d+".test.", 0, netip.Addr{})}}
	}},
	{"nxdomain", 400, func(i int, d string) ([]string, live.Row) {
		return nil, live.Row{Status: live.NXDomain, Error: "MX " + d + ".test.: NXDOMAIN"}
	}},
	{"nullmx", 100, func(i int, d string) ([]string, live.Row) {
		return []string{d + " MX 0 ."}, live.Row{NullMX: true, MX: []live.Exchanger{ex(".", 0, netip.Addr{})}}
	}},
	{"dangling", 100, func(i int, d string) ([]string, live.Row) {
		e := ex("gone."+d+".test.", 10, netip.Addr{})
		e.Status = live.NXDomain
		return []string{d + " MX 10 gone." + d}, live.Row{MX: []live.Exchanger{e}}
	}},
	{"big", 20, func(i int, d string) ([]string, live.Row) {
		// 40 exchangers with long names: more than 1232 octets, so the
		// UDP answer is truncated and the client asks again over TCP.
		var lines []string
		var row live.Row
		for h := range 40 {
			host := fmt.Sprintf("exchanger-with-a-long-name-for-a-big-answer-%02d.%s", h, d)
			lines = append(lines, fmt.Sprintf("%s MX %d %s", d, 10*(h+1), host))
			a := netip.Addr{}
			if h == 39 {
				a = v6(14, i, h)
				lines = append(lines, host+" AAAA "+a.String())
				row.IPv6 = true
			} else {
				lines = append(lines, host+" A 192.0.2.1")
			}
			row.MX = append(row.MX, ex(host+".test.", uint16(10*(h+1)), a))
		}
		return lines, row
	}},
	{"lame", 200, func(i int, d string) ([]string, live.Row) {
		// Delegated to a server that is not authoritative for the zone
		// and refers back to itself.
		return []string{d + " NS ns.lame"}, live.Row{Status: live.ServFail, Error: "MX " + d + ".test.: SERVFAIL"}
	}},
	{"quiet", 40, func(i int, d string) ([]string, live.Row) {
		// Delegated to a server that never answers.
		return []string{d + " NS ns.quiet"}, live.Row{Status: live.Timeout, Error: "MX " + d + ".test.: timeout"}
	}},
	{"mxlame", 50, func(i int, d string) ([]string, live.Row) {
		e := ex("mx.lame-0.test.", 10, netip.Addr{})
		e.Status = live.ServFail
		return []string{d + " MX 10 mx.lame-0"}, live.Row{Status: live.ServFail, MX: []live.Exchanger{e}, Error: "AAAA mx.lame-0.test.: SERVFAIL"}
	}},
	{"mxlame6", 50, func(i int, d string) ([]string, live.Row) {
		e := ex("mx.lame-0.test.", 10, netip.Addr{})
		e.Status = live.ServFail
		a := v6(18, i, 0)
		return []string{d + " MX 10 mx.lame-0", d + " MX 20 mx." + d, "mx." + d + " AAAA " + a.String()},
			live.Row{IPv6: true, MX: []live.Exchanger{e, ex("mx."+d+".test.", 20, a)}}
	}},
}

// surveyZones returns the zones of the survey: a root zone that delegates
// test. and the zone test., and the row each domain must get.
func surveyZones(filter func(kind string) bool) ([]namedtest.Zone, []string, map[string]live.Row) {
	var b strings.Builder
	b.WriteString("$TTL 3600\n@\tSOA\tns hostmaster 1 3600 600 86400 300\n@\tNS\tns\nns\tA\t127.0.0.1\n")
	b.WriteString("ns.lame\tA\t127.0.0.1\nns.quiet\tA\t127.0.0.2\n")
	b.WriteString("mx1.provider6\tAAAA\t" + v6(5, 0, 0).String() + "\nmx2.provider6\tAAAA\t" + v6(5, 0, 1).String() + "\n")
	b.WriteString("mx.provider4\tA\t192.0.2.4\n")
	var domains []string
	want := map[string]live.Row{}
	for _, c := range surveyCases {
		if filter != nil && !filter(c.kind) {
			continue
		}
		for i := range c.count {
			d := fmt.Sprintf("%s-%d", c.kind, i)
			lines, row := c.records(i, d)
			for _, l := range lines {
				b.WriteString(l + "\n")
			}
			row.Domain = d + ".test"
			if row.Status == "" {
				row.Status = live.OK
			}
			want[row.Domain] = row
			domains = append(domains, row.Domain)
		}
	}
	root := soa + "@\tNS\tns.root.\nns.root.\tA\t127.0.0.1\ntest.\tNS\tns.test.\nns.test.\tA\t127.0.0.1\n"
	return []namedtest.Zone{{Origin: ".", Text: root}, {Origin: "test.", Text: b.String()}}, domains, want
}
