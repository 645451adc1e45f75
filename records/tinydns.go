package records

import (
	"encoding/hex"
	"io"
	"strconv"
	"strings"
)

// Part selects which records a writer emits.
type Part uint8

const (
	Forward Part = 1 << iota // AAAA and A records
	Reverse                  // reverse zones: SOA, NS and PTR records
	Both    = Forward | Reverse
)

// Has reports whether p includes q.
func (p Part) Has(q Part) bool { return p&q != 0 }

// orBoth reads the zero Part as Both, so callers may leave it unset.
func (p Part) orBoth() Part {
	if p == 0 {
		return Both
	}
	return p
}

// TinydnsOptions chooses the tinydns-data dialect and the records.
type TinydnsOptions struct {
	// Generic writes AAAA records as generic :fqdn:28:rdata: lines and
	// PTRs as ^ lines, which stock djbdns 1.05 (Debian's tinydns) reads.
	// Without it, 6 lines give an AAAA and its PTR in one, and 3 lines an
	// AAAA alone: the IPv6 patch most djbdns builds carry.
	Generic bool
	Part    Part // zero means Both
}

// WriteTinydns writes tinydns-data lines (djbdns). The reverse part is a Z
// line (SOA) and & lines (NS) for each reverse zone and each host's PTR;
// the forward part is each AAAA, and + lines (A without PTR) for IPv4
// addresses, whose PTRs live in someone's in-addr.arpa. Names are written
// without their trailing dot, as tinydns-data expects.
//
// Deprecated: use [ZoneSet.WriteTinydns], which adds the forward zones' Z
// and & lines, the MX (@) and SPF TXT (') lines, and keeps names outside
// the domain apart.
func WriteTinydns(w io.Writer, zones []ReverseZone, cfg ZoneConfig, hosts []Host, opt TinydnsOptions) error {
	in := tinyInput{cfg: cfg, hosts: hosts, opt: opt, publish: func(string) bool { return true }}
	if opt.Part.orBoth().Has(Reverse) {
		in.reverse = zones
		if in.reverse == nil {
			in.reverse = []ReverseZone{}
		}
	}
	return writeTinydns(w, in)
}

// tinyLine writes a 6 or 3 line: the address as 32 hex digits.
func (z *zoneWriter) tinyLine(kind byte, name string, h Host, ttl uint32) {
	ip := h.Addr.As16()
	z.b = append(append(z.b, kind), strings.TrimSuffix(name, ".")...)
	z.b = hex.AppendEncode(append(z.b, ':'), ip[:])
	z.b = strconv.AppendUint(append(z.b, ':'), uint64(ttl), 10)
	z.line()
}

// genericAAAA writes an AAAA record as a generic tinydns line: type 28
// and the 16 address octets, each as a three-digit octal escape.
func (z *zoneWriter) genericAAAA(name string, h Host, ttl uint32) {
	z.b = append(append(z.b, ':'), strings.TrimSuffix(name, ".")...)
	z.b = append(z.b, ":28:"...)
	for _, o := range h.Addr.As16() {
		z.b = append(z.b, '\\', '0'+o>>6, '0'+o>>3&7, '0'+o&7)
	}
	z.b = strconv.AppendUint(append(z.b, ':'), uint64(ttl), 10)
	z.line()
}

// bare drops a trailing dot from b.
func bare(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '.' {
		return b[:n-1]
	}
	return b
}
