package records

import (
	"encoding/json"
	"errors"
	"io"
	"iter"
	"slices"
)

// jsonRR is a record in the JSON output.
type jsonRR struct {
	Name string `json:"name"`
	TTL  uint32 `json:"ttl"`
	Type string `json:"type"`
	Data string `json:"data"`
}

// jsonZone is a zone in the JSON output: a reverse zone has a prefix and
// the zones it delegates, a forward zone neither.
type jsonZone struct {
	Zone      string   `json:"zone"`
	Prefix    string   `json:"prefix,omitempty"`
	Delegated []string `json:"delegated,omitzero"`
	Records   []jsonRR `json:"records"`
}

type jsonDoc struct {
	Forward []jsonRR   `json:"forward"`
	Outside []jsonZone `json:"outside,omitzero"`
	Omitted []string   `json:"omitted,omitzero"`
	Reverse []jsonZone `json:"reverse"`
}

// WriteJSON writes the forward records and each reverse zone's PTR records
// (those part selects; zero means both) as one JSON document for programs:
// names fully qualified, records in the same order as the zone files.
//
// Deprecated: use [ZoneSet.WriteJSON], which has the MX and SPF records
// and keeps names outside the domain apart.
func WriteJSON(w io.Writer, zones []ReverseZone, cfg ZoneConfig, hosts []Host, part Part) error {
	if err := errors.Join(cfg.Check(), checkHosts(hosts)); err != nil {
		return err
	}
	doc := jsonDoc{Forward: []jsonRR{}, Reverse: []jsonZone{}}
	part = part.orBoth()
	if part.Has(Forward) {
		for _, rr := range ForwardRecords(hosts, cfg.TTL) {
			doc.Forward = append(doc.Forward, jsonRR{rr.Name, rr.TTL, rr.Type, rr.Data})
		}
	}
	if part.Has(Reverse) {
		doc.Reverse = reverseJSON(zones, cfg, hosts)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// inZone yields the hosts whose PTR lives in z: inside it and outside the
// zones it delegates.
func inZone(z ReverseZone, delegated []ReverseZone, hosts iter.Seq[Host]) iter.Seq[Host] {
	return func(yield func(Host) bool) {
		for h := range hosts {
			if z.Contains(h.Addr) && !inDelegated(h.Addr, delegated) && !yield(h) {
				return
			}
		}
	}
}

// reverseJSON returns each reverse zone of zones with its PTR records.
func reverseJSON(zones []ReverseZone, cfg ZoneConfig, hosts []Host) []jsonZone {
	out := []jsonZone{}
	for _, z := range zones {
		jz := jsonZone{Zone: z.Name(), Prefix: z.Prefix.String(), Delegated: []string{}, Records: []jsonRR{}}
		delegated := Delegated(z, zones)
		for _, d := range delegated {
			jz.Delegated = append(jz.Delegated, d.Name())
		}
		for h := range inZone(z, delegated, slices.Values(hosts)) {
			name, _ := PTRName(h.Addr)
			jz.Records = append(jz.Records, jsonRR{name, cfg.TTL, "PTR", h.Name})
		}
		out = append(out, jz)
	}
	return out
}
