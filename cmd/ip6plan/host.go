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

func newHostCmd() *cobra.Command {
	var (
		mac, ipv4, stable, secret, iid string
		index                          uint64
		port                           uint16
		decimal                        bool
	)
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
		RunE: func(c *cobra.Command, args []string) error {
			p, err := ip6.ParsePrefix(args[0])
			if err != nil {
				return err
			}
			if p.Bits() > 64 {
				return fmt.Errorf("%s is longer than /64: a host's 64-bit interface ID needs a /64 (RFC 7421)", p)
			}
			p = netip.PrefixFrom(p.Addr(), 64)
			fl := c.Flags()
			var chosen []string
			for _, name := range []string{"mac", "ipv4", "index", "service", "stable", "iid"} {
				if fl.Changed(name) {
					chosen = append(chosen, "--"+name)
				}
			}
			if len(chosen) != 1 {
				return fmt.Errorf("choose one scheme: --mac, --ipv4, --index, --service, --stable or --iid (got %d)", len(chosen))
			}
			var id uint64
			switch chosen[0] {
			case "--mac":
				m, err := ip6.ParseMAC(mac)
				if err != nil {
					return err
				}
				if m.IsMulticast() {
					return fmt.Errorf("--mac %s is a multicast (group) address, which no interface has as its own: EUI-64 needs the network card's own unicast MAC (RFC 7042 §2.1)", m)
				}
				id = ip6.EUI64(m)
			case "--ipv4":
				a, err := netip.ParseAddr(ipv4)
				if err != nil || !a.Is4() {
					return fmt.Errorf("--ipv4 %q is not an IPv4 address", ipv4)
				}
				if decimal {
					id, err = ip6.IPv4Decimal(a)
				} else {
					id, err = ip6.IPv4Hex(a)
				}
				if err != nil {
					return err
				}
			case "--index":
				if id, err = ip6.Sequential(index); err != nil {
					return err
				}
			case "--service":
				if id, err = ip6.Service(port); err != nil {
					return err
				}
			case "--stable":
				if secret == "" {
					return errors.New("--stable needs --secret, the key the ID is hashed with (RFC 7217): give the plan's secret to get the address the plan gives the host, and keep it private, since anyone who has it can work out the IDs")
				}
				// The plan hashes the host's fully qualified name
				// (plan.Host.FQDN): a name without a final dot is
				// taken as fully qualified, as in a plan without a
				// domain, so that both spellings give the plan's ID.
				h := plan.Host{Name: stable}
				fqdn := h.FQDN("")
				if err := records.CheckHostname(stable); err != nil {
					return fmt.Errorf("--stable %q: %w", stable, err)
				}
				id = ip6.StableIID(p, fqdn, []byte(secret), 0)
			case "--iid":
				if id, err = ip6.ParseIID(iid); err != nil {
					return err
				}
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
		},
	}
	fl := c.Flags()
	fl.StringVar(&mac, "mac", "", "MAC address for a modified EUI-64 ID")
	fl.StringVar(&ipv4, "ipv4", "", "IPv4 address to embed")
	fl.BoolVar(&decimal, "decimal", false, "with --ipv4: decimal digits as hex groups")
	fl.Uint64Var(&index, "index", 0, "sequential number, from 1")
	fl.Uint16Var(&port, "service", 0, "service port, written as the ID's digits")
	fl.StringVar(&stable, "stable", "", "name for a stable opaque ID (RFC 7217)")
	fl.StringVar(&secret, "secret", "", "secret key for --stable")
	fl.StringVar(&iid, "iid", "", "explicit interface ID, like ::25")
	return c
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
