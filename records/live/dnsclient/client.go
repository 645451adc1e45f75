// Package dnsclient is the resolver that live checks and surveys use on
// the network: a stub that asks one DNS server, named explicitly as
// HOST:PORT, with a timeout per attempt, retries, EDNS0 and TCP when a
// UDP answer is truncated. It implements [live.Resolver], so
// [spf.Checker] can evaluate records through it too.
package dnsclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/live"
	"github.com/ip6plan/ip6plan/records/spf"
)

// Defaults for the zero values of Client's fields.
const (
	DefaultTimeout  = 2 * time.Second
	DefaultAttempts = 3
	// DefaultUDPSize is the EDNS0 buffer size of DNS Flag Day 2020: it
	// fits the usual 1280-octet IPv6 MTU without fragments.
	DefaultUDPSize = 1232
)

// A Client sends recursive queries (RD set) to one server, normally a
// recursive resolver, and reads the answers as a stub resolver does.
// Each query goes out over UDP with an EDNS0 OPT record (RFC 6891); a
// truncated answer is asked again over TCP (RFC 7766 §5); a server that
// answers FORMERR to EDNS0 is asked again without it (RFC 6891 §7). An
// attempt that gets no answer in Timeout is tried again, up to Attempts
// times. A Client is safe for concurrent use, and must not be copied
// once used.
type Client struct {
	Server   string        // HOST:PORT of the server to ask, such as "127.0.0.1:53"
	Timeout  time.Duration // for each attempt; 0 means DefaultTimeout
	Attempts int           // tries over UDP before giving up; 0 means DefaultAttempts
	UDPSize  uint16        // EDNS0 buffer size; 0 means DefaultUDPSize

	mu   sync.Mutex
	idle []*udpConn // sockets that got their last answer, for the next queries
}

// A udpConn is a UDP socket connected to the server, used for up to
// maxUses queries one after the other: reuse saves three system calls a
// query, and the limit keeps source ports changing (RFC 5452 §9.2).
type udpConn struct {
	*dns.Conn
	uses int
}

const (
	maxUses = 100
	maxIdle = 1024
)

var _ live.Resolver = (*Client)(nil)

// New returns a Client for server, given as HOST:PORT, [IPV6]:PORT, or a
// bare address or host name, which means port 53.
func New(server string) (*Client, error) {
	s, err := ParseServer(server)
	if err != nil {
		return nil, err
	}
	return &Client{Server: s}, nil
}

// ParseServer checks a server address and returns it as HOST:PORT,
// adding port 53 to a bare address or host name.
func ParseServer(s string) (string, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Port() != 0 {
		return addrPort(s, ap)
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return addrPort(s, netip.AddrPortFrom(a, 53))
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if records.CheckHostname(s) != nil {
			return "", fmt.Errorf("resolver %q: want HOST:PORT, such as 127.0.0.1:53 or [::1]:53", s)
		}
		host, port = s, "53"
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return "", fmt.Errorf("resolver %q: port %q is not a number from 1 to 65535", s, port)
	}
	if _, err := netip.ParseAddr(host); err != nil && records.CheckHostname(host) != nil {
		return "", fmt.Errorf("resolver %q: %q is neither an IP address nor a host name", s, host)
	}
	return net.JoinHostPort(host, port), nil
}

// addrPort returns ap as HOST:PORT, refusing a zone that is no interface
// name: net/netip takes "::%]0", whose "]" would end the bracketed host.
func addrPort(s string, ap netip.AddrPort) (string, error) {
	if z := ap.Addr().Zone(); strings.ContainsAny(z, "[]%/ \t") {
		return "", fmt.Errorf("resolver %q: zone %q is not an interface name, such as eth0", s, z)
	}
	return ap.String(), nil
}

// SystemServer returns the first nameserver of /etc/resolv.conf as
// HOST:PORT.
func SystemServer() (string, error) {
	cfg, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil {
		return "", err
	}
	if len(cfg.Servers) == 0 {
		return "", errors.New("/etc/resolv.conf names no nameserver")
	}
	return net.JoinHostPort(cfg.Servers[0], cfg.Port), nil
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) attempts() int {
	if c.Attempts > 0 {
		return c.Attempts
	}
	return DefaultAttempts
}

func (c *Client) udpSize() uint16 {
	if c.UDPSize >= dns.MinMsgSize {
		return c.UDPSize
	}
	return DefaultUDPSize
}

// errTimeout is the error of a query that got no answer after every
// attempt.
var errTimeout = errors.New("no answer")

