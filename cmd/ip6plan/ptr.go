package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/ip6plan/ip6plan/plan/ip6"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/records"
)

func newPTRCmd() *cobra.Command {
	var zones string
	c := &cobra.Command{
		Use:   "ptr [ADDRESS...]",
		Short: "Print ip6.arpa PTR owner names, or the reverse zones of a prefix",
		Long: `ptr prints the ip6.arpa owner name of each address (RFC 3596 §2.5), one per
line: of each argument, or of each line of standard input when there are none.
Input streams: a million lines take well under a second, in constant memory.
Output lines up with input, one line for each: a blank line stays blank, and a
line that is not an IPv6 address gives an empty line and an error on standard
error with its line number; the rest still print, and the exit status is 2 at
the end. A zone (fe80::1%eth0) is dropped: the name is the same on every link.

With --zones PREFIX it prints the reverse zones that cover the prefix instead:
cut at nibble boundaries, never rounded (a /50 is four /52 zones).`,
		Example: `  ip6plan ptr 2001:db8:d6:25::25
  ip6plan ptr < addresses.txt > names.txt
  ip6plan ptr --zones 2001:db8:d6::/50`,
		RunE: func(c *cobra.Command, args []string) error {
			if zones != "" {
				if len(args) > 0 {
					return errors.New("--zones takes a prefix and no addresses")
				}
				return printZones(c.OutOrStdout(), zones)
			}
			if len(args) > 0 {
				var in bytes.Buffer
				for _, a := range args {
					in.WriteString(a)
					in.WriteByte('\n')
				}
				return ptrLines(&in, c.OutOrStdout(), c.ErrOrStderr(), "argument")
			}
			return ptrLines(c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr(), "line")
		},
	}
	c.Flags().StringVar(&zones, "zones", "", "print the reverse zones that cover this prefix")
	return c
}

func printZones(w io.Writer, s string) error {
	p, err := ip6.ParsePrefix(s)
	if err != nil {
		return err
	}
	zs, err := records.ReverseZones(p)
	if err != nil {
		return err
	}
	for _, z := range zs {
		fmt.Fprintf(w, "%s\t%s\n", z.Name(), z.Prefix)
	}
	return nil
}

// ptrLines converts each line of in to its PTR name, one output line per
// input line so that the output lines up with the input (paste(1) can join
// them): a blank line gives a blank line, and so does a line that is not an
// IPv6 address, which is reported on errw with its number; the status is 2
// at the end if there was one. An address's zone (fe80::1%eth0) is dropped:
// the name is the same on every link. It reuses one output buffer, so
// memory stays flat however long the input is.
func ptrLines(in io.Reader, out, errw io.Writer, what string) error {
	r := bufio.NewReaderSize(in, 64<<10)
	w := bufio.NewWriterSize(out, 64<<10)
	buf := make([]byte, 0, records.PTRNameLen+1)
	bad := 0
	for n := 1; ; n++ {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			for err == bufio.ErrBufferFull { // a line longer than the buffer: skip it
				_, err = r.ReadSlice('\n')
			}
			bad++
			fmt.Fprintf(errw, "ip6plan: %s %d: line too long to be an address\n", what, n)
			if werr := w.WriteByte('\n'); werr != nil {
				return werr
			}
			if err != nil {
				break
			}
			continue
		}
		if len(line) == 0 && err != nil {
			break
		}
		buf = buf[:0]
		if text := bytes.TrimSpace(line); len(text) > 0 {
			addr := text
			if i := bytes.IndexByte(text, '%'); i >= 0 && i < len(text)-1 {
				addr = text[:i] // a zone: fe80::1%eth0
			}
			a, ok := ip6.ParseAddr6Bytes(addr)
			switch {
			case !ok:
				bad++
				fmt.Fprintf(errw, "ip6plan: %s %d: %q is not an IPv6 address\n", what, n, text)
			case a.Is4In6():
				bad++
				fmt.Fprintf(errw, "ip6plan: %s %d: %q is IPv4-mapped: its reverse name lives in in-addr.arpa, not ip6.arpa\n", what, n, text)
			default:
				buf = records.AppendPTRName(buf, a)
			}
		}
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
		if err != nil {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if bad > 0 {
		noun := "input line"
		if what == "argument" {
			noun = "argument"
		}
		if bad == 1 {
			return fmt.Errorf("1 %s is not an IPv6 address: its output line is empty", noun)
		}
		return fmt.Errorf("%d %ss are not IPv6 addresses: their output lines are empty", bad, noun)
	}
	return nil
}
