package live

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ip6plan/ip6plan/records/spf"
)

// DefaultWorkers is how many domains a Survey looks up at once when
// Workers is zero.
const DefaultWorkers = 64

// A Survey finds, for each of a list of domains, its mail exchangers and
// whether any of them has an IPv6 address: the question the seed's
// script asked of 500,000 domains. A Survey remembers each exchanger's
// AAAA answer for as long as it lives, so that the many domains that share
// a mail provider cost one lookup; it must not be copied once used.
type Survey struct {
	Resolver MXResolver
	Workers  int // domains looked up at once; 0 means DefaultWorkers

	mu    sync.Mutex
	hosts map[string]*hostAnswer // AAAA answers by host name, shared by domains with the same exchangers
}

// A Row is what a Survey finds for one domain.
type Row struct {
	Domain string // lower case, without the trailing dot
	// IPv6 reports whether a mail exchanger has an AAAA record. It is
	// meaningful only when Status is OK.
	IPv6 bool
	// Status is OK when the answer is known; otherwise it says why not:
	// the status of the MX lookup, or, when no exchanger has an AAAA
	// record and one could not be looked up, the status of that lookup.
	Status Status
	// MX are the mail exchangers in order of preference. With Implicit,
	// the domain has no MX records and is its own exchanger (RFC 5321
	// §5.1); with NullMX, it published the null MX "." of RFC 7505, which
	// says it accepts no mail.
	MX       []Exchanger
	Implicit bool
	NullMX   bool
	Error    string // what went wrong, when Status is not OK
}

// An Exchanger is one mail exchanger of a domain and its IPv6 addresses.
type Exchanger struct {
	Host   string // fully qualified
	Pref   uint16
	AAAA   []netip.Addr
	Status Status // of the AAAA lookup: OK, NoData, NXDomain, or a failure
}

// hostAnswer is one host's AAAA lookup, shared between the domains that
// name it; done is closed when addrs and err are set.
type hostAnswer struct {
	done  chan struct{}
	addrs []netip.Addr
	err   error
}

// Lookup surveys one domain: its MX records, or, if it has none, the
// domain itself, and the AAAA records of each exchanger.
func (s *Survey) Lookup(ctx context.Context, domain string) Row {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	row := Row{Domain: domain, Status: OK}
	name := domain + "."
	mxs, err := s.Resolver.LookupMX(ctx, name)
	switch st := StatusOf(err); {
	case st == NoData:
		row.Implicit = true
		mxs = []spf.MXHost{{Host: name}}
	case err != nil:
		row.Status, row.Error = st, err.Error()
		return row
	default:
		mxs = slices.Clone(mxs)
		slices.SortStableFunc(mxs, func(a, b spf.MXHost) int { return cmp.Compare(a.Pref, b.Pref) })
	}
	undecided := OK // the first failed AAAA lookup
	for _, mx := range mxs {
		ex := Exchanger{Host: mx.Host, Pref: mx.Pref, Status: NoData}
		if mx.Host == "." {
			row.NullMX = true // RFC 7505 §3: no host, nothing to look up
		} else {
			ex.AAAA, err = s.aaaa(ctx, mx.Host)
			ex.Status = StatusOf(err)
			if len(ex.AAAA) > 0 {
				row.IPv6 = true
			}
		}
		row.MX = append(row.MX, ex)
		if !ex.Status.NoRecords() && ex.Status != OK && undecided == OK {
			undecided = ex.Status
			row.Error = fmt.Sprintf("AAAA %s: %s", ex.Host, describe(err))
		}
	}
	if row.IPv6 {
		row.Error = "" // one exchanger with IPv6 settles it
	} else {
		row.Status = undecided
	}
	return row
}

