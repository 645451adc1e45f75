// Package deploy writes the settings a machine needs to send mail from
// the addresses a plan gives it: the MTA's source address and HELO name
// per mail stream (Postfix, Exim, Sendmail), the static IPv6 address and
// default route of the operating system (Red Hat ifcfg, Debian
// ifupdown, netplan, systemd-networkd, FreeBSD rc.conf, Windows netsh),
// and IPv6 firewall rules for what the machine serves (nftables,
// ip6tables). Readiness lists what mail receivers check for each sending
// host, offline.
//
// A machine may carry several planned hosts: two streams sent from one
// box are two hosts of the plan, each with its own address and name.
// Generate binds all of them.
//
// Like the rest of records, the package does no I/O: it returns files for
// the caller to write.
package deploy

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"slices"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
)

// Kind names a program or system whose settings Generate writes.
type Kind string

// The kinds Generate knows, as the command line names them.
const (
	Postfix   Kind = "postfix"   // main.cf and master.cf (postconf(5), master(5))
	Exim      Kind = "exim"      // smtp transports (Exim spec, chapter "The smtp transport")
	Sendmail  Kind = "sendmail"  // sendmail.mc DAEMON_OPTIONS and CLIENT_OPTIONS (cf/README)
	RHEL      Kind = "rhel"      // Red Hat /etc/sysconfig/network-scripts/ifcfg-IFACE (nm-settings-ifcfg-rh(5))
	Debian    Kind = "debian"    // ifupdown /etc/network/interfaces (interfaces(5))
	Netplan   Kind = "netplan"   // /etc/netplan YAML (netplan(5))
	Networkd  Kind = "networkd"  // systemd-networkd .network file (systemd.network(5))
	FreeBSD   Kind = "freebsd"   // /etc/rc.conf (rc.conf(5))
	Windows   Kind = "windows"   // netsh interface ipv6 commands
	Nftables  Kind = "nftables"  // an nft -f ruleset (nft(8))
	IP6tables Kind = "ip6tables" // an ip6tables-restore file (ip6tables-restore(8))
)

var kinds = []Kind{Postfix, Exim, Sendmail, RHEL, Debian, Netplan, Networkd, FreeBSD, Windows, Nftables, IP6tables}

// Kinds returns every kind, MTAs first, then operating systems, then
// firewalls.
func Kinds() []Kind { return slices.Clone(kinds) }

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	if k := Kind(s); slices.Contains(kinds, k) {
		return k, nil
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown kind %q; want one of %s", s, strings.Join(names, ", "))
}

// IsMTA reports whether k configures a mail server.
func (k Kind) IsMTA() bool { return k == Postfix || k == Exim || k == Sendmail }

// IsHost reports whether k configures the operating system's address and
// default route; these kinds need the subnet's gateway.
func (k Kind) IsHost() bool {
	return k == RHEL || k == Debian || k == Netplan || k == Networkd || k == FreeBSD || k == Windows
}

// IsFirewall reports whether k is a set of firewall rules.
func (k Kind) IsFirewall() bool { return k == Nftables || k == IP6tables }

// DefaultIface returns the interface name Generate uses when Options has
// none: em0 on FreeBSD (the em(4) driver's first card), "Ethernet" on
// Windows, eth0 elsewhere.
func (k Kind) DefaultIface() string {
	switch k {
	case FreeBSD:
		return "em0"
	case Windows:
		return "Ethernet"
	}
	return "eth0"
}

// A File is one generated file.
type File struct {
	// Path is where the file belongs on the target machine, such as
	// /etc/postfix/main.cf; its base name is unique among the files of
	// one Generate call, so the files can be written side by side.
	Path string
	// Part reports whether Content is to be added to an existing file at
	// Path rather than replace it.
	Part bool
	// Mode is the permission the file should have.
	Mode fs.FileMode
	// Content is the text, starting with a comment that names Path.
	Content string
}

// Options say which planned hosts a machine carries and how its network
// interface is named. The zero value selects nothing, so Generate
// refuses it.
type Options struct {
	// Hosts are the planned hosts on the machine, each given by its
	// name, its FQDN (with or without the trailing dot) or its path in
	// the plan, as ip6plan plan lists them. The first is the machine's
	// primary address.
	Hosts []string
	// Iface is the network interface; "" means Kind.DefaultIface.
	Iface string
}

// Generate returns the settings of kind for the machine that carries the
// hosts opt names, from allocation a. Each file's content starts with a
// comment naming where it goes; files marked Part are additions to an
// existing file.
//
// The hosts must have planned (not dynamic) addresses. MTA kinds need at
// least one host with a mail role (outbound, relay, mx or submission);
// operating system kinds need a gateway on the subnet of one of the
// hosts (the plan's per-subnet gateway setting), and say so when there is
// none. Errors for several hosts are joined.
func Generate(kind Kind, a *plan.Allocation, opt Options) ([]File, error) {
	return NewIndex(a).Generate(kind, opt)
}

