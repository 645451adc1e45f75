package spf

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
)

// Result is the outcome of check_host() (RFC 7208 §2.6).
type Result string

// The results of RFC 7208 §2.6, as Received-SPF and Authentication-Results
// write them.
const (
	None      Result = "none"      // no SPF record, or no valid domain to check (§2.6.1)
	Neutral   Result = "neutral"   // the domain makes no assertion (§2.6.2)
	Pass      Result = "pass"      // the client is authorized (§2.6.3)
	Fail      Result = "fail"      // the client is not authorized (§2.6.4)
	Softfail  Result = "softfail"  // probably not authorized (§2.6.5)
	Temperror Result = "temperror" // a transient, usually DNS, error (§2.6.6)
	Permerror Result = "permerror" // the records are wrong and need a human (§2.6.7)
)

// ErrOffline is the cause of the Temperror a Checker without a Resolver
// gives when the result depends on a DNS answer; errors.Is finds it.
var ErrOffline = errors.New("needs DNS, and the checker is offline (no Resolver)")

// The limits of RFC 7208 §4.6.4 that a zero Checker uses.
const (
	DefaultMaxLookups = 10 // DNS-querying terms in one evaluation
	DefaultMaxVoid    = 2  // terms whose lookup answers no records
	DefaultMaxMX      = 10 // MX records an mx mechanism may look at
	maxPTRNames       = 10 // PTR names ptr and %{p} validate
)

// A Checker evaluates SPF policies: check_host() of RFC 7208 §4–§6.
//
// The zero Checker is offline: it evaluates records whose result needs no
// DNS (ip4, ip6, all, modifiers that are not used) and gives Temperror,
// with an error wrapping ErrOffline, as soon as a term needs a lookup.
//
// The Resolver answers TXT lookups with one string per record, the
// character-strings of each record concatenated (as net.Resolver's
// LookupTXT does), and says "no records" with ErrNoRecords.
type Checker struct {
	Resolver   Resolver // nil: offline
	MaxLookups int      // DNS-querying terms per evaluation; 0 means DefaultMaxLookups
	MaxVoid    int      // void lookups per evaluation; 0 means DefaultMaxVoid
	MaxMX      int      // MX records per mx mechanism; 0 means DefaultMaxMX
	Receiver   string   // the checking host's name, for %{r}; "unknown" when empty
}

// CheckHost runs check_host(<ip>, <domain>, <sender>) of RFC 7208 §4: it
// looks up the SPF record of domain and evaluates it for the SMTP client
// ip, following include, redirect and exp.
//
// sender is the MAIL FROM address, or empty to check the HELO identity, in
// which case it is postmaster@domain; a missing local-part is also
// postmaster (§4.3). An IPv4-mapped IPv6 ip is treated as IPv4 (§5), so it
// never matches ip6. A malformed domain, such as one label, an empty
// label or a label over 63 octets, gives None (§4.3).
//
// The string is the explanation when the result is Fail: the text of the
// exp= modifier (§6.2), or a default. For the other results it says why:
// the term that matched, or what went wrong. The error is non-nil exactly
// when the result is Temperror or Permerror, and gives the cause.
//
// The limits of §4.6.4 hold across the whole evaluation, includes and
// redirects included: at most MaxLookups DNS-querying terms (include, a,
// mx, ptr, exists, redirect), at most MaxVoid terms whose lookup answers
// no records (NXDOMAIN or no data), at most MaxMX MX records per mx, and
// the first 10 PTR names for ptr and %{p}; going over the first three is
// Permerror. A term counts as void when the query for the name it names
// answers no records, or when that name, once expanded, is not one DNS
// can hold (an empty label, a label over 63 octets). A DNS error other
// than "no records" is Temperror, except in ptr, where it means no match
// (§5.5), and in exp, where it means the default explanation (§6.2).
func (c *Checker) CheckHost(ctx context.Context, ip netip.Addr, domain, sender, helo string) (Result, string, error) {
	domain = strings.TrimSuffix(domain, ".")
	e, o := c.start(ip, domain, sender, helo)
	if o == nil {
		if !isValidDomain(domain) {
			o = &outcome{result: None, text: fmt.Sprintf("%q is not a valid domain name (RFC 7208 §4.3)", domain)}
		} else {
			o = e.checkHost(ctx, domain, true)
		}
	}
	return o.returned()
}

