package deploy

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
)

// transport is one outgoing mail path: a sending host on the machine and
// the stream it sends for.
type transport struct {
	member
	name string // service or transport name, unique on the machine
}

// transports returns one transport per sending host of the machine, in
// the order the hosts were given. A transport is named after its stream
// when the machine has one sender for that stream, and after the stream
// and the host's first label otherwise, so that two hosts of one stream
// on one box stay apart.
func (m *machine) transports() []transport {
	senders := m.senders()
	count := map[string]int{}
	for _, h := range senders {
		count[h.stream]++
	}
	out := make([]transport, len(senders))
	for i, h := range senders {
		name := h.stream
		if count[h.stream] > 1 {
			first, _, _ := strings.Cut(h.name, ".")
			name += "-" + first
		}
		out[i] = transport{h, label(name)}
	}
	return out
}

// postfix returns main.cf and master.cf additions (postconf(5),
// master(5)).
//
// main.cf turns on both protocols (inet_protocols = all), makes the
// primary sender's address and name the defaults for the smtp client
// (smtp_bind_address6, smtp_bind_address for a host with IPv4,
// smtp_helo_name), prefers IPv6 for delivery (smtp_address_preference =
// ipv6: the planned address carries the PTR and SPF that receivers
// check; "any", the default, picks a family at random), and lists
// loopback and the machine's /64s in mynetworks, IPv6 networks written in
// brackets as Postfix requires ("[2001:db8::]/64").
//
// master.cf gets one smtp transport per stream and sending host, with
// -o smtp_bind_address6= (and -o smtp_bind_address= for IPv4) and
// -o smtp_helo_name= equal to the host's PTR name (RFC 5321 §4.1.4), and
// its own syslog_name. Mail reaches a transport through
// sender_dependent_default_transport_maps or transport_maps.
func (m *machine) postfix() ([]File, error) {
	p := m.primary()
	mc := newText("#")
	mc.header(m, "/etc/postfix/main.cf", true, `Append to main.cf (a later setting wins), check with "postconf -n" and run "postfix reload".`)
	mc.note("", "Send and receive over IPv6 as well as IPv4.")
	mc.line("inet_protocols = all")
	mc.para("Send from the planned address, whose PTR names the HELO name below, never from an address the kernel picks (SLAAC or temporary addresses have no PTR).")
	mc.line("smtp_bind_address6 = ", p.Addr.String())
	if p.Host.IPv4.IsValid() {
		mc.line("smtp_bind_address = ", p.Host.IPv4.String())
	}
	mc.line("smtp_helo_name = ", p.name)
	mc.para(`Deliver over IPv6 first, from the address receivers can check; "any" (the default) picks IPv4 or IPv6 at random.`)
	mc.line("smtp_address_preference = ipv6")
	mc.para("Clients that may relay: loopback and this machine's /64s. Add your other networks; Postfix writes IPv6 networks in brackets.")
	nets := []string{"127.0.0.0/8", "[::ffff:127.0.0.0]/104", "[::1]/128"}
	for _, s := range m.subnets() {
		nets = append(nets, fmt.Sprintf("[%s]/%d", s.Addr(), s.Bits()))
	}
	mc.line("mynetworks = ", strings.Join(nets, " "))

	ms := newText("#")
	ms.header(m, "/etc/postfix/master.cf", true, "One smtp transport per mail stream and sending host: each sends from its own address with its PTR name as HELO (RFC 5321 §4.1.4). "+
		"Send a stream's mail through its transport with sender_dependent_default_transport_maps, then run \"postfix reload\".")
	ts := m.transports()
	if len(ts) > 0 {
		ms.note("For example, in the map: @news.example.com  " + ts[0].name + ":")
	} else {
		ms.para("None of " + m.names() + " sends mail (roles outbound or relay): no transports.")
	}
	for _, t := range ts {
		ms.line()
		ms.note(fmt.Sprintf("stream %s, host %s", t.stream, t.member.name))
		ms.linef("%-16s unix  -       -       n       -       -       smtp", t.name)
		ms.line("  -o smtp_bind_address6=", t.Addr.String())
		if t.Host.IPv4.IsValid() {
			ms.line("  -o smtp_bind_address=", t.Host.IPv4.String())
		}
		ms.line("  -o smtp_helo_name=", t.member.name)
		ms.line("  -o syslog_name=postfix/", t.name)
	}
	return []File{mc.file("/etc/postfix/main.cf", true), ms.file("/etc/postfix/master.cf", true)}, nil
}

// subnets returns the prefixes of the machine's hosts' subnets, each
// once, in the order of the hosts.
func (m *machine) subnets() []netip.Prefix {
	var out []netip.Prefix
	for _, h := range m.hosts {
		if !slices.Contains(out, h.subnet.Prefix) {
			out = append(out, h.subnet.Prefix)
		}
	}
	return out
}

