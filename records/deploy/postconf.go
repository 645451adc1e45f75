package deploy

import (
	"fmt"
	"path"
	"strings"

	"github.com/ip6plan/ip6plan/plan"
)

// PostconfScript returns the Postfix settings Generate writes for the
// machine opt names (its main.cf and master.cf additions) as a shell
// script of postconf(1) commands that apply them in place: postconf -e
// sets each main.cf parameter where the file has it, so main.cf keeps one
// entry for each and postconf reports no "overriding earlier entry", and
// postconf -M sets each master.cf service whole, -o options and all
// (postconf(1), Postfix 2.11 and later). Running the script twice changes
// nothing. The errors are those of Generate.
func PostconfScript(a *plan.Allocation, opt Options) (string, error) {
	x := NewIndex(a)
	files, err := x.Generate(Postfix, opt)
	if err != nil {
		return "", err
	}
	var names []string
	for _, name := range opt.Hosts {
		if h, err := x.Lookup(name); err == nil {
			names = append(names, strings.TrimSuffix(h.FQDN, "."))
		}
	}
	return postconfScript(files, names)
}

// postconfScript turns Postfix files of Generate into the script of
// PostconfScript for the hosts with the fully qualified names given.
func postconfScript(files []File, names []string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, `#!/bin/sh
# Postfix settings written by ip6plan for %s.
# Each command sets one setting in place, where the file already has it, so
# no setting is given twice; running the script again changes nothing. Run it
# as root on the mail host (MAIL_CONFIG=DIR for a configuration directory other
# than /etc/postfix), check with "postconf -n" and run "postfix reload".
set -e
`, strings.Join(names, ", "))
	for _, f := range files {
		var entries []string
		var err error
		switch path.Base(f.Path) {
		case "main.cf":
			entries, err = mainCFEntries(f.Content)
		case "master.cf":
			entries, err = masterCFEntries(f.Content)
		default:
			return "", fmt.Errorf("%s: postconf edits only main.cf and master.cf", f.Path)
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", f.Path, err)
		}
		fmt.Fprintf(&b, "\n# %s\n", f.Path)
		for _, e := range entries {
			b.WriteString(e)
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}

// shellQuote quotes s for sh(1) in single quotes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// logicalLines splits a Postfix configuration file into comment lines,
// kept as they are, and logical lines: a line that starts with white space
// continues the one before it (postconf(5), master(5)). The leading
// comment that names the file and says how to add it is dropped: up to
// its first empty comment line, else its first line alone.
func logicalLines(text string) []string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	skip := 1
	for i, l := range lines {
		if !strings.HasPrefix(l, "#") {
			break
		}
		if l == "#" {
			skip = i + 1
			break
		}
	}
	var out []string
	for _, l := range lines[skip:] {
		switch {
		case strings.TrimSpace(l) == "":
			out = append(out, "")
		case strings.HasPrefix(l, "#"):
			out = append(out, l)
		case (l[0] == ' ' || l[0] == '\t') && len(out) > 0 && out[len(out)-1] != "" && !strings.HasPrefix(out[len(out)-1], "#"):
			out[len(out)-1] += " " + strings.TrimSpace(l)
		default:
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

// mainCFEntries returns main.cf text as postconf -e commands, comments
// kept.
func mainCFEntries(text string) ([]string, error) {
	var out []string
	for _, l := range logicalLines(text) {
		if l == "" || strings.HasPrefix(l, "#") {
			out = append(out, l)
			continue
		}
		name, value, ok := strings.Cut(l, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not a parameter = value line", l)
		}
		out = append(out, "postconf -e "+shellQuote(strings.TrimSpace(name)+" = "+strings.TrimSpace(value)))
	}
	return out, nil
}

// masterCFEntries returns master.cf text as postconf -M commands, one for
// each service (name/type), comments kept.
func masterCFEntries(text string) ([]string, error) {
	var out []string
	for _, l := range logicalLines(text) {
		if l == "" || strings.HasPrefix(l, "#") {
			out = append(out, l)
			continue
		}
		fields := strings.Fields(l)
		if len(fields) < 8 {
			return nil, fmt.Errorf("%q has %d fields; a service has 8 and its arguments", l, len(fields))
		}
		out = append(out, "postconf -M "+shellQuote(fields[0]+"/"+fields[1]+"="+strings.Join(fields, " ")))
	}
	return out, nil
}