// CheckRecord evaluates rec as if it were the SPF record of domain: the
// `spf check RECORD` of the command line. Everything else is as in
// CheckHost. With a nil Resolver it works offline for records whose result
// needs no DNS; a term that needs a lookup gives Temperror, the reason
// saying that it needs DNS, and the error wrapping ErrOffline.
func (c *Checker) CheckRecord(ctx context.Context, rec *Record, ip netip.Addr, domain, sender, helo string) (Result, string, error) {
	domain = strings.TrimSuffix(domain, ".")
	e, o := c.start(ip, domain, sender, helo)
	if o == nil {
		if rec == nil {
			o = permErr(domain, nil, "no record to check")
		} else {
			o = e.evalRecord(ctx, rec, domain, true)
		}
	}
	return o.returned()
}

// An evaluation is the state of one check_host() call and the calls it
// makes for include and redirect.
type evaluation struct {
	res        Resolver
	ip         netip.Addr // unmapped
	sender     string     // local@domain, postmaster filled in
	helo       string
	receiver   string
	now        time.Time
	lookups    int
	voids      int
	maxLookups int
	maxVoid    int
	maxMX      int
	ptrDone    bool
	ptrNames   []string // validated names of ip, for %{p}
}

// outcome is a result and its explanation or reason; err is set for
// Temperror and Permerror.
type outcome struct {
	result Result
	text   string
	err    error
}

func (o *outcome) returned() (Result, string, error) {
	if o.err != nil {
		return o.result, o.err.Error(), fmt.Errorf("spf: %w", o.err)
	}
	return o.result, o.text, nil
}

func permErr(domain string, t *Term, format string, args ...any) *outcome {
	return &outcome{result: Permerror, err: termError(domain, t, fmt.Errorf(format, args...))}
}

func tempErr(domain string, t *Term, err error) *outcome {
	return &outcome{result: Temperror, err: termError(domain, t, err)}
}

// termError prefixes err with the domain and term it happened in.
func termError(domain string, t *Term, err error) error {
	if t == nil {
		return fmt.Errorf("%s: %w", domain, unprefixed{err})
	}
	return fmt.Errorf("%s: %q: %w", domain, t.String(), unprefixed{err})
}

// unprefixed drops the "spf: " of a Parse or Expand error that is wrapped
// in a longer message.
type unprefixed struct{ err error }

func (e unprefixed) Error() string { return strings.TrimPrefix(e.err.Error(), "spf: ") }
func (e unprefixed) Unwrap() error { return e.err }

func (c *Checker) start(ip netip.Addr, domain, sender, helo string) (*evaluation, *outcome) {
	local, dom := senderParts(sender, domain)
	e := &evaluation{
		res:        c.Resolver,
		ip:         ip.Unmap(),
		sender:     local + "@" + dom,
		helo:       helo,
		receiver:   c.Receiver,
		now:        time.Now(),
		maxLookups: cmp.Or(c.MaxLookups, DefaultMaxLookups),
		maxVoid:    cmp.Or(c.MaxVoid, DefaultMaxVoid),
		maxMX:      cmp.Or(c.MaxMX, DefaultMaxMX),
	}
	if !ip.IsValid() {
		return e, permErr(domain, nil, "invalid client IP address")
	}
	return e, nil
}

// checkHost finds the SPF record of domain and evaluates it (RFC 7208
// §4.3–§4.7). wantExp is false inside include, whose explanation is never
// used.
func (e *evaluation) checkHost(ctx context.Context, domain string, wantExp bool) *outcome {
	if !isValidDomain(domain) {
		return &outcome{result: None, text: fmt.Sprintf("%q is not a valid domain name", domain)}
	}
	if e.res == nil {
		return tempErr(domain, nil, fmt.Errorf("looking up its SPF record: %w", ErrOffline))
	}
	txts, err := e.res.LookupTXT(ctx, domain)
	if errors.Is(err, ErrNoRecords) {
		return &outcome{result: None, text: fmt.Sprintf("no SPF record at %s", domain)}
	}
	if err != nil {
		return tempErr(domain, nil, fmt.Errorf("looking up its SPF record: %w", err))
	}
	var spf []string
	for _, t := range txts {
		if IsSPF(t) {
			spf = append(spf, t)
		}
	}
	switch len(spf) {
	case 0:
		return &outcome{result: None, text: fmt.Sprintf("no SPF record at %s", domain)}
	case 1:
	default:
		return permErr(domain, nil, "%d SPF records: there must be one (RFC 7208 §4.5)", len(spf))
	}
	rec, err := Parse(spf[0])
	if err != nil {
		return &outcome{result: Permerror, err: termError(domain, nil, err)}
	}
	return e.evalRecord(ctx, rec, domain, wantExp)
}

