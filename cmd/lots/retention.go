package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"lots/internal/casework"
	"lots/internal/stats"
	"lots/internal/store"
)

const retentionUsage = "usage: lots retention run [--dry-run] [--municipality CODE] | lots retention runs [--municipality CODE]"

// cmdRetention runs retention (gallring) now, or lists the runs. `lots serve` runs it daily by
// itself.
func cmdRetention(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "run" && args[0] != "runs") {
		return errors.New(retentionUsage)
	}
	sub := args[0]
	help := map[string]string{
		"run": "Deletes what each municipality's retention rules make due (docs/data-protection.md): physically, in one\n" +
			"transaction per municipality, once the dashboard releases the records count in are made. Open cases and\n" +
			"cases under a legal hold are never touched. --dry-run only says what is due. `lots serve` runs this daily.",
		"runs": "Lists the last retention runs: when, what kinds, how many, under which rule (no names).",
	}[sub]
	var c common
	fs := newFlags("retention "+sub, help, stderr)
	c.register(fs)
	code := fs.String("municipality", "", "only this kommunkod")
	dry := fs.Bool("dry-run", false, "only list what is due (run)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.Close()
	ms, err := a.Store.Municipalities(ctx)
	if err != nil {
		return err
	}
	failed := false
	found := false
	for _, m := range ms {
		if *code != "" && m.Code != *code {
			continue
		}
		found = true
		sys := casework.WithActor(ctx, casework.SystemActor(m.ID, "lots retention"))
		switch sub {
		case "runs":
			runs, err := a.Store.RetentionRuns(sys, 20)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s %s\n", m.Code, m.Name)
			for _, r := range runs {
				printRun(stdout, r)
			}
		case "run":
			var r store.RetentionRun
			run := func(ctx context.Context) (err error) {
				r, err = a.Store.RunRetention(ctx, store.RetentionOptions{DryRun: *dry, StartedBy: "command"})
				return err
			}
			var err error
			if *dry {
				err = run(sys)
			} else {
				// Not beside a running `lots serve`'s daily run (issue 18: one job at a time on
				// the database).
				err = a.Store.RunOnce(sys, "retention", run)
				if errors.Is(err, store.ErrJobTaken) {
					return fmt.Errorf("%s: retention is running now in a lots serve on this database; try again when it has finished", m.Code)
				}
			}
			fmt.Fprintf(stdout, "%s %s\n", m.Code, m.Name)
			printRun(stdout, r)
			if err != nil {
				failed = true
				fmt.Fprintf(stderr, "%s: the run failed and changed nothing: %v\n", m.Code, err)
			}
		}
	}
	if !found {
		return fmt.Errorf("no municipality %q", *code)
	}
	if failed {
		return errors.New("retention failed; the failed runs changed nothing")
	}
	return nil
}

func printRun(w io.Writer, r store.RetentionRun) {
	what := "run"
	if r.DryRun {
		what = "dry run (nothing deleted)"
	}
	state := r.Outcome
	if r.Interrupted() {
		state = "never finished (interrupted); nothing of it was kept"
	}
	fmt.Fprintf(w, "  %s %s by %s: %s%s\n", r.StartedAt.In(stats.Stockholm).Format("2006-01-02 15:04"), what, r.StartedBy, state,
		map[bool]string{true: " — " + r.Error, false: ""}[r.Error != ""])
	for _, c := range r.Counts {
		if c.Count == 0 && c.Held == 0 && c.Waiting == 0 && c.Kept == 0 {
			continue
		}
		fmt.Fprintf(w, "    %-22s %5d   (after %d %s", c.Kind, c.Count, c.Period, c.Unit)
		if c.Held > 0 {
			fmt.Fprintf(w, "; %d under legal hold", c.Held)
		}
		if c.Waiting > 0 {
			fmt.Fprintf(w, "; %d wait for their half-year to end", c.Waiting)
		}
		if c.Kept > 0 {
			fmt.Fprintf(w, "; %d past the period, kept", c.Kept)
		}
		fmt.Fprintln(w, ")")
	}
	if r.Youths > 0 {
		fmt.Fprintf(w, "    %-22s %5d\n", "youth records", r.Youths)
	}
}
