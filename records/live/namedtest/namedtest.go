// Package namedtest runs BIND's named on loopback for tests: an
// authoritative server for zones given as zone file text, or a recursive
// resolver whose root hints point at one, each from a temporary directory
// with a generated named.conf, at an unprivileged port, stopped when the
// test ends. A missing named skips the test with the command that installs
// it (or fails it under IP6PLAN_REQUIRE_TOOLS=1; see tooltest).
package namedtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/ip6plan/ip6plan/plan/tooltest"
)

// A Zone is one zone a server is authoritative for.
type Zone struct {
	Origin string // fully qualified, e.g. "example.com." or "." for the root
	Text   string // the zone file
}

// Config says what server to run. The zero Config is an authoritative
// server with no zones on 127.0.0.1 at a free port.
type Config struct {
	// Addr is the address to listen on; the zero Addr means 127.0.0.1.
	// named listens only on addresses an interface has, so other
	// loopback addresses such as 127.0.0.2 work only where lo has them.
	Addr netip.Addr
	// Port is the port to listen on; 0 picks a free unprivileged one.
	Port uint16
	// Zones are served authoritatively (type primary).
	Zones []Zone
	// Root, when valid, makes the server a recursive resolver (recursion
	// yes) whose root hints name a root server at Root. named sends all
	// its queries to Root's port (the "port" option, meant for testing),
	// so every server it must reach listens on that port: the root on
	// 127.0.0.1 and, say, a Silent server on 127.0.0.2.
	Root netip.AddrPort
	// Options are more statements for the options block, such as
	// "resolver-query-timeout 10000;".
	Options string
}

// A Server is a running named.
type Server struct {
	AddrPort netip.AddrPort // where it listens, UDP and TCP
	Dir      string         // its working directory, with named.conf and named.log

	cmd  *exec.Cmd
	done chan struct{}
	err  error // from Wait, valid once done is closed
}

// Addr returns the server's address as HOST:PORT.
func (s *Server) Addr() string { return s.AddrPort.String() }

// Log returns what named has written to its log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "named.log"))
	return string(b)
}

// Path returns the named program, or skips the test (fails it under
// IP6PLAN_REQUIRE_TOOLS=1) with the command that installs it. named lives
// in /usr/sbin, which the PATH of users other than root often lacks.
func Path(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("named"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/named"); err == nil {
		return "/usr/sbin/named"
	}
	return tooltest.Look(t, "named", "bind9")
}

// ErrAddrInUse is the error of TryStart when named could not listen,
// because something else has the port.
var ErrAddrInUse = errors.New("named could not listen: the address is in use")

// Start runs named with cfg and stops it when the test ends. It returns
// once the server answers, and fails the test if named does not start or
// a zone does not load. When cfg.Port is 0 and the port it picked is
// taken before named listens (by another test process), it tries
// another.
func Start(t testing.TB, cfg Config) *Server {
	t.Helper()
	for try := 0; ; try++ {
		s, err := TryStart(t, cfg)
		if err == nil {
			return s
		}
		if !errors.Is(err, ErrAddrInUse) || cfg.Port != 0 || try == 3 {
			t.Fatal(err)
		}
	}
}

