package deploy

import (
	"fmt"
	"strings"
)

// Each operating system kind sets the machine's planned addresses as
// static /64 addresses on one interface, turns off stateless
// autoconfiguration (RFC 4862) and temporary addresses (RFC 8981), whose
// addresses have no PTR and could be picked as the source of outgoing
// mail, and sets the default route via the gateway of the first host's
// subnet that has one. The primary address (the first sender's) comes
// first.

// rhel returns ifcfg lines for Red Hat's network scripts and
// NetworkManager's ifcfg-rh plugin (nm-settings-ifcfg-rh(5)):
// IPV6INIT=yes, IPV6_AUTOCONF=no, IPV6ADDR with the primary address,
// IPV6ADDR_SECONDARIES with the others, IPV6_DEFAULTGW. A comment gives
// the nmcli command that does the same for a keyfile connection (the
// default from RHEL 9).
func (m *machine) rhel() ([]File, error) {
	path := "/etc/sysconfig/network-scripts/ifcfg-" + m.iface
	addrs := m.addrs()
	cidrs := make([]string, len(addrs))
	for i, a := range addrs {
		cidrs[i] = a.String() + "/64"
	}
	t := newText("#")
	t.header(m, path, true, `Merge into the interface's file and run "nmcli connection reload" and "nmcli connection up `+m.iface+`". `+
		"With a NetworkManager keyfile connection (RHEL 9), run instead:")
	t.note(fmt.Sprintf("  nmcli connection modify %s ipv6.method manual ipv6.addresses %q ipv6.gateway %s ipv6.ip6-privacy 0",
		m.iface, strings.Join(cidrs, ", "), m.gw))
	m.gatewayNote(t)
	t.line("IPV6INIT=yes")
	t.line("IPV6_AUTOCONF=no")
	t.line("IPV6ADDR=", cidrs[0])
	if len(cidrs) > 1 {
		t.line(`IPV6ADDR_SECONDARIES="`, strings.Join(cidrs[1:], " "), `"`)
	}
	t.line("IPV6_DEFAULTGW=", m.gw.String())
	return []File{t.file(path, true)}, nil
}

// debian returns an ifupdown file (interfaces(5)) with an "inet6 static"
// stanza per address; the first carries the gateway and turns off
// autoconf, router advertisements and temporary addresses. Debian's
// /etc/network/interfaces sources /etc/network/interfaces.d/*, and
// ifupdown allows several stanzas for one interface and family.
func (m *machine) debian() ([]File, error) {
	path := "/etc/network/interfaces.d/ip6plan-" + m.iface
	t := newText("#")
	t.header(m, path, false, `/etc/network/interfaces reads it with "source /etc/network/interfaces.d/*"; `+
		`the interface's "auto" or "allow-hotplug" line and IPv4 stanza stay there. Applied at the next ifup `+m.iface+" or boot.")
	m.gatewayNote(t)
	for i, a := range m.addrs() {
		t.line()
		t.line("iface ", m.iface, " inet6 static")
		t.line("\taddress ", a.String(), "/64")
		if i == 0 {
			t.line("\tgateway ", m.gw.String())
			t.line("\tautoconf 0")
			t.line("\taccept_ra 0")
			t.line("\tprivext 0")
		}
	}
	return []File{t.file(path, false)}, nil
}

// netplan returns a netplan file (netplan(5)): the interface's addresses,
// accept-ra and ipv6-privacy off, and a route to ::/0 via the gateway.
// Netplan merges it with the other files in /etc/netplan; it wants them
// readable by root only, so the mode is 0600.
func (m *machine) netplan() ([]File, error) {
	path := "/etc/netplan/60-ip6plan.yaml"
	t := newText("#")
	t.header(m, path, false, `Netplan merges it with the other files in /etc/netplan. Check with "netplan generate", apply with "netplan try".`)
	m.gatewayNote(t)
	t.line("network:")
	t.line("  version: 2")
	t.line("  ethernets:")
	t.line("    ", yamlQuote(m.iface), ":")
	t.line("      accept-ra: false")
	t.line("      ipv6-privacy: false")
	t.line("      addresses:")
	for _, a := range m.addrs() {
		t.line(`        - "`, a.String(), `/64"`)
	}
	t.line("      routes:")
	t.line(`        - to: "::/0"`)
	t.line(`          via: "`, m.gw.String(), `"`)
	f := t.file(path, false)
	f.Mode = 0o600
	return []File{f}, nil
}