// evalRecord evaluates the terms of a record (RFC 7208 §4.6, §6).
func (e *evaluation) evalRecord(ctx context.Context, rec *Record, domain string, wantExp bool) *outcome {
	var redirect, exp *Term
	for i := range rec.Terms {
		t := &rec.Terms[i]
		switch t.Kind {
		case Redirect:
			if redirect != nil {
				return permErr(domain, t, "redirect= appears more than once (RFC 7208 §6)")
			}
			redirect = t
		case Exp:
			if exp != nil {
				return permErr(domain, t, "exp= appears more than once (RFC 7208 §6)")
			}
			exp = t
		}
	}
	for i := range rec.Terms {
		t := &rec.Terms[i]
		if t.Kind.IsModifier() {
			continue
		}
		match, o := e.match(ctx, t, domain)
		if o != nil {
			return o
		}
		if !match {
			continue
		}
		r := qualifierResult(t.Qualifier)
		if r == Fail {
			text := defaultExplanation(e.sender, e.ip)
			if wantExp {
				text = e.explain(ctx, exp, domain)
			}
			return &outcome{result: Fail, text: text}
		}
		return &outcome{result: r, text: fmt.Sprintf("%q matched at %s", t.String(), domain)}
	}
	if redirect == nil {
		return &outcome{result: Neutral, text: fmt.Sprintf("no mechanism matched at %s, and there is no redirect=: the default is neutral (RFC 7208 §4.7)", domain)}
	}
	if o := e.count(ctx, domain, redirect); o != nil {
		return o
	}
	target, o := e.target(ctx, redirect, domain)
	if o != nil {
		return o
	}
	if e.res == nil && isValidDomain(target) {
		return tempErr(domain, redirect, ErrOffline)
	}
	r := e.checkHost(ctx, target, wantExp)
	if r.result == None {
		return permErr(domain, redirect, "%s (RFC 7208 §6.1)", r.text)
	}
	return r
}

// qualifierResult maps a qualifier to its result (RFC 7208 §4.6.2).
func qualifierResult(q Qualifier) Result {
	switch q {
	case QualifierFail:
		return Fail
	case QualifierSoftfail:
		return Softfail
	case QualifierNeutral:
		return Neutral
	}
	return Pass
}

// defaultExplanation is the explanation of a Fail without a usable exp=.
func defaultExplanation(sender string, ip netip.Addr) string {
	return fmt.Sprintf("domain of %s does not designate %s as permitted sender", sender, ip)
}

// count charges one DNS-querying term against the limit (RFC 7208 §4.6.4).
// A context that is done stops the evaluation with Temperror.
func (e *evaluation) count(ctx context.Context, domain string, t *Term) *outcome {
	if err := ctx.Err(); err != nil {
		return tempErr(domain, t, err)
	}
	e.lookups++
	if e.lookups > e.maxLookups {
		return permErr(domain, t, "more than %d DNS-querying terms in the evaluation (RFC 7208 §4.6.4)", e.maxLookups)
	}
	return nil
}

// void charges one void lookup against the limit (RFC 7208 §4.6.4).
func (e *evaluation) void(domain string, t *Term) *outcome {
	e.voids++
	if e.voids > e.maxVoid {
		return permErr(domain, t, "more than %d void lookups in the evaluation (RFC 7208 §4.6.4)", e.maxVoid)
	}
	return nil
}

// macros returns the macro context for a term of the record of domain.
func (e *evaluation) macros(ctx context.Context, spec, domain string) MacroContext {
	m := MacroContext{Sender: e.sender, Domain: domain, IP: e.ip, HELO: e.helo, Receiver: e.receiver, Now: e.now}
	if strings.Contains(spec, "%{p") || strings.Contains(spec, "%{P") {
		m.ValidatedDomain = e.validatedDomain(ctx, domain)
	}
	return m
}

// target expands a term's domain-spec into its target-name; an absent one
// is domain (RFC 7208 §4.8).
func (e *evaluation) target(ctx context.Context, t *Term, domain string) (string, *outcome) {
	if t.Domain == "" {
		return domain, nil
	}
	name, err := Expand(t.Domain, e.macros(ctx, t.Domain, domain), false)
	if err != nil {
		return "", &outcome{result: Permerror, err: termError(domain, t, err)}
	}
	return name, nil
}