// Generate writes settings as the function Generate does, for the
// allocation x indexes.
func (x *Index) Generate(kind Kind, opt Options) ([]File, error) {
	if _, err := ParseKind(string(kind)); err != nil {
		return nil, err
	}
	m, err := newMachine(kind, x, opt)
	if err != nil {
		return nil, err
	}
	switch kind {
	case Postfix:
		return m.postfix()
	case Exim:
		return m.exim()
	case Sendmail:
		return m.sendmail()
	case RHEL:
		return m.rhel()
	case Debian:
		return m.debian()
	case Netplan:
		return m.netplan()
	case Networkd:
		return m.networkd()
	case FreeBSD:
		return m.freebsd()
	case Windows:
		return m.windows()
	case Nftables:
		return m.nftables()
	default:
		return m.ip6tables()
	}
}

// machine is one box and the planned hosts it carries.
type machine struct {
	a      *plan.Allocation
	hosts  []member // in the order Options gave them, each once
	iface  string
	gw     netip.Addr // the default router, from the first host whose subnet has one
	gwFrom *member    // the host whose subnet gave gw
}

// member is a planned host on the machine.
type member struct {
	plan.HostAlloc
	subnet plan.SubnetAlloc
	stream string     // the mail stream it sends for: its stream setting, else its subnet's path
	name   string     // FQDN without the trailing dot, lower case: HELO name and PTR target
	gw     netip.Addr // its subnet's gateway, placed in the subnet; invalid if the subnet has none
}

func newMachine(kind Kind, x *Index, opt Options) (*machine, error) {
	m := &machine{a: x.a, iface: opt.Iface}
	if m.iface == "" {
		m.iface = kind.DefaultIface()
	}
	var errs []error
	if err := checkIface(kind, m.iface); err != nil {
		errs = append(errs, err)
	}
	if len(opt.Hosts) == 0 {
		errs = append(errs, errors.New("no host given: name the planned hosts this machine carries"))
	}
	seen := map[string]bool{}
	for _, name := range opt.Hosts {
		h, err := x.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[h.Path] {
			continue
		}
		seen[h.Path] = true
		if !h.Addr.IsValid() {
			errs = append(errs, fmt.Errorf("host %q has a dynamic address, so there is nothing to configure; give it a static scheme in the plan", h.Path))
			continue
		}
		s := x.subnet(h.Subnet)
		m.hosts = append(m.hosts, member{HostAlloc: h, subnet: s, stream: streamOf(h), name: heloName(h.FQDN), gw: s.Gateway()})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for i := range m.hosts {
		if m.hosts[i].gw.IsValid() {
			m.gw, m.gwFrom = m.hosts[i].gw, &m.hosts[i]
			break
		}
	}
	switch {
	case kind.IsHost() && !m.gw.IsValid():
		var names []string
		for _, h := range m.hosts {
			if q := fmt.Sprintf("%q", h.Subnet); !slices.Contains(names, q) {
				names = append(names, q)
			}
		}
		return nil, fmt.Errorf("subnet %s has no gateway, and %s needs one for the default route: add \"gateway: ::1\" (the router's interface ID or address) to the subnet in the plan",
			strings.Join(names, " or "), kind)
	case kind.IsMTA() && !slices.ContainsFunc(m.hosts, func(h member) bool { return hasMailRole(h.Host) }):
		return nil, fmt.Errorf("none of %s has a mail role (outbound, relay, mx or submission), so there is no MTA to configure", m.names())
	}
	return m, nil
}

// streamOf returns the mail stream h sends for: its stream setting, else
// its subnet's path (as plan.Check counts streams).
func streamOf(h plan.HostAlloc) string {
	if h.Host.Stream != "" {
		return h.Host.Stream
	}
	return h.Subnet
}

// heloName returns the HELO name for an FQDN: lower case, without the
// trailing dot (RFC 5321 §4.1.1.1 writes the domain without it).
func heloName(fqdn string) string { return strings.ToLower(strings.TrimSuffix(fqdn, ".")) }

// hasMailRole reports whether h takes part in mail: it sends (outbound,
// relay) or receives (mx, submission).
func hasMailRole(h *plan.Host) bool {
	return h.IsSender() || slices.Contains(h.Roles, plan.RoleMX) || slices.Contains(h.Roles, "submission")
}

// names lists the machine's hosts' names for messages and comments.
func (m *machine) names() string {
	out := make([]string, len(m.hosts))
	for i, h := range m.hosts {
		out[i] = h.name
	}
	return strings.Join(out, ", ")
}

// senders returns the machine's hosts that send mail (plan.Host.IsSender).
func (m *machine) senders() []member {
	var out []member
	for _, h := range m.hosts {
		if h.Host.IsSender() {
			out = append(out, h)
		}
	}
	return out
}

// primary returns the host whose address is the machine's default
// source: the first sender, else the first host.
func (m *machine) primary() member {
	if s := m.senders(); len(s) > 0 {
		return s[0]
	}
	return m.hosts[0]
}

// addrs returns the machine's addresses with the primary first.
func (m *machine) addrs() []netip.Addr {
	p := m.primary()
	out := []netip.Addr{p.Addr}
	for _, h := range m.hosts {
		if h.Addr != p.Addr {
			out = append(out, h.Addr)
		}
	}
	return out
}

// gatewayNote writes comments about the default route when the
// machine's hosts sit in more than one subnet: one default route is
// written, and traffic from the other subnets' addresses takes it too.
func (m *machine) gatewayNote(t *text) {
	var done []string
	for _, h := range m.hosts {
		if h.Subnet == m.gwFrom.Subnet || slices.Contains(done, h.Subnet) {
			continue
		}
		done = append(done, h.Subnet)
		switch {
		case !h.gw.IsValid():
			t.para(fmt.Sprintf("%s's subnet %s has no gateway of its own; it uses the default route via %s.", h.name, h.subnet.Prefix, m.gw))
		case h.gw != m.gw:
			t.para(fmt.Sprintf("%s's subnet %s has gateway %s; only one default route (via %s) is set here, so that router must accept traffic from %s too.", h.name, h.subnet.Prefix, h.gw, m.gw, h.subnet.Prefix))
		}
	}
}

// checkIface reports whether iface is safe to write into kind's files.
// Linux and FreeBSD names are at most 15 octets of letters, digits and
// "-_.:@" (IFNAMSIZ); Windows connection names may also hold spaces and
// parentheses, and are quoted.
func checkIface(kind Kind, iface string) error {
	extra := "-_.:@"
	if kind == Windows {
		extra = "-_. ()#"
	} else if len(iface) > 15 {
		return fmt.Errorf("interface name %q is longer than 15 characters (IFNAMSIZ)", iface)
	}
	if iface == "" || strings.TrimSpace(iface) != iface {
		return fmt.Errorf("interface name %q is empty or starts or ends with a space", iface)
	}
	for i, r := range iface {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(extra, r)) {
			return fmt.Errorf("interface name %q: character %q at offset %d is not allowed; use letters, digits and %q", iface, r, i, extra)
		}
	}
	return nil
}