// exim returns smtp transports for Exim (the Exim specification, chapter
// "The smtp transport"): one per stream and sending host, with interface
// set to the host's address (and its IPv4 address, if it has one: Exim
// binds to the first address of the connection's family) and helo_data
// set to its PTR name. The interface list starts with "<;" so that the
// colons of IPv6 addresses are not list separators (chapter "Domain,
// host, address and local part lists", changing the separator).
func (m *machine) exim() ([]File, error) {
	const path = "/etc/exim4/conf.d/transport/30_ip6plan_remote_smtp"
	t := newText("#")
	t.header(m, path, false, "Debian's split configuration reads it after update-exim4.conf; with one configuration file "+
		`(exim4.conf.template, /etc/exim/configure), paste the transports into its "begin transports" section. `+
		"Select a stream's transport on the router that delivers remote mail (dnslookup), for example:")
	ts := m.transports()
	if len(ts) == 0 {
		t.para("None of " + m.names() + " sends mail (roles outbound or relay): no transports.")
	} else {
		t.note("  transport = ${if eq{$sender_address_domain}{news.example.com}{" + eximName(ts[0].name) + "}{remote_smtp}}")
	}
	for _, tr := range ts {
		t.line()
		t.note(fmt.Sprintf("stream %s, host %s", tr.stream, tr.member.name))
		t.line(eximName(tr.name), ":")
		t.line("  driver = smtp")
		if tr.Host.IPv4.IsValid() {
			t.line("  interface = <; ", tr.Addr.String(), " ; ", tr.Host.IPv4.String())
		} else {
			t.line("  interface = <; ", tr.Addr.String())
		}
		t.line("  helo_data = ", tr.member.name)
	}
	return []File{t.file(path, false)}, nil
}

// eximName returns the Exim transport name for a transport: letters,
// digits and underscores.
func eximName(name string) string {
	return "remote_smtp_" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, name)
}

// sendmail returns sendmail.mc additions (sendmail's cf/README): a
// DAEMON_OPTIONS per receiving host (DaemonPortOptions with Family=inet6,
// Addr= its address; Port=smtp for mx, Port=submission with M=Ea for
// submission) and CLIENT_OPTIONS with Family=inet6 and Addr= the primary
// sender's address, which becomes ClientPortOptions, and confHELO_NAME
// (HeloName) set to its PTR name.
//
// Sendmail keeps one ClientPortOptions per address family, so one
// instance sends from one address; further senders are listed in a
// comment: each needs an instance of its own.
func (m *machine) sendmail() ([]File, error) {
	const path = "/etc/mail/sendmail.mc"
	t := newText("dnl #")
	t.header(m, path, true, "Add before the MAILER lines, rebuild sendmail.cf (make -C /etc/mail, or m4 sendmail.mc > sendmail.cf) and restart sendmail.")
	if slices.ContainsFunc(m.hosts, func(h member) bool { return len(daemonsOf(h)) > 0 }) {
		t.para("Any DAEMON_OPTIONS replaces sendmail's default listener: keep your IPv4 ones, e.g. DAEMON_OPTIONS(`Family=inet, Name=MTA-v4, Port=smtp')dnl")
	}
	for _, h := range m.hosts {
		for _, d := range daemonsOf(h) {
			t.note(fmt.Sprintf("Receive %s on %s's address (DaemonPortOptions):", d.what, h.name))
			first, _, _ := strings.Cut(h.name, ".")
			t.linef("DAEMON_OPTIONS(`Family=inet6, Name=%s-%s, Addr=%s, Port=%s%s')dnl", d.name, label(first), h.Addr, d.port, d.modifiers)
		}
	}
	ss := m.senders()
	if len(ss) == 0 {
		t.para("None of " + m.names() + " sends mail (roles outbound or relay): outgoing mail keeps its defaults.")
		return []File{t.file(path, true)}, nil
	}
	s := ss[0]
	t.para(fmt.Sprintf("Send from %s's address (ClientPortOptions), whose PTR names the HELO name.", s.name))
	t.linef("CLIENT_OPTIONS(`Family=inet6, Addr=%s')dnl", s.Addr)
	if s.Host.IPv4.IsValid() {
		t.linef("CLIENT_OPTIONS(`Family=inet, Addr=%s')dnl", s.Host.IPv4)
	}
	t.linef("define(`confHELO_NAME', `%s')dnl", s.name)
	for _, o := range ss[1:] {
		t.para(fmt.Sprintf("%s (%s, stream %s) needs a sendmail instance of its own: one instance sends from one address per family. Generate its settings with --host %s.",
			o.name, o.Addr, o.stream, o.name))
	}
	return []File{t.file(path, true)}, nil
}

// daemon is one listening socket of a receiving host.
type daemon struct {
	what, name, port, modifiers string
}

// daemonsOf returns the sockets a host's roles need: SMTP for mx (RFC
// 5321), message submission for submission (RFC 6409), with
// authentication required (M=Ea).
func daemonsOf(h member) []daemon {
	var out []daemon
	if slices.Contains(h.Host.Roles, plan.RoleMX) {
		out = append(out, daemon{"mail", "MTA6", "smtp", ""})
	}
	if slices.Contains(h.Host.Roles, "submission") {
		out = append(out, daemon{"submissions from users", "MSA6", "submission", ", M=Ea"})
	}
	return out
}
