package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan"
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
A line that is not an IPv6 address is reported with its line number, the rest
still print, and the exit status is 2.

With --zones PREFIX it prints the reverse zones that cover the prefix instead:
cut at nibble boundaries, never rounded (a /50 is four /52 zones).`,
		Example: `  ip6plan ptr 2001:db8:d6:25::25
  ip6plan ptr < addresses.txt > names.txt
  ip6plan ptr --zones 2001:db8:d6::/50`,
		RunE: func(c *cobra.Command, args []string) error {
			if zones != "" {
				if len(args) > 0 {
					return &exitError{exitInput, fmt.Errorf("--zones takes a prefix and no addresses")}
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
	p, err := plan.ParsePrefix(s)
	if err != nil {
		return &exitError{exitInput, err}
	}
	zs, err := records.ReverseZones(p)
	if err != nil {
		return &exitError{exitInput, err}
	}
	for _, z := range zs {
		fmt.Fprintf(w, "%s\t%s\n", z.Name(), z.Prefix)
	}
	return nil
}

// ptrLines converts each line of in to its PTR name. It reuses one output
// buffer, so memory stays flat however long the input is.
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
			continue
		}
		if len(line) == 0 && err != nil {
			break
		}
		text := bytes.TrimSpace(line)
		if len(text) == 0 {
			continue
		}
		a, ok := plan.ParseAddr6Bytes(text)
		if !ok || a.Is4In6() {
			bad++
			why := "is not an IPv6 address"
			if ok {
				why = "is IPv4-mapped: its reverse name lives in in-addr.arpa, not ip6.arpa"
			}
			fmt.Fprintf(errw, "ip6plan: %s %d: %q %s\n", what, n, text, why)
			continue
		}
		buf = append(records.AppendPTRName(buf[:0], a), '\n')
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
		return &exitError{exitInput, nil}
	}
	return nil
}
