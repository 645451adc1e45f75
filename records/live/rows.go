package live

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/ip6plan/ip6plan/records"
)

// Formats of survey output.
const (
	CSV  = "csv"  // a header line, then one line per domain
	JSON = "json" // JSON Lines: one object per domain, one per line
)

// csvHeader names the CSV columns.
var csvHeader = []string{"domain", "ipv6", "status", "mx", "ipv6_mx", "implicit", "error"}

// A RowWriter writes survey rows as CSV or JSON Lines, each row with one
// Write to the underlying writer, so that a file holds whole rows however
// the run ends (except, at worst, a last line cut short, which ReadRows
// ignores).
type RowWriter struct {
	w      io.Writer
	format string
	buf    bytes.Buffer
}

// NewRowWriter returns a writer of rows in format (CSV or JSON). With
// header set, a CSV writer starts with the header line.
func NewRowWriter(w io.Writer, format string, header bool) (*RowWriter, error) {
	rw := &RowWriter{w: w, format: format}
	switch format {
	case JSON:
	case CSV:
		if header {
			cw := csv.NewWriter(&rw.buf)
			cw.Write(csvHeader)
			cw.Flush()
			if err := rw.flush(); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("unknown format %q; want csv or json", format)
	}
	return rw, nil
}

// Write writes one row.
func (rw *RowWriter) Write(row Row) error {
	if rw.format == JSON {
		if err := json.NewEncoder(&rw.buf).Encode(jsonRowOf(row)); err != nil {
			return err
		}
		return rw.flush()
	}
	ipv6, implicit := "", "no"
	if row.Status == OK {
		ipv6 = yesNo(row.IPv6)
	}
	if row.Implicit {
		implicit = "yes"
	}
	cw := csv.NewWriter(&rw.buf)
	cw.Write([]string{oneLine.Replace(row.Domain), ipv6, string(row.Status), hostList(row.MX, false), hostList(row.MX, true), implicit, oneLine.Replace(row.Error)})
	cw.Flush()
	return rw.flush()
}

// oneLine keeps a CSV row on one line, even with an error message that
// has a newline in it, so that the last whole line of a file cut short
// ends a row.
var oneLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func (rw *RowWriter) flush() error {
	_, err := rw.w.Write(rw.buf.Bytes())
	rw.buf.Reset()
	return err
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// jsonRow is a Row in JSON: ipv6 is null when the answer is not known.
type jsonRow struct {
	Domain   string          `json:"domain"`
	IPv6     *bool           `json:"ipv6"`
	Status   Status          `json:"status"`
	MX       []jsonExchanger `json:"mx"`
	Implicit bool            `json:"implicit,omitempty"`
	NullMX   bool            `json:"null_mx,omitempty"`
	Error    string          `json:"error,omitempty"`
}

type jsonExchanger struct {
	Host   string       `json:"host"`
	Pref   uint16       `json:"pref"`
	AAAA   []netip.Addr `json:"aaaa,omitempty"`
	Status Status       `json:"status"`
}

func jsonRowOf(row Row) jsonRow {
	j := jsonRow{Domain: row.Domain, Status: row.Status, MX: []jsonExchanger{}, Implicit: row.Implicit, NullMX: row.NullMX, Error: row.Error}
	if row.Status == OK {
		j.IPv6 = &row.IPv6
	}
	for _, ex := range row.MX {
		j.MX = append(j.MX, jsonExchanger(ex))
	}
	return j
}

// ReadRows reads the rows a RowWriter wrote, in either format, for a run
// that resumes. A last line without its newline was cut short and is
// left out; n is the length of data up to the end of the last whole line,
// where writing may go on.
func ReadRows(data []byte) (rows []Row, n int, err error) {
	n = bytes.LastIndexByte(data, '\n') + 1
	data = data[:n]
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, n, nil
	}
	if FormatOf(data) == JSON {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<24)
		for line := 1; sc.Scan(); line++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var j jsonRow
			if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
				return nil, n, fmt.Errorf("line %d: %w", line, err)
			}
			row := Row{Domain: j.Domain, Status: j.Status, Implicit: j.Implicit, NullMX: j.NullMX, Error: j.Error}
			if j.IPv6 != nil {
				row.IPv6 = *j.IPv6
			}
			for _, ex := range j.MX {
				row.MX = append(row.MX, Exchanger(ex))
			}
			rows = append(rows, row)
		}
		return rows, n, sc.Err()
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, n, err
	}
	if strings.Join(head, ",") != strings.Join(csvHeader, ",") {
		return nil, n, fmt.Errorf("line 1: the header is %q, want %q", strings.Join(head, ","), strings.Join(csvHeader, ","))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, n, nil
		}
		if err != nil {
			return nil, n, err
		}
		if len(rec) != len(csvHeader) {
			line, _ := cr.FieldPos(0)
			return nil, n, fmt.Errorf("line %d: %d fields, want %d", line, len(rec), len(csvHeader))
		}
		row := Row{Domain: rec[0], IPv6: rec[1] == "yes", Status: Status(rec[2]), Implicit: rec[5] == "yes", Error: rec[6]}
		v6 := strings.Fields(rec[4])
		for _, h := range strings.Fields(rec[3]) {
			ex := Exchanger{Host: h}
			if h == "." {
				row.NullMX = true
			}
			for _, v := range v6 {
				if v == h {
					ex.Status = OK
				}
			}
			row.MX = append(row.MX, ex)
		}
		rows = append(rows, row)
	}
}

// ReadDomains reads a list of domains to survey: one per line, or CSV
// lines such as a ranked list's "1,example.com", where the domain is the
// first field that is not a number. Blank lines and lines starting with
// '#' are skipped, and so is a first line whose field has no dot, a
// header such as "domain" or "rank,domain". Domains come back in input
// order, lower case, without a trailing dot, each once. Lines that hold
// no domain name are left out and reported, with their line numbers, in
// the error; the domains of the other lines come back all the same.
func ReadDomains(r io.Reader, name string) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	seen := map[string]bool{}
	var out []string
	var errs []error
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", name, line, err))
			if len(errs) > 100 {
				break
			}
			continue
		}
		d := ""
		for _, f := range rec {
			if f = strings.TrimSpace(f); f != "" && strings.Trim(f, "0123456789") != "" {
				d = f
				break
			}
		}
		if first {
			first = false
			if !strings.Contains(d, ".") {
				continue // a header
			}
		}
		if d == "" {
			continue
		}
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if err := records.CheckName(d + "."); err != nil || strings.HasPrefix(d, "*") || !strings.Contains(d, ".") {
			if err == nil {
				err = errors.New("not a domain with a parent: want a name such as example.com")
			}
			errs = append(errs, fmt.Errorf("%s:%d: %q: %w", name, line, d, err))
			continue
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out, errors.Join(errs...)
}