// yamlQuote returns s as a YAML double-quoted scalar when it is not a
// plain word.
func yamlQuote(s string) string {
	if strings.ContainsAny(s, ":#@") {
		return `"` + s + `"`
	}
	return s
}

// networkd returns a systemd-networkd .network file (systemd.network(5)):
// [Match] Name= the interface; [Network] with IPv6AcceptRA=no,
// IPv6PrivacyExtensions=no, an Address= per address and Gateway=.
func (m *machine) networkd() ([]File, error) {
	path := "/etc/systemd/network/10-ip6plan-" + m.iface + ".network"
	t := newText("#")
	t.header(m, path, false, "systemd-networkd applies only the first .network file, in lexical order, that matches an interface: "+
		"if "+m.iface+" has one already (for IPv4), copy the [Network] lines into it, or into a drop-in beside it "+
		`(FILE.network.d/ip6plan.conf), instead. Apply with "networkctl reload".`)
	m.gatewayNote(t)
	t.line("[Match]")
	t.line("Name=", m.iface)
	t.line()
	t.line("[Network]")
	for _, a := range m.addrs() {
		t.line("Address=", a.String(), "/64")
	}
	t.line("IPv6AcceptRA=no")
	t.line("IPv6PrivacyExtensions=no")
	t.line("Gateway=", m.gw.String())
	return []File{t.file(path, false)}, nil
}

// freebsd returns rc.conf lines (rc.conf(5)): ifconfig_IF_ipv6 with the
// primary address, ifconfig_IF_aliasN for the others, and
// ipv6_defaultrouter. Without accept_rtadv the interface does no
// autoconfiguration. rc.conf writes the interface's '.' and '-' as '_'.
func (m *machine) freebsd() ([]File, error) {
	path := "/etc/rc.conf"
	v := strings.NewReplacer(".", "_", "-", "_", ":", "_", "@", "_").Replace(m.iface)
	t := newText("#")
	t.header(m, path, true, `Add with sysrc or an editor; apply with "service netif restart `+m.iface+`" and "service routing restart", or reboot. `+
		"Alias numbers run from 0 without gaps: renumber them if "+m.iface+" has aliases already.")
	m.gatewayNote(t)
	for i, a := range m.addrs() {
		if i == 0 {
			t.linef(`ifconfig_%s_ipv6="inet6 %s prefixlen 64"`, v, a)
		} else {
			t.linef(`ifconfig_%s_alias%d="inet6 %s prefixlen 64"`, v, i-1, a)
		}
	}
	t.linef(`ipv6_defaultrouter="%s"`, m.gw)
	return []File{t.file(path, true)}, nil
}

// windows returns netsh commands as a batch file: router discovery off
// (no autoconfigured addresses), "netsh interface ipv6 add address" for
// each address, the others with skipassource=true so Windows keeps the
// primary as its default source, and "add route ::/0" via the gateway,
// all persistent. Lines end in CRLF.
func (m *machine) windows() ([]File, error) {
	path := "ip6plan-ipv6.cmd"
	t := newText("REM")
	t.eol = "\r\n"
	t.header(m, path, false, "Run in an elevated Command Prompt on the machine.")
	m.gatewayNote(t)
	q := `"` + m.iface + `"`
	t.line("netsh interface ipv6 set interface interface=", q, " routerdiscovery=disabled")
	for i, a := range m.addrs() {
		skip := ""
		if i > 0 {
			skip = " skipassource=true"
		}
		t.line("netsh interface ipv6 add address interface=", q, " address=", a.String(), "/64 store=persistent", skip)
	}
	t.line("netsh interface ipv6 add route prefix=::/0 interface=", q, " nexthop=", m.gw.String(), " store=persistent")
	return []File{t.file(path, false)}, nil
}
