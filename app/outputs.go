package app

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ip6plan/ip6plan/plan"
	"github.com/ip6plan/ip6plan/records"
	"github.com/ip6plan/ip6plan/records/deploy"
	"github.com/ip6plan/ip6plan/records/spf"
)

// An Output is one text the user can read, copy and download.
type Output struct {
	ID       string // stable key: "forward", "reverse", "spf", a config kind ("postfix", "nftables", ...), "plan", "lock"
	Title    string
	FileName string // the download's name
	Text     string
	Err      string   // why the text could not be made; Text is then empty
	Notes    []string // lint findings and other remarks shown with the text
}

// outputs are the texts of one revision, each made when first asked for:
// a plan of 10,000 hosts has eleven kinds of settings for each, and the
// hosts view or the one export on show needs none of the others.
type outputs struct {
	tabs      []Output // ID, Title and FileName of each, in display order
	makers    map[string]func() Output
	made      map[string]Output
	hosts     []HostRow
	hostsMade bool
}

// Outputs returns every export of the current allocation, in display
// order, making each that is not made yet.
func (d *Doc) Outputs() []Output {
	tabs := d.OutputTabs()
	out := make([]Output, len(tabs))
	for i, t := range tabs {
		out[i] = d.Output(t.ID)
	}
	return out
}

// OutputTabs returns the exports of the current allocation, in display
// order, with their ID, Title and FileName only: what a list of them shows.
func (d *Doc) OutputTabs() []Output {
	d.listOutputs()
	return d.out.tabs
}

// Output returns the export with the given ID, made once per revision.
func (d *Doc) Output(id string) Output {
	d.listOutputs()
	if o, ok := d.out.made[id]; ok {
		return o
	}
	mk := d.out.makers[id]
	if mk == nil {
		return Output{ID: id, Err: "no such output"}
	}
	o := mk()
	d.out.made[id] = o
	return o
}

// listOutputs lists the exports of this revision and how to make each; what
// several share (the zones' settings, the published hosts, the index of
// hosts for settings) is made once, by the first that needs it.
func (d *Doc) listOutputs() {
	if d.out != nil {
		return
	}
	out := &outputs{makers: map[string]func() Output{}, made: map[string]Output{}}
	d.out = out
	add := func(id, title, file string, mk func() Output) {
		out.tabs = append(out.tabs, Output{ID: id, Title: title, FileName: file})
		out.makers[id] = mk
	}
	planFile := func() Output {
		return Output{ID: "plan", Title: "Plan file", FileName: plan.DefaultFile, Text: d.Source}
	}
	a := d.Alloc
	if a == nil {
		add("plan", "Plan file", plan.DefaultFile, planFile)
		return
	}
	var (
		zs     *records.ZoneSet
		zsErr  error
		index  *deploy.Index
		shared bool
	)
	share := func() {
		if !shared {
			// The browser's clock: a page has no SOURCE_DATE_EPOCH, and
			// no zone file on disk whose serial to go above.
			zs, zsErr = records.ZonesOf(a, records.DateSerial(time.Now()), spf.TXTRecords, records.ZoneOptions{})
			shared = true
		}
	}
	forwardName := "forward.zone"
	if a.Plan.Domain != "" {
		forwardName = a.Plan.Domain + ".zone"
	}
	add("forward", "Forward zone", forwardName, func() Output { share(); return forwardZone(a, zs, zsErr) })
	add("reverse", "Reverse zones", "reverse.zones", func() Output { share(); return reverseZones(zs, zsErr) })
	add("spf", "SPF", "spf.txt", func() Output { return spfRecord(a) })
	for _, k := range deploy.Kinds() {
		add(string(k), settingTitle(k), string(k)+".txt", func() Output {
			if index == nil {
				index = deploy.NewIndex(a)
			}
			return settings(a, index, k)
		})
	}
	add("plan", "Plan file", plan.DefaultFile, planFile)
	add("lock", "Lock file", "plan.lock", func() Output {
		return Output{ID: "lock", Title: "Lock file", FileName: "plan.lock", Text: d.LockText(),
			Notes: []string{"Keep it next to the plan: it holds every address where it was placed."}}
	})
}