// aaaa looks up host's AAAA records once per Survey, however many domains
// name it.
func (s *Survey) aaaa(ctx context.Context, host string) ([]netip.Addr, error) {
	key := strings.ToLower(host)
	s.mu.Lock()
	if s.hosts == nil {
		s.hosts = map[string]*hostAnswer{}
	}
	h, ok := s.hosts[key]
	if !ok {
		h = &hostAnswer{done: make(chan struct{})}
		s.hosts[key] = h
	}
	s.mu.Unlock()
	if ok {
		select {
		case <-h.done:
			return h.addrs, h.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	h.addrs, h.err = s.Resolver.LookupAAAA(ctx, host)
	close(h.done)
	if ctx.Err() != nil {
		s.mu.Lock()
		delete(s.hosts, key) // not an answer: ask again next time
		s.mu.Unlock()
	}
	return h.addrs, h.err
}

// Run surveys domains with Workers lookups at once and calls emit with
// each row as it completes, in the order they complete, from the calling
// goroutine. It stops at the first error from emit, or when ctx ends;
// rows of domains whose lookups ctx cut short are not emitted, so a run
// that is stopped can resume with the domains that have no row.
func (s *Survey) Run(ctx context.Context, domains iter.Seq[string], emit func(Row) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := s.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	todo := make(chan string)
	rows := make(chan Row, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for d := range todo {
				row := s.Lookup(ctx, d)
				if ctx.Err() != nil {
					return
				}
				rows <- row
			}
		})
	}
	go func() {
		defer close(todo)
		for d := range domains {
			select {
			case todo <- d:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(rows) }()
	var err error
	for row := range rows {
		if err == nil {
			if err = emit(row); err != nil {
				cancel()
			}
		}
	}
	if err != nil {
		return err
	}
	return ctx.Err()
}

// A Tally counts survey rows for the summary.
type Tally struct {
	Domains int            // rows counted
	IPv6    int            // domains with an IPv6 mail exchanger
	Failed  map[Status]int // domains whose answer is not known, by status
}

// Add counts row.
func (t *Tally) Add(row Row) {
	t.Domains++
	switch {
	case row.Status != OK:
		if t.Failed == nil {
			t.Failed = map[Status]int{}
		}
		t.Failed[row.Status]++
	case row.IPv6:
		t.IPv6++
	}
}

// String is the summary line: "2 of 8 domains (25.0%) have an IPv6 mail
// exchanger; 6 answered, 2 failed (NXDOMAIN 1, timeout 1)".
func (t *Tally) String() string {
	pct := 0.0
	if t.Domains > 0 {
		pct = 100 * float64(t.IPv6) / float64(t.Domains)
	}
	failed := 0
	var parts []string
	for st, n := range t.Failed {
		failed += n
		parts = append(parts, fmt.Sprintf("%s %d", st, n))
	}
	sort.Strings(parts)
	s := fmt.Sprintf("%d of %d domains (%.1f%%) have an IPv6 mail exchanger; %d answered, %d failed", t.IPv6, t.Domains, pct, t.Domains-failed, failed)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

// ProgressLine is a one-line progress report for a terminal: a bar, done
// of total, the rate so far and the time left at that rate.
func ProgressLine(done, total int, elapsed time.Duration) string {
	const width = 30
	frac := 1.0
	if total > 0 {
		frac = min(float64(done)/float64(total), 1)
	}
	full := int(frac * width)
	s := fmt.Sprintf("[%s%s] %d/%d %3.0f%%", strings.Repeat("#", full), strings.Repeat(".", width-full), done, total, 100*frac)
	if secs := elapsed.Seconds(); secs > 0 && done > 0 {
		rate := float64(done) / secs
		left := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
		s += fmt.Sprintf(" %.0f/s, %v left", rate, left)
	}
	return s
}

// hostList returns the exchangers' names, or those with AAAA records
// when v6 is set, separated by spaces.
func hostList(mx []Exchanger, v6 bool) string {
	var names []string
	for _, ex := range mx {
		if !v6 || len(ex.AAAA) > 0 {
			names = append(names, ex.Host)
		}
	}
	return strings.Join(slices.Compact(names), " ")
}
