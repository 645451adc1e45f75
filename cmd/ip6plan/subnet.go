package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"text/tabwriter"

	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/records"
)

// subnetFlags are the subnet command's options.
type subnetFlags struct {
	bits       int
	nth, count uint64
	all        bool
}

func newSubnetCmd() *cobra.Command {
	var f subnetFlags
	c := &cobra.Command{
		Use:   "subnet PREFIX",
		Short: "Subnet calculator: ranges, exact counts, special ranges, nibble advice, children",
		Long: `subnet describes an IPv6 prefix: its first and last address, exact counts,
which special-purpose range it is in, and the reverse zones that cover it.

With --len L it counts the /L children; --nth N prints the Nth of them
(0-based), --count N the first N, --all every one, streamed as they are made,
so even the 4,294,967,296 /64s of a /32 start printing at once. With --count
and no --len it picks the nibble-aligned length that holds N children.`,
		Example: `  ip6plan subnet 2001:db8:d6::/48
  ip6plan subnet 2001:db8:d6::/48 --len 56 --nth 0xd6
  ip6plan subnet 2001:db8:d6::/48 --count 20
  ip6plan subnet 2001:db8::/32 --len 64 --all | head`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return f.run(c, args[0]) },
	}
	c.Flags().IntVar(&f.bits, "len", 0, "length of the children to count or list")
	c.Flags().Uint64Var(&f.nth, "nth", 0, "print the Nth child (0-based; 0x for hex)")
	c.Flags().Uint64Var(&f.count, "count", 0, "list the first N children")
	c.Flags().BoolVar(&f.all, "all", false, "list every child, streamed")
	return c
}

// run describes the prefix, or prints the children the flags ask for.
func (f *subnetFlags) run(c *cobra.Command, prefix string) error {
	p, err := ip6.ParsePrefix(prefix)
	if err != nil {
		return err
	}
	if err := f.childLen(c, p); err != nil {
		return err
	}
	out, fl := c.OutOrStdout(), c.Flags()
	switch {
	case fl.Changed("nth"):
		child, err := ip6.Child(p, f.bits, f.nth)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, child)
		return nil
	case fl.Changed("count") || f.all:
		listed, err := listChildren(out, p, f.bits, f.count, f.all)
		if err == nil && !f.all && listed < f.count {
			fmt.Fprintf(c.ErrOrStderr(), "ip6plan: note: %s has only %d /%d %s, fewer than the %d asked for; %s listed\n",
				p, listed, f.bits, plural(int(listed), "child", "children"), f.count, plural(int(listed), "it is", "all are"))
		}
		return err
	}
	return describe(out, p, f.bits)
}

// childLen checks that the flags ask for one thing, and settles the
// length of the children: --len, or with --count alone the nibble-aligned
// length that holds them, which it prints as advice.
func (f *subnetFlags) childLen(c *cobra.Command, p netip.Prefix) error {
	fl := c.Flags()
	picked := 0
	for _, name := range []string{"nth", "count", "all"} {
		if fl.Changed(name) {
			picked++
		}
	}
	if picked > 1 {
		return errors.New("use one of --nth, --count and --all")
	}
	if fl.Changed("count") && !fl.Changed("len") {
		adv, err := ip6.NibbleAdvice(p, f.count)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.OutOrStdout(), "# %s\n", adv)
		f.bits = adv.Nibble
	}
	if (fl.Changed("nth") || fl.Changed("all")) && !fl.Changed("len") {
		return errors.New("--nth and --all need --len, the length of the children")
	}
	if f.bits != 0 && (f.bits < p.Bits() || f.bits > 128) {
		return fmt.Errorf("--len %d: children of %s are /%d to /128", f.bits, p, p.Bits())
	}
	return nil
}

// describe prints the calculator's summary of p.
func describe(w io.Writer, p netip.Prefix, bits int) error {
	tw := tabwriter.NewWriter(w, 0, 8, 1, ' ', 0)
	fmt.Fprintf(tw, "Prefix:\t%s\n", p)
	fmt.Fprintf(tw, "First address:\t%s\n", p.Addr())
	fmt.Fprintf(tw, "Last address:\t%s\n", ip6.LastAddr(p))
	fmt.Fprintf(tw, "Addresses:\t%s (2^%d)\n", ip6.FormatCount(ip6.AddrCount(p)), 128-p.Bits())
	if p.Bits() <= 64 {
		fmt.Fprintf(tw, "/64 subnets:\t%s\n", ip6.FormatCount(ip6.ChildCount(p, 64)))
	}
	if bits != 0 && bits != 64 {
		fmt.Fprintf(tw, "/%d children:\t%s\n", bits, ip6.FormatCount(ip6.ChildCount(p, bits)))
	}
	class := ip6.ClassOf(p)
	if class == ip6.Global {
		fmt.Fprintf(tw, "Class:\tglobal unicast\n")
	} else {
		fmt.Fprintf(tw, "Class:\t%s (%s)\n", class, class.RFC())
	}
	for _, r := range ip6.SpecialOverlaps(p) {
		if r.Class != class {
			fmt.Fprintf(tw, "Contains:\t%s, %s (%s)\n", r.Prefix, r.Class, r.RFC)
		}
	}
	if !ip6.IsNibbleAligned(p.Bits()) {
		fmt.Fprintf(tw, "Nibbles:\t/%d is not on a nibble boundary; plans and reverse zones use /%d or /%d\n", p.Bits(), p.Bits()&^3, ip6.NibbleCeil(p.Bits()))
	}
	if bits != 0 && !ip6.IsNibbleAligned(bits) {
		fmt.Fprintf(tw, "Nibbles:\t/%d children are off the nibble boundaries; consider /%d\n", bits, ip6.NibbleCeil(bits))
	}
	zones, err := records.ReverseZones(p)
	if err != nil {
		return err
	}
	for i, z := range zones {
		label := "Reverse zone:"
		if len(zones) > 1 {
			label = fmt.Sprintf("Reverse zone %d/%d:", i+1, len(zones))
		}
		fmt.Fprintf(tw, "%s\t%s\n", label, z.Name())
	}
	return tw.Flush()
}

// listChildren streams the first n (or all) children of length bits and
// returns how many it listed.
func listChildren(w io.Writer, p netip.Prefix, bits int, n uint64, all bool) (uint64, error) {
	bw := bufio.NewWriterSize(w, 32<<10)
	var i uint64
	var buf []byte
	for child := range ip6.Children(p, bits) {
		if !all && i == n {
			break
		}
		buf = append(child.AppendTo(buf[:0]), '\n')
		if _, err := bw.Write(buf); err != nil {
			return i, err // a closed pipe (| head) ends the listing
		}
		i++
	}
	return i, bw.Flush()
}