// lookupError turns a lookup error into an outcome: nil for no records,
// which the caller counts as void, and Temperror for the rest.
func (e *evaluation) lookupError(domain string, t *Term, what string, err error) *outcome {
	if errors.Is(err, ErrNoRecords) {
		return nil
	}
	return tempErr(domain, t, fmt.Errorf("%s: %w", what, err))
}

// match reports whether a mechanism matches (RFC 7208 §5).
func (e *evaluation) match(ctx context.Context, t *Term, domain string) (bool, *outcome) {
	switch t.Kind {
	case All:
		return true, nil
	case IP4:
		return e.ip.Is4() && t.Prefix.Masked().Contains(e.ip), nil
	case IP6:
		return e.ip.Is6() && t.Prefix.Masked().Contains(e.ip), nil
	}
	if o := e.count(ctx, domain, t); o != nil {
		return false, o
	}
	target, o := e.target(ctx, t, domain)
	if o != nil {
		return false, o
	}
	if t.Kind == Include {
		if e.res == nil && isValidDomain(target) {
			return false, tempErr(domain, t, ErrOffline)
		}
		return e.include(ctx, t, domain, target)
	}
	if !isValidName(target) {
		if t.Kind == PTR {
			return false, nil // no validated name can be in it
		}
		// Not a name DNS can hold: it does not exist (RFC 7208 §4.8), as
		// if the lookup had answered NXDOMAIN.
		return false, e.void(domain, t)
	}
	if e.res == nil {
		return false, tempErr(domain, t, ErrOffline)
	}
	switch t.Kind {
	case A:
		addrs, err := e.lookupAddrs(ctx, target)
		if err != nil {
			if o := e.lookupError(domain, t, "looking up "+target, err); o != nil {
				return false, o
			}
			return false, e.void(domain, t)
		}
		return e.matchAddrs(addrs, t), nil
	case MX:
		return e.mx(ctx, t, domain, target)
	case PTR:
		return e.ptr(ctx, t, domain, target)
	default: // Exists
		addrs, err := e.res.LookupA(ctx, target)
		if err != nil {
			if o := e.lookupError(domain, t, "looking up "+target, err); o != nil {
				return false, o
			}
			return false, e.void(domain, t)
		}
		return len(addrs) > 0, nil
	}
}

// include evaluates include:target (RFC 7208 §5.2).
func (e *evaluation) include(ctx context.Context, t *Term, domain, target string) (bool, *outcome) {
	o := e.checkHost(ctx, target, false)
	switch o.result {
	case Pass:
		return true, nil
	case Fail, Softfail, Neutral:
		return false, nil
	case None:
		return false, permErr(domain, t, "%s (RFC 7208 §5.2)", o.text)
	}
	return false, o
}

// lookupAddrs looks up the addresses of name in the client's family.
func (e *evaluation) lookupAddrs(ctx context.Context, name string) ([]netip.Addr, error) {
	if e.ip.Is4() {
		return e.res.LookupA(ctx, name)
	}
	return e.res.LookupAAAA(ctx, name)
}

// matchAddrs reports whether the client is in the network of any address,
// with the dual cidr lengths of an a or mx term (RFC 7208 §5.3, §5.6).
func (e *evaluation) matchAddrs(addrs []netip.Addr, t *Term) bool {
	bits := t.CIDR6
	if e.ip.Is4() {
		bits = t.CIDR4
	}
	if bits < 0 {
		bits = e.ip.BitLen()
	}
	for _, a := range addrs {
		a = a.Unmap()
		if a.Is4() != e.ip.Is4() {
			continue
		}
		if p, err := a.Prefix(bits); err == nil && p.Contains(e.ip) {
			return true
		}
	}
	return false
}

