package main

import (
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/plan/planfile"
	"github.com/ip6plan/ip6plan/records/deploy"
)

// configFlags are the config command's options.
type configFlags struct {
	planFlags
	hosts []string
	iface string
	dir   string
	force bool
	as    string // files or postconf
}

// postconfName is the name -d gives the script of --as postconf.
const postconfName = "postconf.sh"

func newConfigCmd() *cobra.Command {
	var f configFlags
	var kinds []string
	for _, k := range deploy.Kinds() {
		kinds = append(kinds, string(k))
	}
	c := &cobra.Command{
		Use:   "config KIND -f PLAN --host NAME[,NAME...] [--iface IF] [-d DIR]",
		Short: "Write MTA, network and firewall settings for a machine's planned hosts",
		Long: `config writes the settings a machine needs to use the addresses the plan gives
it. KIND is one of:
  postfix    main.cf and master.cf: inet_protocols, smtp_bind_address6,
             smtp_address_preference, mynetworks, and one smtp transport per
             mail stream with -o smtp_bind_address6= and -o smtp_helo_name=
  exim       smtp transports with interface and helo_data
  sendmail   sendmail.mc DAEMON_OPTIONS and CLIENT_OPTIONS (Family=inet6)
  rhel       ifcfg lines (IPV6INIT, IPV6ADDR, IPV6_DEFAULTGW) and the nmcli command
  debian     an /etc/network/interfaces.d file (iface IF inet6 static)
  netplan    a netplan YAML file
  networkd   a systemd-networkd .network file
  freebsd    rc.conf lines (ifconfig_IF_ipv6, ipv6_defaultrouter)
  windows    netsh interface ipv6 commands
  nftables   an nft ruleset for what the hosts serve, ICMPv6 per RFC 4890
  ip6tables  the same as an ip6tables-restore file

--host names the planned hosts the machine carries, by name, FQDN or path;
give several (a comma list, or --host again) when one box sends several
streams: each keeps its own address and HELO name. The HELO name is always the
host's PTR name. The operating system kinds set the default route via the
gateway of the hosts' subnet (gateway: in the plan) and refuse a subnet
without one. Host settings turn off autoconfiguration and temporary
addresses, whose addresses have no PTR.

For postfix, --as postconf prints a shell script of postconf commands instead,
which set each setting in place (postconf -e for main.cf, -M for each
master.cf service), so that main.cf never holds a setting twice and running it
again changes nothing. Appended lines work too, but postconf warns
"overriding earlier entry" for each setting the file had.

Without -d the files go to standard output, each opening with a comment that
names where it belongs. With -d DIR each is written atomically to DIR under
its base name; an existing file is kept unless --force. The lock must already
hold every address the plan places ('ip6plan plan' writes it); config reads it
and exits 1 when it is behind the plan, so no address is configured before it
is locked.`,
		Example: `  ip6plan config postfix -f plan.yaml --host mta1,mta2
  ip6plan config postfix -f plan.yaml --host mta1,mta2 --as postconf | sudo sh
  ip6plan config netplan -f plan.yaml --host mta1 --iface ens3 -d /tmp/out
  ip6plan config nftables -f plan.yaml --host www --host ns1
  ip6plan config freebsd -f plan.yaml --host mta1.example.com --iface vtnet0`,
		ValidArgs: kinds,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("say which settings to write: one of %s", strings.Join(kinds, ", "))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error { return f.run(c, args[0]) },
	}
	f.register(c)
	fl := c.Flags()
	fl.StringSliceVar(&f.hosts, "host", nil, "the planned hosts on the machine: name, FQDN or path (comma list, or repeat)")
	fl.StringVar(&f.iface, "iface", "", `network interface (default eth0; em0 for freebsd, "Ethernet" for windows)`)
	fl.StringVarP(&f.dir, "dir", "d", "", "write the files into this directory instead of standard output")
	fl.BoolVar(&f.force, "force", false, "with -d: overwrite existing files")
	fl.StringVar(&f.as, "as", "files", "postfix: files (lines to add to main.cf and master.cf) or postconf (postconf -e and -M commands that set them in place)")
	c.RegisterFlagCompletionFunc("as", cobra.FixedCompletions([]string{"files", "postconf"}, cobra.ShellCompDirectiveNoFileComp))
	c.MarkFlagRequired("host")
	c.MarkFlagDirname("dir")
	return c
}

// run writes the settings of the kind named for the hosts --host names:
// it checks the flags, reads the plan, has records/deploy generate the
// settings, and prints or writes them.
func (f *configFlags) run(c *cobra.Command, name string) error {
	kind, err := f.kind(name)
	if err != nil {
		return err
	}
	if f.dir != "" {
		if err := mkdirAll(f.dir); err != nil {
			return err
		}
	}
	a, err := f.loadCurrent(c)
	if err != nil {
		return err
	}
	opt := deploy.Options{Hosts: f.hosts, Iface: f.iface}
	if f.as == "postconf" {
		script, err := deploy.PostconfScript(a, opt)
		if err != nil {
			return err
		}
		return f.writeScript(c.OutOrStdout(), script)
	}
	files, err := deploy.Generate(kind, a, opt)
	if err != nil {
		return err
	}
	return f.writeFiles(c.OutOrStdout(), files)
}

// kind returns the kind of settings name names, once --as is known to
// suit it.
func (f *configFlags) kind(name string) (deploy.Kind, error) {
	kind, err := deploy.ParseKind(name)
	switch {
	case err != nil:
		return "", err
	case f.as != "files" && f.as != "postconf":
		return "", fmt.Errorf("--as %q: want files or postconf", f.as)
	case f.as == "postconf" && kind != deploy.Postfix:
		return "", fmt.Errorf("--as postconf applies Postfix settings; %s settings come as files only", kind)
	}
	return kind, nil
}

// writeScript prints the postconf script, or with -d writes it there.
func (f *configFlags) writeScript(out io.Writer, script string) error {
	if f.dir == "" {
		_, err := io.WriteString(out, script)
		return err
	}
	p := filepath.Join(f.dir, postconfName)
	if err := planfile.WriteNew(p, []byte(script), 0o755, f.force); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\twritten: run it on the mail host\n", p)
	return nil
}

// writeFiles prints the files one after another, or with -d writes each
// there under its base name (deploy.File.Path), saying where it goes.
func (f *configFlags) writeFiles(out io.Writer, files []deploy.File) error {
	if f.dir == "" {
		for i, file := range files {
			if i > 0 {
				fmt.Fprintln(out)
			}
			fmt.Fprint(out, file.Content)
		}
		return nil
	}
	for _, file := range files {
		p := filepath.Join(f.dir, path.Base(file.Path))
		if err := planfile.WriteNew(p, []byte(file.Content), file.Mode, f.force); err != nil {
			return err
		}
		if file.Part {
			fmt.Fprintf(out, "%s\twritten: add its lines to %s\n", p, file.Path)
		} else {
			fmt.Fprintf(out, "%s\twritten: install it as %s\n", p, file.Path)
		}
	}
	return nil
}