// Query asks the server for the records of type qtype at name and
// returns its answer, whatever its rcode. The error is for no answer at
// all: every attempt timed out (an error that is a net.Error whose
// Timeout method reports true), the server refused the connection, or
// ctx ended.
func (c *Client) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	m.SetEdns0(c.udpSize(), false)
	var last error = errTimeout
	for range c.attempts() {
		m.Id = dns.Id()
		r, err := c.exchange(ctx, m)
		switch {
		case err == nil && r.Truncated:
			return c.exchangeTCP(ctx, m)
		case err == nil && r.Rcode == dns.RcodeFormatError && r.IsEdns0() == nil && m.IsEdns0() != nil:
			m.Extra = slices.DeleteFunc(m.Extra, func(rr dns.RR) bool { return rr.Header().Rrtype == dns.TypeOPT })
			continue // an old server that does not know EDNS0: ask again without it
		case err == nil:
			return r, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case !isTimeout(err):
			return nil, err
		}
		last = err
	}
	return nil, timeoutError{last}
}

// exchange sends m once over UDP with the per-attempt timeout and checks
// that the answer is to the question asked.
func (c *Client) exchange(ctx context.Context, m *dns.Msg) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	conn, err := c.conn(ctx)
	if err != nil {
		return nil, err
	}
	r, _, err := (&dns.Client{Net: "udp"}).ExchangeWithConnContext(ctx, m, conn.Conn)
	if err == nil {
		err = sameQuestion(r, m)
	}
	if err != nil {
		conn.Close() // an answer may still come; it must not meet the next query
		return nil, err
	}
	c.release(conn)
	return r, nil
}

// exchangeTCP sends m once over TCP.
func (c *Client) exchangeTCP(ctx context.Context, m *dns.Msg) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	r, _, err := (&dns.Client{Net: "tcp"}).ExchangeContext(ctx, m, c.Server)
	if err == nil {
		err = sameQuestion(r, m)
	}
	return r, err
}

func sameQuestion(r, m *dns.Msg) error {
	if len(r.Question) != 1 || !strings.EqualFold(r.Question[0].Name, m.Question[0].Name) || r.Question[0].Qtype != m.Question[0].Qtype {
		return fmt.Errorf("the answer is to another question: %v", r.Question)
	}
	return nil
}

// conn returns an idle socket, or a new one.
func (c *Client) conn(ctx context.Context) (*udpConn, error) {
	c.mu.Lock()
	if n := len(c.idle); n > 0 {
		conn := c.idle[n-1]
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		return conn, nil
	}
	c.mu.Unlock()
	var d net.Dialer
	nc, err := d.DialContext(ctx, "udp", c.Server)
	if err != nil {
		return nil, err
	}
	return &udpConn{Conn: &dns.Conn{Conn: nc, UDPSize: c.udpSize()}}, nil
}

// release keeps a socket for another query, or closes it.
func (c *Client) release(conn *udpConn) {
	conn.uses++
	c.mu.Lock()
	if conn.uses < maxUses && len(c.idle) < maxIdle {
		c.idle = append(c.idle, conn)
		conn = nil
	}
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
}

// Close closes the sockets the Client keeps for reuse. The Client can
// still be used; it opens new ones.
func (c *Client) Close() error {
	c.mu.Lock()
	idle := c.idle
	c.idle = nil
	c.mu.Unlock()
	for _, conn := range idle {
		conn.Close()
	}
	return nil
}

type timeoutError struct{ err error }

func (e timeoutError) Error() string   { return "timed out: " + e.err.Error() }
func (e timeoutError) Unwrap() error   { return e.err }
func (e timeoutError) Timeout() bool   { return true }
func (e timeoutError) Temporary() bool { return true }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
}

// Ping reports whether the server answers at all: any DNS message back,
// whatever its rcode, to a question for the root's NS records.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.Query(ctx, ".", dns.TypeNS)
	if err != nil {
		return fmt.Errorf("resolver %s does not answer: %w", c.Server, err)
	}
	return nil
}

// lookup asks for the records of type qtype at name and returns them,
// following CNAMEs in the answer when follow is set, or a *live.Error.
func (c *Client) lookup(ctx context.Context, name string, qtype uint16, follow bool) ([]dns.RR, error) {
	fq := dns.Fqdn(name)
	fail := func(s live.Status, err error) error {
		return &live.Error{Name: fq, Type: dns.TypeToString[qtype], Status: s, Err: err}
	}
	r, err := c.Query(ctx, fq, qtype)
	switch {
	case err != nil && isTimeout(err):
		return nil, fail(live.Timeout, nil)
	case err != nil:
		return nil, fail(live.Failed, err)
	}
	switch r.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return nil, fail(live.NXDomain, nil)
	case dns.RcodeServerFailure:
		return nil, fail(live.ServFail, nil)
	case dns.RcodeRefused:
		return nil, fail(live.Refused, nil)
	default:
		return nil, fail(live.Failed, fmt.Errorf("rcode %s", dns.RcodeToString[r.Rcode]))
	}
	if rrs := answers(r.Answer, fq, qtype, follow); len(rrs) > 0 {
		return rrs, nil
	}
	if len(r.Answer) == 0 && !r.Authoritative && has(r.Ns, dns.TypeNS) && !has(r.Ns, dns.TypeSOA) {
		return nil, fail(live.Referral, errors.New("the server is not a recursive resolver, and not authoritative for the name"))
	}
	return nil, fail(live.NoData, nil)
}