// forwardZone writes the zone of the plan's domain as ZonesOf makes it for
// the CLI too: the hosts' AAAA and A records, the domain's MX and SPF TXT
// records and each HELO name's TXT record. It is a complete zone when the
// set can have one (ZoneSet.CheckComplete), and a snippet to paste
// otherwise, with a note that says why.
func forwardZone(a *plan.Allocation, zs *records.ZoneSet, err error) Output {
	o := Output{ID: "forward", Title: "Forward zone", FileName: "forward.zone"}
	if a.Plan.Domain == "" {
		o.Err = "the plan has no domain, so there is no forward zone: add domain: example.com"
		return o
	}
	o.FileName = a.Plan.Domain + ".zone"
	if err != nil {
		o.Err = err.Error()
		return o
	}
	var b bytes.Buffer
	snippetWhy := zs.CheckComplete()
	if err := zs.WriteBind(&b, records.Forward, snippetWhy == nil); err != nil {
		o.Err = err.Error()
		return o
	}
	if snippetWhy != nil {
		o.Notes = append(o.Notes, "A snippet to paste into the zone of "+a.Plan.Domain+", not a zone of its own: "+snippetWhy.Error()+".")
	}
	o.Notes = append(o.Notes, zs.Warnings...)
	o.Text = b.String()
	return o
}

// reverseZones writes the reverse zones of the zone set, complete.
func reverseZones(zs *records.ZoneSet, err error) Output {
	o := Output{ID: "reverse", Title: "Reverse zones", FileName: "reverse.zones"}
	if err == nil && zs.ConfigErr != nil {
		o.Err = "reverse zones need name servers and a contact in the plan: " + zs.ConfigErr.Error()
		return o
	}
	var b bytes.Buffer
	if err == nil {
		err = zs.WriteBind(&b, records.Reverse, true)
	}
	if err != nil {
		o.Err = err.Error()
		return o
	}
	names := make([]string, len(zs.Reverse))
	for i, z := range zs.Reverse {
		names[i] = z.Name()
	}
	o.Notes = append(o.Notes, fmt.Sprintf("%d zone(s): %s", len(names), strings.Join(names, ", ")))
	o.Text = b.String()
	return o
}

func spfRecord(a *plan.Allocation) Output {
	o := Output{ID: "spf", Title: "SPF", FileName: "spf.txt"}
	if a.Plan.Domain == "" {
		o.Err = "the plan has no domain to publish SPF for: add domain: example.com"
		return o
	}
	rrs, err := spf.TXTRecords(a)
	if err != nil {
		o.Err = err.Error()
		return o
	}
	var b strings.Builder
	for _, rr := range rrs {
		b.WriteString(rr.Name + "\t" + strconv.FormatUint(uint64(rr.TTL), 10) + "\tIN\tTXT\t" + rr.Data + "\n")
	}
	o.Text = b.String()
	if r, err := spf.Build(a); err == nil && len(rrs) > 0 {
		o.Notes = append(o.Notes, "Record: "+r.String())
		findings := spf.LintName(rrs[0].Name, r.String())
		for _, f := range findings {
			o.Notes = append(o.Notes, "Lint: "+f.String())
		}
		if len(findings) == 0 {
			o.Notes = append(o.Notes, "Lint: no findings (RFC 7208)")
		}
	}
	return o
}

// settingTitles names each kind of settings in the export list. (A table,
// not a map: a map literal costs app.wasm its own init code.)
var settingTitles = [...]struct {
	kind  deploy.Kind
	title string
}{
	{deploy.Postfix, "Postfix"}, {deploy.Exim, "Exim"}, {deploy.Sendmail, "Sendmail"},
	{deploy.RHEL, "Red Hat ifcfg"}, {deploy.Debian, "Debian interfaces"}, {deploy.Netplan, "netplan"},
	{deploy.Networkd, "systemd-networkd"}, {deploy.FreeBSD, "FreeBSD rc.conf"}, {deploy.Windows, "Windows netsh"},
	{deploy.Nftables, "nftables"}, {deploy.IP6tables, "ip6tables"},
}

