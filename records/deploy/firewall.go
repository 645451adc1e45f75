package deploy

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
)

// The firewall kinds filter inbound IPv6 only (IPv4 rules do not cover
// IPv6, and these leave IPv4 alone). They accept replies to the machine's
// own connections, loopback, the ICMPv6 that RFC 4890 §4.4.1 says must
// not be dropped (error messages, Packet Too Big above all, which path
// MTU discovery needs, RFC 8201; echo; router and neighbor discovery,
// RFC 4861; multicast listener discovery, RFC 3810) and, to each planned
// address, the services of its host's roles. Every other new inbound
// connection is dropped: management access such as SSH is not in the
// plan, so the rules leave a commented line for it.

// service is one port a host serves.
type service struct {
	proto string // tcp or udp
	port  uint16
	what  string
	from  netip.Prefix // allowed sources; invalid means anywhere
}

// servicesOf returns what h's roles serve: SMTP (25) for mx, message
// submission (587, RFC 6409) for submission, DNS (53 over UDP and TCP,
// RFC 7766) for ns, HTTP and HTTPS (80, 443) for web, and SMTP from the
// plan's own prefix for relay. Outbound only sends, and needs no inbound
// rule.
func servicesOf(h member, planPrefix netip.Prefix) []service {
	var out []service
	roles := h.Host.Roles
	if slices.Contains(roles, plan.RoleMX) {
		out = append(out, service{"tcp", 25, "SMTP", netip.Prefix{}})
	} else if slices.Contains(roles, "relay") {
		out = append(out, service{"tcp", 25, "SMTP relay for the plan's hosts", planPrefix})
	}
	if slices.Contains(roles, "submission") {
		out = append(out, service{"tcp", 587, "message submission", netip.Prefix{}})
	}
	if slices.Contains(roles, "ns") {
		out = append(out, service{"udp", 53, "DNS", netip.Prefix{}}, service{"tcp", 53, "DNS", netip.Prefix{}})
	}
	if slices.Contains(roles, "web") {
		out = append(out, service{"tcp", 80, "HTTP", netip.Prefix{}}, service{"tcp", 443, "HTTPS", netip.Prefix{}})
	}
	return out
}

// rolesOf describes h's roles for a comment.
func rolesOf(h member) string {
	if len(h.Host.Roles) == 0 {
		return "no roles"
	}
	return "roles " + strings.Join(h.Host.Roles, ", ")
}

// nftables returns an nft -f script (nft(8)) that replaces a table of
// its own, "ip6 ip6plan", with an input chain whose policy is drop.
// Other tables are left alone; but a packet one base chain drops stays
// dropped whatever the others accept.
func (m *machine) nftables() ([]File, error) {
	const path = "/etc/nftables.d/ip6plan.nft"
	t := newText("#")
	t.header(m, path, false, `Load with "nft -f `+path+`"; at boot, with include "`+path+`" in /etc/nftables.conf. `+
		"IPv6 only: IPv4 rules do not cover IPv6. This table drops every new inbound IPv6 connection it does not accept below, "+
		"whatever other tables accept: add your management access (SSH) before loading.")
	t.line("table ip6 ip6plan")
	t.line("delete table ip6 ip6plan")
	t.line()
	t.line("table ip6 ip6plan {")
	t.line("\tchain input {")
	t.line("\t\ttype filter hook input priority filter; policy drop;")
	t.line("\t\tct state established,related accept")
	t.line("\t\t# ICMPv6 that must not be dropped (RFC 4890 §4.4.1): errors (Packet Too Big")
	t.line("\t\t# for path MTU discovery), echo, neighbor and router discovery, MLD.")
	t.line("\t\ticmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, echo-request, echo-reply } accept")
	t.line("\t\ticmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, ind-neighbor-solicit, ind-neighbor-advert } accept")
	t.line("\t\ticmpv6 type { mld-listener-query, mld-listener-report, mld-listener-done, mld2-listener-report } accept")
	t.line("\t\tct state invalid drop")
	t.line("\t\tiif \"lo\" accept")
	t.line("\t\t# Management access is not in the plan: accept yours here, for example")
	t.line("\t\t# tcp dport 22 accept")
	for _, h := range m.hosts {
		t.linef("\t\t# %s (%s): %s", h.name, h.Addr, rolesOf(h))
		for _, s := range servicesOf(h, m.a.Plan.Prefix) {
			from := ""
			if s.from.IsValid() {
				from = "ip6 saddr " + s.from.String() + " "
			}
			t.linef("\t\t%sip6 daddr %s %s dport %d accept comment %q", from, h.Addr, s.proto, s.port, s.what)
		}
	}
	t.line("\t}")
	t.line("}")
	return []File{t.file(path, false)}, nil
}

// ip6tables returns an ip6tables-restore file (ip6tables-restore(8)) for
// the filter table: the INPUT policy is DROP, and the same rules as
// nftables. Loading it replaces the IPv6 filter table.
func (m *machine) ip6tables() ([]File, error) {
	const path = "/etc/iptables/rules.v6"
	t := newText("#")
	t.header(m, path, false, "ip6tables-restore format, IPv6 only: IPv4 rules do not cover IPv6. "+
		"Loading it replaces the IPv6 filter table: merge your own rules (SSH) in first. "+
		"Debian's iptables-persistent loads "+path+"; Red Hat's iptables-services, /etc/sysconfig/ip6tables.")
	t.line("*filter")
	t.line(":INPUT DROP [0:0]")
	t.line("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
	t.para("ICMPv6 that must not be dropped (RFC 4890 §4.4.1): errors (Packet Too Big for path MTU discovery), " +
		"echo, router and neighbor discovery (133-136, 141, 142), MLD (130-132, 143).")
	for _, typ := range []string{"destination-unreachable", "packet-too-big", "time-exceeded", "parameter-problem", "echo-request", "echo-reply",
		"router-solicitation", "router-advertisement", "neighbour-solicitation", "neighbour-advertisement", "141", "142",
		"130", "131", "132", "143"} {
		t.line("-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type ", typ, " -j ACCEPT")
	}
	t.line("-A INPUT -m conntrack --ctstate INVALID -j DROP")
	t.line("-A INPUT -i lo -j ACCEPT")
	t.note("Management access is not in the plan: accept yours here, for example",
		"-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT")
	for _, h := range m.hosts {
		t.note(fmt.Sprintf("%s (%s): %s", h.name, h.Addr, rolesOf(h)))
		for _, s := range servicesOf(h, m.a.Plan.Prefix) {
			from := ""
			if s.from.IsValid() {
				from = "-s " + s.from.String() + " "
			}
			t.linef("-A INPUT %s-d %s/128 -p %s -m %s --dport %d -m comment --comment %q -j ACCEPT", from, h.Addr, s.proto, s.proto, s.port, s.what)
		}
	}
	t.line("COMMIT")
	return []File{t.file(path, false)}, nil
}
