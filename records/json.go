package records

import (
	"encoding/json"
	"io"
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

// WriteJSON writes the set as one JSON document for programs, the records
// part selects (zero means both): "forward" holds the domain's records,
// "outside" each zone of a name outside the domain with its records,
// "omitted" the names left out, and "reverse" each reverse zone with its
// PTR records. Names are fully qualified, records in the order of the
// zone files, and data in zone-file form (TXT data quoted).
func (zs *ZoneSet) WriteJSON(w io.Writer, part Part) error {
	part = part.orBoth()
	doc := jsonDoc{Forward: []jsonRR{}, Reverse: []jsonZone{}, Outside: []jsonZone{}, Omitted: []string{}}
	if part.Has(Forward) {
		doc.Forward = jsonRRs(zs.Domain.RRs)
		for _, fz := range zs.Outside {
			doc.Outside = append(doc.Outside, jsonZone{Zone: fz.Origin, Records: jsonRRs(fz.RRs)})
		}
		doc.Omitted = append(doc.Omitted, zs.Omitted...)
	}
	if part.Has(Reverse) {
		doc.Reverse = reverseJSON(zs)
	}
	if err := checkHosts(zs.Hosts); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func jsonRRs(rrs []RR) []jsonRR {
	out := make([]jsonRR, 0, len(rrs))
	for _, rr := range rrs {
		out = append(out, jsonRR{rr.Name, rr.TTL, rr.Type, rr.Data})
	}
	return out
}

// reverseJSON returns each reverse zone of the set with its PTR records.
func reverseJSON(zs *ZoneSet) []jsonZone {
	out := []jsonZone{}
	for _, z := range zs.Reverse {
		jz := jsonZone{Zone: z.Name(), Prefix: z.Prefix.String(), Delegated: []string{}, Records: []jsonRR{}}
		delegated := delegatedBy(z, zs.Reverse)
		for _, d := range delegated {
			jz.Delegated = append(jz.Delegated, d.Name())
		}
		for h := range inZone(z, delegated, slices.Values(zs.Hosts)) {
			name, _ := PTRName(h.Addr)
			jz.Records = append(jz.Records, jsonRR{name, zs.Config.TTL, "PTR", h.Name})
		}
		out = append(out, jz)
	}
	return out
}