// TryStart is Start, returning the error rather than failing the test; an
// error that wraps ErrAddrInUse says the port was taken.
func TryStart(t testing.TB, cfg Config) (*Server, error) {
	t.Helper()
	named := Path(t)
	if !cfg.Addr.IsValid() {
		cfg.Addr = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	if cfg.Port == 0 {
		cfg.Port = FreePort(t, cfg.Addr)
	}
	dir := t.TempDir()
	conf, err := writeConfig(dir, cfg)
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "named.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	// -g: foreground, everything logged to stderr; -4: IPv4 only, so a
	// resolver never tries the IPv6 addresses it has no route to.
	cmd := exec.Command(named, "-g", "-4", "-c", conf)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{AddrPort: netip.AddrPortFrom(cfg.Addr, cfg.Port), Dir: dir, cmd: cmd, done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	t.Cleanup(s.stop)
	if err := s.wait(30 * time.Second); err != nil {
		if strings.Contains(s.Log(), "unable to listen") {
			return nil, fmt.Errorf("%w: %s", ErrAddrInUse, s.Addr())
		}
		return nil, fmt.Errorf("named did not start: %v\n%s", err, s.Log())
	}
	for _, z := range cfg.Zones {
		if err := s.checkZone(z.Origin); err != nil {
			return nil, fmt.Errorf("named did not load zone %s: %v\n%s", z.Origin, err, s.Log())
		}
	}
	return s, nil
}

// stop ends named: SIGTERM, then SIGKILL if it has not gone in 5 seconds.
func (s *Server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// wait watches named's log until it says "running", which it logs once
// it listens and has loaded its zones, or until named exits or the time
// is up. It does not poll with queries: this BIND's rate limiting drops
// repeated version.bind answers (seen on CI: every one dropped for ten
// seconds), and the zone checks that follow ask real questions anyway.
func (s *Server) wait(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-s.done:
			return fmt.Errorf("named exited: %v", s.err)
		default:
		}
		if runningLine.MatchString(s.Log()) {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New(`no "running" in the log`)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkZone asks the server for the SOA of origin and wants an
// authoritative answer.
func (s *Server) checkZone(origin string) error {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(origin), dns.TypeSOA)
	m.RecursionDesired = false
	r, _, err := (&dns.Client{Timeout: 2 * time.Second}).Exchange(m, s.Addr())
	switch {
	case err != nil:
		return err
	case r.Rcode != dns.RcodeSuccess || !r.Authoritative || len(r.Answer) == 0:
		return fmt.Errorf("SOA query answered %s, aa=%t, %d answers", dns.RcodeToString[r.Rcode], r.Authoritative, len(r.Answer))
	}
	return nil
}

// writeConfig writes named.conf, the zone files and the root hints into
// dir and returns the path of named.conf.
func writeConfig(dir string, cfg Config) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, `options {
	directory %q;
	pid-file "named.pid";
	session-keyfile "session.key";
	managed-keys-directory %q;
	dump-file "cache.dump";
	statistics-file "named.stats";
	listen-on port %d { %s; };
	listen-on-v6 { none; };
	dnssec-validation no;
	notify no;
	querylog no;
`, dir, dir, cfg.Port, cfg.Addr)
	if cfg.Root.IsValid() {
		// A resolver for a private root: no DNSSEC (the real root's
		// trust anchor would reject it) and no automatic empty zones,
		// which would answer for 2001:db8::/32 (RFC 3849) and the
		// private ranges from inside the resolver.
		fmt.Fprintf(&b, "\tport %d;\n", cfg.Root.Port())
		b.WriteString(`	recursion yes;
	allow-recursion { 127.0.0.0/8; };
	allow-query-cache { 127.0.0.0/8; };
	empty-zones-enable no;
	qname-minimization off;
	recursive-clients 20000;
`)
	} else {
		b.WriteString("\trecursion no;\n")
	}
	b.WriteString(cfg.Options)
	b.WriteString("\n};\ncontrols { };\n")
	if cfg.Root.IsValid() {
		hints := fmt.Sprintf(".\t3600000\tNS\troot.namedtest.\nroot.namedtest.\t3600000\tA\t%s\n", cfg.Root.Addr())
		if err := os.WriteFile(filepath.Join(dir, "root.hint"), []byte(hints), 0o644); err != nil {
			return "", err
		}
		b.WriteString("zone \".\" { type hint; file \"root.hint\"; };\n")
	}
	for i, z := range cfg.Zones {
		file := "zone" + strconv.Itoa(i) + ".db"
		if err := os.WriteFile(filepath.Join(dir, file), []byte(z.Text), 0o644); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "zone %q { type primary; file %q; };\n", dns.Fqdn(z.Origin), file)
	}
	path := filepath.Join(dir, "named.conf")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// runningLine is the line named -g logs once it has loaded its zones.
var runningLine = regexp.MustCompile(`(?m) running$`)

var portMu sync.Mutex

// FreePort returns a port above 1023 that is free for UDP and TCP on
// every one of addrs, so that servers and silent listeners can share it.
func FreePort(t testing.TB, addrs ...netip.Addr) uint16 {
	t.Helper()
	portMu.Lock()
	defer portMu.Unlock()
	for range 50 {
		l, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(addrs[0], 0)))
		if err != nil {
			t.Fatal(err)
		}
		port := uint16(l.LocalAddr().(*net.UDPAddr).Port)
		l.Close()
		if port > 1023 && free(addrs, port) {
			return port
		}
	}
	t.Fatal("namedtest: found no port free on all of", addrs)
	return 0
}

// free reports whether port is free for UDP and TCP on each of addrs.
func free(addrs []netip.Addr, port uint16) bool {
	for _, a := range addrs {
		ap := netip.AddrPortFrom(a, port)
		u, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(ap))
		if err != nil {
			return false
		}
		u.Close()
		l, err := net.ListenTCP("tcp", net.TCPAddrFromAddrPort(ap))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}

// Silent listens on ap for UDP and TCP and never answers: a name server
// that has gone quiet, so that a resolver asking it times out (a closed
// port would instead refuse at once, through ICMP or a TCP reset). It
// stops when the test ends.
func Silent(t testing.TB, ap netip.AddrPort) {
	t.Helper()
	u, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(ap))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.ListenTCP("tcp", net.TCPAddrFromAddrPort(ap))
	if err != nil {
		u.Close()
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		buf := make([]byte, 65536)
		for {
			if _, _, err := u.ReadFromUDP(buf); err != nil {
				return
			}
		}
	})
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			if ctx.Err() != nil {
				return
			}
		}
	})
	t.Cleanup(func() {
		cancel()
		u.Close()
		l.Close()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	})
}

// Dig runs dig (dnsutils) against the server and returns its output; the
// test skips (or fails under IP6PLAN_REQUIRE_TOOLS=1) when dig is missing.
func Dig(t testing.TB, server netip.AddrPort, args ...string) (string, error) {
	t.Helper()
	dig := tooltest.Look(t, "dig", "dnsutils")
	all := append([]string{"@" + server.Addr().String(), "-p", strconv.Itoa(int(server.Port()))}, args...)
	var out, errb bytes.Buffer
	cmd := exec.Command(dig, all...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		err = fmt.Errorf("dig %s: %v: %s%s", strings.Join(all, " "), err, out.String(), errb.String())
	}
	return out.String(), err
}