// mx evaluates mx (RFC 7208 §5.4).
func (e *evaluation) mx(ctx context.Context, t *Term, domain, target string) (bool, *outcome) {
	hosts, err := e.res.LookupMX(ctx, target)
	if err != nil {
		if o := e.lookupError(domain, t, "looking up the MX records of "+target, err); o != nil {
			return false, o
		}
		return false, e.void(domain, t)
	}
	if len(hosts) > e.maxMX {
		return false, permErr(domain, t, "%s has %d MX records, more than %d (RFC 7208 §4.6.4)", target, len(hosts), e.maxMX)
	}
	hosts = slices.Clone(hosts)
	sort.SliceStable(hosts, func(i, j int) bool { return hosts[i].Pref < hosts[j].Pref })
	for _, h := range hosts {
		name := strings.TrimSuffix(h.Host, ".")
		if name == "" || !isValidName(name) {
			continue // null MX (RFC 7505), or no name at all
		}
		addrs, err := e.lookupAddrs(ctx, name)
		if err != nil {
			if o := e.lookupError(domain, t, "looking up "+name, err); o != nil {
				return false, o
			}
			continue
		}
		if e.matchAddrs(addrs, t) {
			return true, nil
		}
	}
	return false, nil
}

// ptr evaluates ptr (RFC 7208 §5.5): some validated name of the client
// must be the target or under it. Only the first 10 PTR names count, and
// only those in the target's tree need validating.
func (e *evaluation) ptr(ctx context.Context, t *Term, domain, target string) (bool, *outcome) {
	names, err := e.res.LookupPTR(ctx, e.ip)
	if errors.Is(err, ErrNoRecords) {
		return false, e.void(domain, t)
	}
	if err != nil {
		return false, nil // a DNS error means no match (§5.5)
	}
	target = strings.ToLower(target)
	for _, n := range names[:min(len(names), maxPTRNames)] {
		n = strings.ToLower(strings.TrimSuffix(n, "."))
		if (n == target || strings.HasSuffix(n, "."+target)) && e.validates(ctx, n) {
			return true, nil
		}
	}
	return false, nil
}

// validates reports whether name has an address record for the client
// (RFC 7208 §5.5); lookup errors mean no.
func (e *evaluation) validates(ctx context.Context, name string) bool {
	if !isValidName(name) {
		return false
	}
	addrs, err := e.lookupAddrs(ctx, name)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(addrs, func(a netip.Addr) bool { return a.Unmap() == e.ip })
}

// validatedDomain finds the value of %{p} for the record of domain (RFC
// 7208 §7.3): domain itself if it is a validated name of the client, else
// a validated name under domain, else any validated name, else "unknown".
// These lookups count against no limit, and errors mean "unknown".
func (e *evaluation) validatedDomain(ctx context.Context, domain string) string {
	if !e.ptrDone && e.res != nil {
		e.ptrDone = true
		names, _ := e.res.LookupPTR(ctx, e.ip)
		for _, n := range names[:min(len(names), maxPTRNames)] {
			n = strings.TrimSuffix(n, ".")
			if e.validates(ctx, n) {
				e.ptrNames = append(e.ptrNames, n)
			}
		}
	}
	if len(e.ptrNames) == 0 {
		return "unknown"
	}
	for _, n := range e.ptrNames {
		if strings.EqualFold(n, domain) {
			return n
		}
	}
	for _, n := range e.ptrNames {
		if len(n) > len(domain) && strings.EqualFold(n[len(n)-len(domain)-1:], "."+domain) {
			return n
		}
	}
	return e.ptrNames[0]
}

// explain returns the explanation of a Fail (RFC 7208 §6.2): the text
// exp= points at, expanded, or the default when there is none, DNS fails,
// there is not exactly one TXT record, or the text is not a valid
// explain-string. The lookup counts against no limit.
func (e *evaluation) explain(ctx context.Context, exp *Term, domain string) string {
	def := defaultExplanation(e.sender, e.ip)
	if exp == nil || e.res == nil {
		return def
	}
	name, o := e.target(ctx, exp, domain)
	if o != nil || !isValidName(name) {
		return def
	}
	txts, err := e.res.LookupTXT(ctx, name)
	if err != nil || len(txts) != 1 {
		return def
	}
	text, err := Expand(txts[0], e.macros(ctx, txts[0], domain), true)
	if err != nil {
		return def
	}
	return text
}

// isValidName reports whether name, without a trailing dot, can be looked
// up: labels of 1 to 63 octets, 253 octets in all (RFC 1035 §2.3.4).
func isValidName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
	}
	return true
}

// isValidDomain reports whether a <domain> may be checked at all (RFC 7208
// §4.3): a valid name of at least two labels, not an address literal.
func isValidDomain(domain string) bool {
	return isValidName(domain) && strings.Contains(domain, ".") && !strings.HasPrefix(domain, "[")
}