// answers returns the records of type qtype owned by name in the answer
// section, or, when follow is set, by the name its CNAME chain ends at.
func answers(answer []dns.RR, name string, qtype uint16, follow bool) []dns.RR {
	var out []dns.RR
	for range 16 { // a chain longer than this is a loop
		var next string
		for _, rr := range answer {
			h := rr.Header()
			if !strings.EqualFold(h.Name, name) {
				continue
			}
			if h.Rrtype == qtype {
				out = append(out, rr)
			} else if cn, ok := rr.(*dns.CNAME); ok {
				next = cn.Target
			}
		}
		if len(out) > 0 || next == "" || !follow {
			return out
		}
		name = next
	}
	return nil
}

func has(rrs []dns.RR, t uint16) bool {
	return slices.ContainsFunc(rrs, func(rr dns.RR) bool { return rr.Header().Rrtype == t })
}

// LookupTXT returns the TXT records at name, each record's
// character-strings joined without spaces (RFC 7208 §3.3).
func (c *Client) LookupTXT(ctx context.Context, name string) ([]string, error) {
	rrs, err := c.lookup(ctx, name, dns.TypeTXT, true)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		var b strings.Builder
		for _, s := range rr.(*dns.TXT).Txt {
			b.WriteString(records.UnescapeString(s))
		}
		out = append(out, b.String())
	}
	return out, nil
}

// LookupA returns the IPv4 addresses of name.
func (c *Client) LookupA(ctx context.Context, name string) ([]netip.Addr, error) {
	rrs, err := c.lookup(ctx, name, dns.TypeA, true)
	if err != nil {
		return nil, err
	}
	out := make([]netip.Addr, 0, len(rrs))
	for _, rr := range rrs {
		if a, ok := netip.AddrFromSlice(rr.(*dns.A).A); ok {
			out = append(out, a.Unmap())
		}
	}
	return out, nil
}

// LookupAAAA returns the IPv6 addresses of name, following CNAMEs.
func (c *Client) LookupAAAA(ctx context.Context, name string) ([]netip.Addr, error) {
	rrs, err := c.lookup(ctx, name, dns.TypeAAAA, true)
	if err != nil {
		return nil, err
	}
	out := make([]netip.Addr, 0, len(rrs))
	for _, rr := range rrs {
		if a, ok := netip.AddrFromSlice(rr.(*dns.AAAA).AAAA); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// LookupMX returns the mail exchangers of name in order of preference,
// then name. A null MX (RFC 7505) is the host ".".
func (c *Client) LookupMX(ctx context.Context, name string) ([]spf.MXHost, error) {
	rrs, err := c.lookup(ctx, name, dns.TypeMX, true)
	if err != nil {
		return nil, err
	}
	out := make([]spf.MXHost, 0, len(rrs))
	for _, rr := range rrs {
		mx := rr.(*dns.MX)
		out = append(out, spf.MXHost{Host: mx.Mx, Pref: mx.Preference})
	}
	slices.SortFunc(out, func(a, b spf.MXHost) int {
		if a.Pref != b.Pref {
			return int(a.Pref) - int(b.Pref)
		}
		return strings.Compare(strings.ToLower(a.Host), strings.ToLower(b.Host))
	})
	return out, nil
}

// LookupPTR returns the names the PTR records of addr point to: under
// ip6.arpa for IPv6 (RFC 3596 §2.5), in-addr.arpa for IPv4.
func (c *Client) LookupPTR(ctx context.Context, addr netip.Addr) ([]string, error) {
	var name string
	if addr.Is4() || addr.Is4In6() {
		name, _ = dns.ReverseAddr(addr.Unmap().String())
	} else {
		var err error
		if name, err = records.PTRName(addr.WithZone("")); err != nil {
			return nil, err
		}
	}
	rrs, err := c.lookup(ctx, name, dns.TypePTR, true)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		out = append(out, rr.(*dns.PTR).Ptr)
	}
	return out, nil
}

// LookupSOA returns the SOA record owned by name itself: a CNAME or an
// SOA of another name in the answer counts as no records.
func (c *Client) LookupSOA(ctx context.Context, name string) (records.SOA, error) {
	rrs, err := c.lookup(ctx, name, dns.TypeSOA, false)
	if err != nil {
		return records.SOA{}, err
	}
	s := rrs[0].(*dns.SOA)
	return records.SOA{MName: s.Ns, RName: s.Mbox, Serial: s.Serial, Refresh: s.Refresh, Retry: s.Retry, Expire: s.Expire, Minimum: s.Minttl}, nil
}
