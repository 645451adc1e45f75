package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ip6plan/ip6plan/records/live"
)

// surveyFlags are the survey command's options.
type surveyFlags struct {
	resolverFlags
	workers int
	output  string
	out     string
	resume  bool
}

func newSurveyCmd() *cobra.Command {
	var f surveyFlags
	c := &cobra.Command{
		Use:   "survey FILE [--resolver HOST:PORT] [--workers N] [-o csv|json] [--out FILE] [--resume]",
		Short: "Count the domains of a list whose mail exchangers have IPv6 addresses",
		Long: `survey looks up, for each domain in FILE (- for standard input), its MX records
and the AAAA records of each mail exchanger; a domain without MX records is its
own exchanger (RFC 5321 §5.1). FILE holds one domain per line, or CSV lines such
as a ranked list's "1,example.com": the domain is the first field that is not a
number. A first line with no dot in it is a header and is skipped.

Each domain gives one row, written as soon as its lookups end (so rows come in
no particular order): with -o csv the columns domain, ipv6 (yes, no, or empty
when unknown), status (ok, NXDOMAIN, SERVFAIL, timeout, REFUSED, referral or
error), mx (the exchangers in order of preference; "." is a null MX, RFC 7505),
ipv6_mx (those with AAAA records), implicit (yes when the domain is its own
exchanger) and error; with -o json one JSON object per line.

With --out the rows go to that file as they come, so a run that is stopped
keeps every row found; --resume then reads the file, skips the domains it
already has and appends the rest. The summary (N of M domains have an IPv6 mail
exchanger) goes to standard error, with a progress line while it runs when
standard error is a terminal.

--workers domains are looked up at once; each question is asked over UDP (TCP
when the answer is truncated), waiting --timeout for an answer, --attempts
times.`,
		Example: `  ip6plan survey domains.txt --resolver 127.0.0.1:53 --out survey.csv
  ip6plan survey top-1m.csv --workers 200 --out survey.csv --resume
  ip6plan survey - -o json < domains.txt | jq 'select(.ipv6)'`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return f.run(c, args[0]) },
	}
	f.register(c)
	fl := c.Flags()
	fl.IntVar(&f.workers, "workers", live.DefaultWorkers, "domains to look up at once")
	fl.StringVarP(&f.output, "output", "o", "csv", "row format: csv or json (JSON Lines)")
	fl.StringVar(&f.out, "out", "", "write the rows to this file as they come, instead of standard output")
	fl.BoolVar(&f.resume, "resume", false, "with --out: keep the file's rows and survey only the domains it lacks")
	c.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"csv", "json"}, cobra.ShellCompDirectiveNoFileComp))
	c.MarkFlagFilename("out", "csv", "json", "jsonl")
	return c
}

func (f *surveyFlags) run(c *cobra.Command, file string) error {
	if err := f.check(); err != nil {
		return err
	}
	stderr := c.ErrOrStderr()
	domains, err := f.readDomains(c, file)
	if err != nil {
		return err
	}

	// The rows already found, when resuming.
	var tally live.Tally
	w := c.OutOrStdout()
	header := true
	if f.out != "" {
		done, out, empty, err := f.openOut()
		if err != nil {
			return err
		}
		defer out.Close()
		w, header = out, empty
		total := len(domains)
		domains, tally = live.Resume(domains, done)
		if f.resume {
			fmt.Fprintf(stderr, "ip6plan: survey: %s has %d rows; %d of %d domains left\n", f.out, tally.Domains, len(domains), total)
		}
	}
	ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt)
	defer stop()
	if len(domains) > 0 {
		if err := f.survey(ctx, stderr, domains, w, header, &tally); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "ip6plan: survey: %s\n", tally.String())
	return nil
}

// check checks the options that need no file or network.
func (f *surveyFlags) check() error {
	switch {
	case f.output != live.CSV && f.output != live.JSON:
		return fmt.Errorf("unknown output format %q; want csv or json", f.output)
	case f.workers < 1 || f.workers > 10000:
		return fmt.Errorf("--workers %d: want 1 to 10000", f.workers)
	case f.resume && f.out == "":
		return errors.New("--resume needs --out FILE: the rows of the run to resume")
	}
	return nil
}

