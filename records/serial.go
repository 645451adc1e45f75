package records

import (
	"bytes"
	"strconv"
	"time"
)

// Zone serials. A secondary transfers a zone only when the primary's SOA
// serial is greater than its own in serial number arithmetic (RFC 1982),
// so every new version of a zone needs a greater serial, and an unchanged
// zone keeps its serial. ip6plan's serials have the form YYYYMMDDnn that
// RFC 1912 §2.2 suggests: the UTC date, then a count of the versions
// written that day. Callers pass the time: the CLI honours
// SOURCE_DATE_EPOCH, for reproducible builds, and the web app has the
// browser's clock.

// DateSerial returns the SOA serial of the UTC date of t in the form
// YYYYMMDDnn, with nn 00: the serial of a zone written for the first
// time. A zone rewritten later has the serial NextSerial gives.
func DateSerial(t time.Time) uint32 {
	y, m, d := t.UTC().Date()
	return uint32(y*1000000 + int(m)*10000 + d*100)
}

// NextSerial returns the serial of a new version, written at t, of a zone
// whose last version had serial prev: DateSerial(t) when that is greater
// than prev in serial number arithmetic (RFC 1982 §3.2), and prev+1
// otherwise, which is a second version the same day (2026112800 gives
// 2026112801) or a serial already ahead of the date. prev+1 wraps from
// 4294967295 to 0, which RFC 1982 counts as greater; a serial from
// another scheme (a counter at 7) gives way to the date.
func NextSerial(t time.Time, prev uint32) uint32 {
	if s := DateSerial(t); serialGreater(s, prev) {
		return s
	}
	return prev + 1
}

// serialGreater reports whether serial a is greater than serial b in
// serial number arithmetic (RFC 1982 §3.2, SERIAL_BITS 32): b+1 up to
// b+2^31-1, modulo 2^32. The pair 2^31 apart is undefined, and not
// greater.
func serialGreater(a, b uint32) bool {
	d := a - b
	return d != 0 && d < 1<<31
}

// fileSerial returns the SOA serial of a zone file as ip6plan writes it
// (see soaAndNS), and whether it found one: the first number in the
// parentheses of the first "@ TTL IN SOA" line.
func fileSerial(file []byte) (uint32, bool) {
	for len(file) > 0 {
		var line []byte
		line, file, _ = bytes.Cut(file, []byte("\n"))
		if !bytes.HasPrefix(line, []byte("@\t")) {
			continue
		}
		_, soa, ok := bytes.Cut(line, []byte("\tIN\tSOA\t"))
		if !ok {
			continue
		}
		if _, timers, ok := bytes.Cut(soa, []byte(" ( ")); ok {
			serial, _, _ := bytes.Cut(timers, []byte(" "))
			n, err := strconv.ParseUint(string(serial), 10, 32)
			return uint32(n), err == nil
		}
	}
	return 0, false
}
