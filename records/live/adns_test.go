package live_test

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net"
	"net/netip"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ip6plan/ip6plan/plan/tooltest"
	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/live/dnsclient"
	"github.com/ip6plan/ip6plan/records/live/namedtest"
)

// adns (Debian adns-tools) asks its servers on port 53 and nowhere else,
// so the comparison runs the resolver on 127.0.0.1:53, which needs root
// (or CAP_NET_BIND_SERVICE) and a free port 53 on 127.0.0.1.

// port53 skips the test or benchmark unless the resolver can listen on
// 127.0.0.1:53, and returns the adnshost program.
func port53(tb testing.TB) string {
	tb.Helper()
	namedtest.Path(tb)
	adns := tooltest.Look(tb, "adnshost", "adns-tools")
	pc, err := net.ListenPacket("udp", "127.0.0.1:53")
	if err == nil {
		pc.Close()
		var l net.Listener
		if l, err = net.Listen("tcp", "127.0.0.1:53"); err == nil {
			l.Close()
		}
	}
	if err != nil {
		tb.Skipf("adnshost asks port 53 only, and this test cannot listen there (%v): run it as root with 127.0.0.1:53 free", err)
	}
	return adns
}

// noQuiet leaves out the domains delegated to the silent server: adns
// waits 30 seconds for each before it gives up.
func noQuiet(kind string) bool { return kind != "quiet" }

// TestSurveyMatchesAdnshost wants, for every domain of the survey zone but
// those that time out, the same row from Survey and from adnshost asking
// the same resolver the same questions.
func TestSurveyMatchesAdnshost(t *testing.T) {
	adns := port53(t)
	zones, domains, _ := surveyZones(noQuiet)
	_, res := servers(t, zones, 53)
	got := survey(t, res, domains, 64)
	ref := adnsSurvey(t, adns, domains)
	require.Len(t, ref, len(domains))
	bad := 0
	for _, d := range domains {
		if !assert.Equal(t, ref[d], comparable(got[d]), "adnshost and Survey differ on %s", d) {
			if bad++; bad > 10 {
				t.Fatal("too many differences")
			}
		}
	}
}

// survey runs Survey through the resolver and returns its rows by domain.
func survey(tb testing.TB, res *namedtest.Server, domains []string, workers int) map[string]live.Row {
	c := &dnsclient.Client{Server: res.Addr(), Timeout: 2 * time.Second, Attempts: 2}
	s := &live.Survey{Resolver: c, Workers: workers}
	got := make(map[string]live.Row, len(domains))
	if err := s.Run(context.Background(), slices.Values(domains), func(r live.Row) error { got[r.Domain] = r; return nil }); err != nil {
		tb.Fatal(err)
	}
	return got
}

// adnsSurvey asks adnshost (asynchronous mode, every query at once) for
// the MX records of each domain with the IPv6 addresses of each exchanger
// (-t mx -A6), then for the AAAA records of the domains without MX.
func adnsSurvey(tb testing.TB, adns string, domains []string) map[string]live.Row {
	rows := map[string]live.Row{}
	var implicit []string
	for _, a := range runAdns(tb, adns, "mx", domains) {
		row := live.Row{Domain: a.owner, Status: live.OK}
		switch {
		case a.status == "nodata":
			implicit = append(implicit, a.owner)
			continue
		case a.status != "ok":
			row.Status = adnsStatus(a.status)
			rows[row.Domain] = row
			continue
		}
		failed := live.OK
		for _, rr := range a.rrs {
			// owner MX pref host status num abbrev "text" ( INET6 addr ... )
			f := strings.Fields(rr)
			pref, _ := strconv.Atoi(f[2])
			e := live.Exchanger{Host: fqdn(f[3]), Pref: uint16(pref), Status: adnsStatus(f[6])}
			if e.Host == "." {
				row.NullMX = true
			}
			for i := 8; i+1 < len(f); i++ {
				if f[i] == "INET6" {
					e.AAAA = append(e.AAAA, netip.MustParseAddr(f[i+1]))
				}
			}
			if len(e.AAAA) > 0 {
				row.IPv6 = true
			}
			if e.Status != live.OK && !e.Status.NoRecords() {
				if failed == live.OK {
					failed = e.Status
				}
				e.Status = "failed"
			}
			row.MX = append(row.MX, e)
		}
		slices.SortStableFunc(row.MX, func(a, b live.Exchanger) int {
			return cmp.Or(cmp.Compare(a.Pref, b.Pref), strings.Compare(a.Host, b.Host))
		})
		if !row.IPv6 && failed != live.OK {
			row.Status = failed
		}
		rows[row.Domain] = row
	}
	for _, a := range runAdns(tb, adns, "aaaa", implicit) {
		e := live.Exchanger{Host: a.owner + ".", Status: adnsStatus(a.status)}
		row := live.Row{Domain: a.owner, Status: live.OK, Implicit: true}
		for _, rr := range a.rrs {
			if f := strings.Fields(rr); len(f) == 3 && f[1] == "AAAA" {
				e.AAAA = append(e.AAAA, netip.MustParseAddr(f[2]))
				row.IPv6 = true
			}
		}
		if e.Status != live.OK && !e.Status.NoRecords() {
			row.Status, e.Status = e.Status, "failed"
		}
		row.MX = []live.Exchanger{e}
		rows[row.Domain] = row
	}
	return rows
}