// survey looks the domains up, writes their rows to w as they come and
// counts them into tally. When the run stops early it prints the summary
// so far and says how to go on.
func (f *surveyFlags) survey(ctx context.Context, stderr io.Writer, domains []string, w io.Writer, header bool, tally *live.Tally) error {
	client, err := f.client(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	rw, err := live.NewRowWriter(w, f.output, header)
	if err != nil {
		return err
	}
	s := &live.Survey{Resolver: client, Workers: f.workers}
	bar := newSurveyProgress(stderr, len(domains))
	err = s.Run(ctx, slices.Values(domains), func(row live.Row) error {
		tally.Add(row)
		bar.add()
		return rw.Write(row)
	})
	bar.stop()
	if err == nil {
		return nil
	}
	fmt.Fprintf(stderr, "ip6plan: survey: %s\n", tally.String())
	switch {
	case ctx.Err() != nil && f.out != "":
		return fmt.Errorf("interrupted; the rows so far are in %s: run again with --resume to finish", f.out)
	case ctx.Err() != nil:
		return errors.New("interrupted")
	}
	return err
}

// readDomains reads the list, reporting lines without a domain as
// warnings.
func (f *surveyFlags) readDomains(c *cobra.Command, file string) ([]string, error) {
	var r io.Reader = c.InOrStdin()
	name := "stdin"
	if file != "-" {
		fh, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r, name = fh, file
	}
	domains, err := live.ReadDomains(r, name)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(c.ErrOrStderr(), "ip6plan: warning: %s (skipped)\n", line)
		}
	}
	if len(domains) == 0 {
		return nil, fmt.Errorf("%s holds no domains to survey", name)
	}
	return domains, nil
}

// openOut opens the output file: a new one, or with --resume the rows it
// has, cut after its last whole line, open for appending. empty reports
// whether the file holds nothing, not even a header.
func (f *surveyFlags) openOut() (rows []live.Row, out *os.File, empty bool, err error) {
	fail := func(err error) ([]live.Row, *os.File, bool, error) {
		return nil, nil, false, err
	}
	data, err := os.ReadFile(f.out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		data = nil
	case err != nil:
		return fail(err)
	case !f.resume && len(data) > 0:
		return fail(fmt.Errorf("%s exists: use --resume to go on with it, or remove it", f.out))
	}
	if format := live.FormatOf(data); format != "" && format != f.output {
		return fail(fmt.Errorf("%s holds %s rows; resume it with -o %s", f.out, format, format))
	}
	rows, n, err := live.ReadRows(data)
	if err != nil {
		return fail(fmt.Errorf("%s: %w", f.out, err))
	}
	out, err = os.OpenFile(f.out, os.O_WRONLY|os.O_CREATE, 0o644)
	if err == nil {
		err = out.Truncate(int64(n)) // drop a row cut short
	}
	if err == nil {
		_, err = out.Seek(int64(n), io.SeekStart)
	}
	if err != nil {
		return fail(err)
	}
	return rows, out, n == 0, nil
}

// surveyProgress draws a progress line on standard error when it is a
// terminal, and nothing otherwise.
type surveyProgress struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	done  int
	start time.Time
	quit  chan struct{}
	wg    sync.WaitGroup
}

func newSurveyProgress(w io.Writer, total int) *surveyProgress {
	p := &surveyProgress{total: total, start: time.Now()}
	if f, ok := w.(*os.File); !ok || !isSurveyTerminal(f) {
		return p
	}
	p.w = w
	p.quit = make(chan struct{})
	p.wg.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.draw()
			}
		}
	})
	return p
}

func isSurveyTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *surveyProgress) add() {
	p.mu.Lock()
	p.done++
	p.mu.Unlock()
}

func (p *surveyProgress) draw() {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\x1b[K%s", live.ProgressLine(done, p.total, time.Since(p.start)))
}

// stop ends the surveyProgress line and clears it.
func (p *surveyProgress) stop() {
	if p.w == nil {
		return
	}
	close(p.quit)
	p.wg.Wait()
	fmt.Fprint(p.w, "\r\x1b[K")
}
