package main

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records"
)

// hostFlags are the host command's options: one scheme and what it needs.
type hostFlags struct {
	mac, ipv4, stable, secret, iid string
	index                          uint64
	port                           uint16
	decimal                        bool
}

// hostSchemes are the flags that choose a scheme, one of which is given.
var hostSchemes = []string{"mac", "ipv4", "index", "service", "stable", "iid"}

func newHostCmd() *cobra.Command {
	var f hostFlags
	c := &cobra.Command{
		Use:   "host PREFIX --mac M | --ipv4 A [--decimal] | --index N | --service PORT | --stable NAME --secret S | --iid ID",
		Short: "One host address in a /64 from each interface-ID scheme",
		Long: `host prints the address a host gets in the /64 PREFIX (a shorter prefix uses
its first /64) under one interface-ID scheme, and its PTR name:
  --mac      modified EUI-64 from a MAC address (RFC 4291 Appendix A)
  --ipv4     the IPv4 address in the last 32 bits, in hex (::80df:d617);
             with --decimal, each octet's digits as a group (::128:223:214:23)
  --index    the Nth address counting from ::1
  --service  the port's digits as the ID (::25 for SMTP)
  --stable   an opaque ID from the host's fully qualified name and --secret
             (RFC 7217), the plan's secret: as the plan derives it, with or
             without the name's final dot
  --iid      an ID written as ::25`,
		Example: `  ip6plan host 2001:db8:d6:25::/64 --mac 10:13:72:5b:60:c3
  ip6plan host 2001:468:d01:d6::/64 --ipv4 128.223.214.23
  ip6plan host 2001:db8:d6:25::/64 --stable mta1.example.com --secret "$SECRET"`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return f.run(c, args[0]) },
	}
	fl := c.Flags()
	fl.StringVar(&f.mac, "mac", "", "MAC address for a modified EUI-64 ID")
	fl.StringVar(&f.ipv4, "ipv4", "", "IPv4 address to embed")
	fl.BoolVar(&f.decimal, "decimal", false, "with --ipv4: decimal digits as hex groups")
	fl.Uint64Var(&f.index, "index", 0, "sequential number, from 1")
	fl.Uint16Var(&f.port, "service", 0, "service port, written as the ID's digits")
	fl.StringVar(&f.stable, "stable", "", "name for a stable opaque ID (RFC 7217)")
	fl.StringVar(&f.secret, "secret", "", "secret key for --stable")
	fl.StringVar(&f.iid, "iid", "", "explicit interface ID, like ::25")
	return c
}

// run prints the address the scheme chosen gives in the /64 of prefix,
// and its PTR name.
func (f *hostFlags) run(c *cobra.Command, prefix string) error {
	p, err := ip6.ParsePrefix(prefix)
	if err != nil {
		return err
	}
	if p.Bits() > 64 {
		return fmt.Errorf("%s is longer than /64: a host's 64-bit interface ID needs a /64 (RFC 7421)", p)
	}
	p = netip.PrefixFrom(p.Addr(), 64)
	var chosen []string
	for _, name := range hostSchemes {
		if c.Flags().Changed(name) {
			chosen = append(chosen, "--"+name)
		}
	}
	if len(chosen) != 1 {
		return fmt.Errorf("choose one scheme: --mac, --ipv4, --index, --service, --stable or --iid (got %d)", len(chosen))
	}
	id, err := f.interfaceID(chosen[0], p)
	if err != nil {
		return err
	}
	a, err := ip6.AddrWithIID(p, id)
	if err != nil {
		return err
	}
	ptr, _ := records.PTRName(a)
	fmt.Fprintf(c.OutOrStdout(), "%s\t%s\n", a, ptr)
	if ip6.ReservedIID(id) {
		fmt.Fprintf(c.ErrOrStderr(), "ip6plan: warning: interface ID %s is reserved (RFC 5453); do not give it to a host\n", ip6.FormatIID(id))
	}
	return nil
}

// interfaceID returns the interface ID that scheme (the flag that chose
// it) gives in the /64 p.
func (f *hostFlags) interfaceID(scheme string, p netip.Prefix) (uint64, error) {
	switch scheme {
	case "--mac":
		m, err := ip6.ParseMAC(f.mac)
		if err != nil {
			return 0, err
		}
		if m.IsMulticast() {
			return 0, fmt.Errorf("--mac %s is a multicast (group) address, which no interface has as its own: EUI-64 needs the network card's own unicast MAC (RFC 7042 §2.1)", m)
		}
		return ip6.EUI64(m), nil
	case "--ipv4":
		a, err := netip.ParseAddr(f.ipv4)
		if err != nil || !a.Is4() {
			return 0, fmt.Errorf("--ipv4 %q is not an IPv4 address", f.ipv4)
		}
		if f.decimal {
			return ip6.IPv4Decimal(a)
		}
		return ip6.IPv4Hex(a)
	case "--index":
		return ip6.Sequential(f.index)
	case "--service":
		return ip6.Service(f.port)
	case "--stable":
		if f.secret == "" {
			return 0, errors.New("--stable needs --secret, the key the ID is hashed with (RFC 7217): give the plan's secret to get the address the plan gives the host, and keep it private, since anyone who has it can work out the IDs")
		}
		if err := plan.CheckFQDN(f.stable); err != nil {
			return 0, fmt.Errorf("--stable %q: %w", f.stable, err)
		}
		// A name without a final dot is taken as fully qualified, as in a
		// plan without a domain, so that both spellings give the plan's ID.
		h := plan.Host{Name: f.stable}
		return h.StableIID(p, "", f.secret), nil
	}
	return ip6.ParseIID(f.iid)
}

func newDNSBLCmd() *cobra.Command {
	var zones []string
	c := &cobra.Command{
		Use:   "dnsbl ADDRESS...",
		Short: "DNS blocklist query names for addresses",
		Long: `dnsbl prints the name to look up in each blocklist zone for each address: for
IPv6 the 32 nibbles reversed under the zone (RFC 5782 §2.4), for IPv4 the
reversed octets (§2.1). Look a name up with dig: an A record in 127.0.0.0/8
means listed.`,
		Example: `  ip6plan dnsbl 2001:db8:d6:25::25
  ip6plan dnsbl 2001:db8:d6:25::25 --zone zen.spamhaus.org,bl.example.net
  dig +short $(ip6plan dnsbl 2001:db8:d6:25::25)`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			for _, s := range args {
				a, err := netip.ParseAddr(s)
				if err != nil {
					return fmt.Errorf("%q is not an IP address", s)
				}
				for _, z := range zones {
					name, err := records.DNSBLName(a, z)
					if err != nil {
						return err
					}
					fmt.Fprintln(c.OutOrStdout(), name)
				}
			}
			return nil
		},
	}
	c.Flags().StringSliceVar(&zones, "zone", []string{"zen.spamhaus.org"}, "blocklist zones (comma list, or repeat)")
	return c
}