// text builds a file's content line by line.
type text struct {
	b       strings.Builder
	comment string // the comment marker: "#", "dnl #", "REM"
	eol     string
}

func newText(comment string) *text { return &text{comment: comment, eol: "\n"} }

// line writes one line, its parts joined with nothing between them.
//
// It is called at some 80 places; not inlining it keeps each call a few
// bytes instead of a copy of the loop (about 100 KB of app.wasm).
//
//go:noinline
func (t *text) line(parts ...string) {
	for _, p := range parts {
		t.b.WriteString(p)
	}
	t.b.WriteString(t.eol)
}

// linef writes one formatted line.
func (t *text) linef(format string, args ...any) { t.line(fmt.Sprintf(format, args...)) }

// note writes each string as a comment line; an empty one is a bare
// comment marker.
func (t *text) note(lines ...string) {
	for _, l := range lines {
		if l == "" {
			t.line(t.comment)
			continue
		}
		t.line(t.comment, " ", l)
	}
}

// header writes the comment that opens every file: where the file goes,
// for which hosts, and what to do with it.
func (t *text) header(m *machine, path string, part bool, what string) {
	if part {
		t.note(path + " additions, written by ip6plan for " + m.names() + ".")
	} else {
		t.note(path + ", written by ip6plan for " + m.names() + ".")
	}
	t.para(what)
}

// para writes s as comment lines of at most 80 columns, broken at
// spaces.
func (t *text) para(s string) {
	width := 80 - len(t.comment) - 1
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			t.note(line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		t.note(line)
	}
}

func (t *text) String() string { return t.b.String() }

// file returns the text as a File.
func (t *text) file(path string, part bool) File {
	return File{Path: path, Part: part, Mode: 0o644, Content: t.String()}
}

// label returns s with every character but letters, digits, '-', '_'
// and '.' replaced by '-': safe as a Postfix service or Exim transport
// name.
func label(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '-'
	}, s)
}