// An adnsAnswer is one answer of adnshost --fmt-asynch: the header line's
// owner and status abbreviation, and the record lines that follow it.
type adnsAnswer struct {
	owner, status string
	rrs           []string
}

// runAdns runs adnshost in asynchronous pipe mode with the queries of
// type qtype for names.
func runAdns(tb testing.TB, adns, qtype string, names []string) []adnsAnswer {
	var (
		mu      sync.Mutex
		answers []adnsAnswer
		wg      sync.WaitGroup
	)
	sem := make(chan struct{}, adnsProcs)
	for chunk := range slices.Chunk(names, adnsChunk) {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			a := runAdnsOnce(tb, adns, qtype, chunk)
			mu.Lock()
			answers = append(answers, a...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return answers
}

// adnsChunk is how many queries one adnshost process gets. adnshost sends
// every query it reads at once; on loopback more than about 150 at once
// overflow the server's socket buffer (see RcvbufErrors in
// /proc/net/snmp), and adns waits 2 s before it asks again. 100 is the
// fastest batch measured.
var adnsChunk = 100

// adnsProcs is how many adnshost processes run at once, each with its
// batch.
var adnsProcs = 4

func runAdnsOnce(tb testing.TB, adns, qtype string, names []string) []adnsAnswer {
	cmd := exec.Command(adns, "--config", "nameserver 127.0.0.1", "--asynch", "--pipe", "--fmt-asynch", "--type", qtype, "-A6", "--cname-loose")
	cmd.Stdin = strings.NewReader(strings.Join(names, "\n") + "\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// adnshost's exit status is the worst failure among its queries.
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		tb.Error(err)
		return nil
	}
	var answers []adnsAnswer
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		// id nrrs status num abbrev owner cname "text"
		f := strings.Fields(sc.Text())
		if len(f) < 7 {
			tb.Errorf("adnshost: unexpected line %q\n%s", sc.Text(), stderr.String())
		}
		n, _ := strconv.Atoi(f[1])
		a := adnsAnswer{owner: f[5], status: f[4]}
		for range n {
			if !sc.Scan() {
				tb.Errorf("adnshost: %s: missing records", a.owner)
				break
			}
			a.rrs = append(a.rrs, sc.Text())
		}
		answers = append(answers, a)
	}
	if len(answers) != len(names) {
		tb.Errorf("adnshost answered %d of %d queries\n%s", len(answers), len(names), stderr.String())
	}
	return answers
}

// adnsStatus turns adns's status abbreviation into live's words.
func adnsStatus(abbrev string) live.Status {
	switch abbrev {
	case "ok":
		return live.OK
	case "nodata":
		return live.NoData
	case "nxdomain":
		return live.NXDomain
	case "rcodeservfail":
		return live.ServFail
	case "rcoderefused":
		return live.Refused
	case "timeout":
		return live.Timeout
	}
	return live.Status("adns " + abbrev)
}

func fqdn(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// BenchmarkSurvey times a survey of the generated domains through named
// as the resolver, by Survey and by adnshost, against a warm cache, and
// reports domains per second. "all" is every kind of domain but those
// that time out; "plain" leaves out too the kinds on which adns stalls
// for its 2-second retry: null MX, answers too big for UDP, and an
// exchanger in a lame zone that many domains share, whose identical
// queries, sent at once, named drops past its clients-per-query.
func BenchmarkSurvey(b *testing.B) {
	adns := port53(b)
	zones, domains, _ := surveyZones(noQuiet)
	_, res := servers(b, zones, 53)
	survey(b, res, domains, 64) // warm the resolver's cache
	_, plain, _ := surveyZones(func(kind string) bool {
		return !slices.Contains([]string{"quiet", "nullmx", "big", "mxlame", "mxlame6"}, kind)
	})
	for _, set := range []struct {
		name    string
		domains []string
	}{{"all", domains}, {"plain", plain}} {
		b.Run(set.name, func(b *testing.B) {
			for _, workers := range []int{64, 256} {
				b.Run(fmt.Sprintf("ip6plan/workers=%d", workers), func(b *testing.B) {
					for b.Loop() {
						survey(b, res, set.domains, workers)
					}
					b.ReportMetric(float64(len(set.domains)*b.N)/b.Elapsed().Seconds(), "domains/s")
				})
			}
			for _, v := range []struct{ batch, procs int }{{100, 1}, {100, 4}, {len(set.domains), 1}} {
				if v.batch == len(domains) {
					continue // 27 s a run, all of it waiting for retries
				}
				b.Run(fmt.Sprintf("adnshost/batch=%d/procs=%d", v.batch, v.procs), func(b *testing.B) {
					defer func(batch, procs int) { adnsChunk, adnsProcs = batch, procs }(adnsChunk, adnsProcs)
					adnsChunk, adnsProcs = v.batch, v.procs
					for b.Loop() {
						adnsSurvey(b, adns, set.domains)
					}
					b.ReportMetric(float64(len(set.domains)*b.N)/b.Elapsed().Seconds(), "domains/s")
				})
			}
		})
	}
}