func settingTitle(k deploy.Kind) string {
	for _, t := range settingTitles {
		if t.kind == k {
			return t.title
		}
	}
	return string(k)
}

// settings writes one kind of settings (records/deploy) for each host it
// concerns: MTA settings for each sending host, with the address it binds
// and the HELO name its PTR points to, so forward-confirmed reverse DNS
// holds (RFC 5321 §4.1.4, RFC 8601 §3); host and firewall settings for
// every host with a planned address.
func settings(a *plan.Allocation, index *deploy.Index, kind deploy.Kind) Output {
	o := Output{ID: string(kind), Title: settingTitle(kind), FileName: string(kind) + ".txt"}
	var b strings.Builder
	for _, h := range a.Hosts {
		if !h.Addr.IsValid() || kind.IsMTA() && !h.Host.IsSender() {
			continue
		}
		files, err := index.Generate(kind, deploy.Options{Hosts: []string{h.Path}})
		if err != nil {
			o.Notes = append(o.Notes, h.Path+": "+err.Error())
			continue
		}
		fmt.Fprintf(&b, "# ==== %s (%s) ====\n", strings.TrimSuffix(h.FQDN, "."), h.Path)
		for _, f := range files {
			b.WriteString(f.Content)
			if !strings.HasSuffix(f.Content, "\n") {
				b.WriteString("\n")
			}
			b.WriteString("\n")
		}
	}
	if b.Len() == 0 {
		o.Err = "no host sends mail: give a host roles: [outbound]"
		if !kind.IsMTA() {
			o.Err = "no host has a planned address"
		}
		return o
	}
	o.Text = b.String()
	o.Notes = append([]string{"One block per host: the files it names, each starting with the path it belongs at."}, o.Notes...)
	return o
}

// A HostRow is one planned host as the hosts view shows it.
type HostRow struct {
	Path   string
	FQDN   string
	Addr   string     // "" for a dynamic host
	IP     netip.Addr // Addr, parsed; invalid for a dynamic host
	PTR    string
	Roles  string
	Sender bool
	Checks []HostCheck // the readiness checklist of a sending host
}

// A HostCheck is one item of a sending host's readiness checklist
// (records/deploy.Readiness).
type HostCheck struct {
	Item   string
	Status string // "pass", "warn" or "fail"
	Msg    string
}

// Check returns the status of one item ("" when the host has no such check).
func (r HostRow) Check(item string) string {
	for _, c := range r.Checks {
		if c.Item == item {
			return c.Status
		}
	}
	return ""
}

// Ready reports whether a sending host passes every check that receivers
// reject mail for: a static address with a PTR whose name's AAAA is the
// address (FCrDNS), a HELO name equal to it, SPF that passes it, and a /64
// of its own stream. Warnings do not count against it.
func (r HostRow) Ready() bool {
	if !r.Sender || len(r.Checks) == 0 {
		return false
	}
	for _, c := range r.Checks {
		if c.Status == deploy.Fail.String() {
			return false
		}
	}
	return true
}

// Hosts returns the rows of the hosts view, made once per revision.
func (d *Doc) Hosts() []HostRow {
	d.listOutputs()
	if !d.out.hostsMade {
		if d.Alloc != nil {
			d.out.hosts = hostRows(d.Alloc)
		}
		d.out.hostsMade = true
	}
	return d.out.hosts
}

func hostRows(a *plan.Allocation) []HostRow {
	checks := map[string][]HostCheck{}
	for _, c := range deploy.Readiness(a) {
		checks[c.Host] = append(checks[c.Host], HostCheck{Item: c.Item, Status: c.Status.String(), Msg: c.Msg})
	}
	rows := make([]HostRow, 0, len(a.Hosts))
	for _, h := range a.Hosts {
		r := HostRow{Path: h.Path, FQDN: h.FQDN, Roles: strings.Join(h.Host.Roles, ", "), Sender: h.Host.IsSender()}
		if h.Addr.IsValid() {
			r.Addr, r.IP = h.Addr.String(), h.Addr
			r.PTR, _ = records.PTRName(h.Addr)
		}
		if r.Sender {
			r.Checks = checks[h.Path]
		}
		rows = append(rows, r)
	}
	return rows
}
