package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/spf"
)

// A view is what `ip6plan plan` shows: the allocation, the reverse zones
// that cover it and the domain's SPF record ("" when the plan has no
// domain).
type view struct {
	*plan.Allocation
	zones []records.ReverseZone
	spf   string
}

// newView gathers the zones and the SPF record of an allocation.
func newView(a *plan.Allocation) (*view, error) {
	zones, err := records.ReverseZonesOf(a, 0)
	if err != nil {
		return nil, err
	}
	v := &view{Allocation: a, zones: zones}
	if a.Plan.Domain != "" {
		r, err := spf.Build(a)
		if err != nil {
			return nil, err
		}
		v.spf = r.String()
	}
	return v, nil
}

// writers print a view in each -o format.
var writers = map[string]func(io.Writer, *view) error{
	"table":    writeTable,
	"csv":      writeCSV,
	"json":     writeJSON,
	"markdown": writeMarkdown,
}

// row is one line of the allocation in the column order every format
// shares; a subnet leaves the host columns empty and the other way round.
type row struct {
	kind, path, prefix, purpose, fqdn, address, ptr string
}

func rows(a *view) (subnets, hosts []row) {
	for _, s := range a.Subnets {
		subnets = append(subnets, row{kind: "subnet", path: s.Path, prefix: s.Prefix.String(), purpose: s.Subnet.Purpose})
	}
	for _, l := range a.Links {
		subnets = append(subnets, row{kind: "link", path: l.Path, prefix: l.Prefix.String(), purpose: plan.PurposeP2P})
	}
	for _, h := range a.Hosts {
		r := row{kind: "host", path: h.Path, fqdn: h.FQDN, address: "dynamic", ptr: "-"}
		if h.Addr.IsValid() {
			r.address = h.Addr.String()
			r.ptr, _ = records.PTRName(h.Addr)
		}
		hosts = append(hosts, r)
	}
	return subnets, hosts
}

func writeTable(w io.Writer, a *view) error {
	subnets, hosts := rows(a)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBNET\tPREFIX\tPURPOSE")
	for _, r := range subnets {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.path, r.prefix, dash(r.purpose))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tADDRESS\tPTR")
	for _, r := range hosts {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.fqdn, r.address, r.ptr)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "REVERSE ZONE\tPREFIX")
	for _, z := range a.zones {
		fmt.Fprintf(tw, "%s\t%s\n", z.Name(), z.Prefix)
	}
	if err := tw.Flush(); err != nil || a.spf == "" {
		return err
	}
	_, err := fmt.Fprintf(w, "\nSPF %s.\n%s\n", a.Plan.Domain, a.spf)
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeCSV(w io.Writer, a *view) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kind", "path", "prefix", "purpose", "fqdn", "address", "ptr"})
	subnets, hosts := rows(a)
	for _, r := range append(subnets, hosts...) {
		if r.kind == "host" && r.ptr == "-" {
			r.address, r.ptr = "", "" // dynamic: no address to import
		}
		cw.Write([]string{r.kind, r.path, r.prefix, r.purpose, r.fqdn, r.address, r.ptr})
	}
	cw.Flush()
	return cw.Error()
}

func writeMarkdown(w io.Writer, a *view) error {
	subnets, hosts := rows(a)
	var b strings.Builder
	b.WriteString("| Subnet | Prefix | Purpose |\n|---|---|---|\n")
	for _, r := range subnets {
		fmt.Fprintf(&b, "| %s | `%s` | %s |\n", mdEscape(r.path), r.prefix, mdEscape(r.purpose))
	}
	if len(hosts) > 0 {
		b.WriteString("\n| Host | Address | PTR |\n|---|---|---|\n")
		for _, r := range hosts {
			fmt.Fprintf(&b, "| %s | `%s` | `%s` |\n", mdEscape(r.fqdn), r.address, r.ptr)
		}
	}
	b.WriteString("\n| Reverse zone | Prefix |\n|---|---|\n")
	for _, z := range a.zones {
		fmt.Fprintf(&b, "| `%s` | `%s` |\n", z.Name(), z.Prefix)
	}
	if a.spf != "" {
		fmt.Fprintf(&b, "\nSPF for `%s.`: `%s`\n", a.Plan.Domain, a.spf)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// jsonAllocation is the -o json document: stable field names for programs.
type jsonAllocation struct {
	Prefix   string       `json:"prefix"`
	Domain   string       `json:"domain,omitempty"`
	Subnets  []jsonSubnet `json:"subnets"`
	Hosts    []jsonHost   `json:"hosts"`
	Links    []jsonLink   `json:"links"`
	Zones    []jsonZone   `json:"reverse_zones"`
	SPF      string       `json:"spf,omitempty"`
	Held     []jsonHeld   `json:"held"`
	Warnings []string     `json:"warnings"`
}

type jsonSubnet struct {
	Name    string `json:"name"`
	Path    string `json:"path"`
	Prefix  string `json:"prefix"`
	Purpose string `json:"purpose,omitempty"`
	Depth   int    `json:"depth"`
}

type jsonHost struct {
	Name    string   `json:"name"`
	Path    string   `json:"path"`
	FQDN    string   `json:"fqdn"`
	Address string   `json:"address,omitempty"`
	PTR     string   `json:"ptr,omitempty"`
	Scheme  string   `json:"scheme"`
	Roles   []string `json:"roles"`
}

type jsonLink struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Prefix string `json:"prefix"`
}

type jsonZone struct {
	Name   string `json:"name"`
	Prefix string `json:"prefix"`
}

type jsonHeld struct {
	Kind   string `json:"kind"`
	Path   string `json:"path"`
	Prefix string `json:"prefix"`
}

func writeJSON(w io.Writer, a *view) error {
	doc := jsonAllocation{Prefix: a.Plan.Prefix.String(), Domain: a.Plan.Domain, SPF: a.spf,
		Subnets: []jsonSubnet{}, Hosts: []jsonHost{}, Links: []jsonLink{}, Zones: []jsonZone{}, Held: []jsonHeld{}, Warnings: []string{}}
	for _, z := range a.zones {
		doc.Zones = append(doc.Zones, jsonZone{z.Name(), z.Prefix.String()})
	}
	for _, s := range a.Subnets {
		doc.Subnets = append(doc.Subnets, jsonSubnet{s.Subnet.Name, s.Path, s.Prefix.String(), s.Subnet.Purpose, s.Depth})
	}
	for _, h := range a.Hosts {
		j := jsonHost{Name: h.Host.Name, Path: h.Path, FQDN: h.FQDN, Scheme: h.Host.Scheme.String(), Roles: h.Host.Roles}
		if j.Roles == nil {
			j.Roles = []string{}
		}
		if h.Addr.IsValid() {
			j.Address = h.Addr.String()
			j.PTR, _ = records.PTRName(h.Addr)
		}
		doc.Hosts = append(doc.Hosts, j)
	}
	for _, l := range a.Links {
		doc.Links = append(doc.Links, jsonLink{l.Link.Name, l.Path, l.Prefix.String()})
	}
	for _, e := range a.Held {
		doc.Held = append(doc.Held, jsonHeld{e.Kind.String(), e.Path, e.Prefix.String()})
	}
	for _, f := range a.Warnings {
		doc.Warnings = append(doc.Warnings, f.String())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// mkdirAll creates the output directory dir and its parents, as -d
// promises, or says why it cannot.
func mkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the output directory %s: %w", dir, err)
	}
	return nil
}
