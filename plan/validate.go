package plan

import "errors"

// Validate reports, for a plan built in code, the problems ParseFile
// reports for a plan file: names that would break the lock file or a
// zone, duplicates, sizes and pins that cannot fit, spf settings the file
// would refuse. Allocate calls it, so that an Allocation's plan is one a
// plan file could have given.
func (p *Plan) Validate() error {
	d := &decoder{}
	if !p.Prefix.IsValid() || !p.Prefix.Addr().Is6() || p.Prefix.Addr().Is4In6() || p.Prefix.Bits() > 64 {
		d.errs = append(d.errs, errorAt(p.Pos, "prefix %s is not an IPv6 prefix of /64 or shorter", p.Prefix))
	} else {
		d.checkChildren(p.Prefix.Bits(), p.Subnets)
	}
	for s := range walkSubnets(p.Subnets) {
		if err := checkName(s.Name); err != nil {
			d.errs = append(d.errs, errorAt(s.Pos, "subnet: %v", err))
		}
		for _, l := range s.Links {
			if err := checkName(l.Name); err != nil {
				d.errs = append(d.errs, errorAt(l.Pos, "link: %v", err))
			}
		}
		for _, h := range s.Hosts {
			if err := CheckHostname(h.Name); err != nil {
				d.errs = append(d.errs, errorAt(h.Pos, "host: %v", err))
			}
		}
	}
	d.checkHostNames(p)
	d.checkSPF(p.SPF)
	return errors.Join(d.errs...)
}
