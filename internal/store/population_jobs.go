package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"lots/internal/audit"
	"lots/internal/casework"
	"lots/internal/mapping"
)

// Population imports as background jobs (docs/mapping.md). A Statistics Sweden file of 300
// districts over ten years is 156 000 rows; reading, checking and saving it takes seconds, so
// the upload only starts a job and the page follows it. One job at a time per municipality
// (a partial unique index on the unfinished row). The job reads and checks the file
// (mapping.ParsePopulationWith) and saves every row in ONE transaction, which also marks the
// job done and writes the audit entry: a job that fails or dies leaves the years stored before
// exactly as they were, and "done" is never seen without the data.
//
// Progress (phase, done of total) is kept in this process's memory as it changes and written
// to the job's row at each phase and at most once a PopJobBeat — the row is what another
// instance, or this one after a restart, reads. While the rows are being saved on SQLite the
// single writer is the save's own transaction, so the row keeps the phase and its last count
// until the save commits; this process still answers from memory. A job whose row has not been
// touched for PopJobStale belongs to a process that died: it is shown as interrupted, and the
// next start finishes it as such.

// Phases of a population import.
const (
	PopQueued      = "queued"
	PopReading     = mapping.PhaseReading
	PopChecking    = mapping.PhaseChecking
	PopSaving      = "saving"
	PopDone        = "done"
	PopFailed      = "failed"      // the file was refused (Errors), or an internal fault
	PopInterrupted = "interrupted" // the process running it stopped; nothing was saved
)

// PopJobBeat is how often a running job writes its progress to its row.
const PopJobBeat = time.Second

// PopJobStale is how long a job's row may go untouched before the job counts as dead.
const PopJobStale = 3 * time.Minute

// PopulationJob is a population import: where it is, and how it ended.
type PopulationJob struct {
	ID          int64
	FileName    string
	Phase       string
	Done, Total int // of the phase: lines read, rows checked, rows saved
	Rows        int // rows saved (done)
	People      int // people in the rows saved (done)
	Years       []int
	Errors      casework.FieldErrors // the refused file's line errors (failed)
	StartedBy   int64
	StartedAt   time.Time
	FinishedAt  time.Time // zero while it runs
	updated     time.Time // the row's last heartbeat
}

// Finished tells whether the job has ended (done, failed or interrupted).
func (j PopulationJob) Finished() bool {
	return j.Phase == PopDone || j.Phase == PopFailed || j.Phase == PopInterrupted
}

// popJobs are the jobs running in this process: their live progress, and what Close waits for.
type popJobs struct {
	mu     sync.Mutex
	live   map[int64]PopulationJob
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
	// hook, in tests, is called at every progress report in the job's goroutine (it may block
	// to hold the job in a phase).
	hook func(id int64, phase string, done, total int)
}

func newPopJobs() *popJobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &popJobs{live: map[int64]PopulationJob{}, ctx: ctx, cancel: cancel}
}

// stop cancels the running jobs (their transactions roll back) and waits for them.
func (p *popJobs) stop() {
	p.cancel()
	p.wg.Wait()
}

func (p *popJobs) get(id int64) (PopulationJob, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	j, ok := p.live[id]
	return j, ok
}

func (p *popJobs) set(j PopulationJob) {
	p.mu.Lock()
	p.live[j.ID] = j
	p.mu.Unlock()
}

func (p *popJobs) drop(id int64) {
	p.mu.Lock()
	delete(p.live, id)
	p.mu.Unlock()
}

// StartPopulationImport starts importing a population file (the administrator's or the
// steering group's) and returns the job at once. Another unfinished job of the municipality
// is a conflict; one whose process died is finished as interrupted first. read gives the
// file, once the actor is known to be allowed (so a refused actor is refused before anything
// about the file is checked); its error is returned as it is.
func (s *Store) StartPopulationImport(ctx context.Context, name string, read func() ([]byte, error)) (PopulationJob, error) {
	w := What{Action: audit.ActionCreate, Object: "population_import"}
	a, d, err := s.permitAny(ctx, MappingEditors, w)
	if err != nil {
		return PopulationJob{}, err
	}
	file, err := read()
	if err != nil {
		return PopulationJob{}, err
	}
	if len(file) == 0 {
		return PopulationJob{}, casework.Invalid("file", "mapping.file_required")
	}
	name = strings.TrimSpace(name)
	if len(name) > 200 {
		name = name[:200]
	}
	mid := a.User.MunicipalityID
	j := PopulationJob{ID: newID(), FileName: name, Phase: PopQueued, StartedBy: a.User.ID}
	err = s.update(ctx, func(tx *Tx) error {
		j.StartedAt = tx.now
		if _, err := tx.Exec(`UPDATE population_imports SET phase = $1, finished_at = $2 WHERE municipality_id = $3 AND finished_at IS NULL AND updated_at < $4`,
			PopInterrupted, tx.now, mid, tx.now.Add(-PopJobStale)); err != nil {
			return casework.Internal(err)
		}
		_, err := tx.Exec(`INSERT INTO population_imports (id, municipality_id, started_by, file_name, phase, started_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`, j.ID, mid, a.User.ID, name, PopQueued, tx.now)
		switch {
		case isUniqueViolation(err):
			return casework.Errorf(casework.EConflict, "import13.running", "a population import is already running")
		case err != nil:
			return casework.Internal(err)
		}
		w.Detail = fmt.Sprintf("job %d, %d bytes", j.ID, len(file))
		return tx.audit(a, w, d)
	})
	if err != nil {
		return PopulationJob{}, err
	}
	s.popJobs.set(j)
	s.popJobs.wg.Add(1)
	go func() {
		defer s.popJobs.wg.Done()
		defer s.popJobs.drop(j.ID)
		s.runPopulationImport(casework.WithActor(s.popJobs.ctx, a), j, mid, file)
	}()
	return j, nil
}

// runPopulationImport reads, checks and saves the file, and records how it ended.
func (s *Store) runPopulationImport(ctx context.Context, j PopulationJob, mid int64, file []byte) {
	var lastBeat time.Time
	saving := false
	report := func(phase string, done, total int) {
		changed := phase != j.Phase
		j.Phase, j.Done, j.Total = phase, done, total
		s.popJobs.set(j)
		if h := s.popJobs.hook; h != nil {
			h(j.ID, phase, done, total)
		}
		// The single SQLite writer is the save's own transaction while it saves.
		if saving && s.dialect == SQLite {
			return
		}
		if changed || time.Since(lastBeat) >= PopJobBeat {
			lastBeat = time.Now()
			s.popJobProgress(ctx, j)
		}
	}
	var districts []mapping.District
	err := s.view(ctx, func(tx *Tx) error {
		var err error
		districts, err = tx.mapDistricts(mid)
		return err
	})
	var rows []mapping.PopRow
	if err == nil {
		rows, err = mapping.ParsePopulationWith(file, districts, report)
	}
	if err == nil {
		report(PopSaving, 0, len(rows))
		saving = true
		err = s.savePopulationJob(ctx, &j, mid, rows, func(n int) { report(PopSaving, n, len(rows)) })
	}
	if err == nil {
		s.popJobs.set(j)
		return
	}
	j.FinishedAt = s.now()
	switch {
	case s.popJobs.ctx.Err() != nil || casework.ErrorCode(err) == casework.EConflict:
		j.Phase = PopInterrupted
	case casework.FieldErrorsOf(err) != nil:
		j.Phase, j.Errors = PopFailed, casework.FieldErrorsOf(err)
	default:
		s.log.Error("population import", "job", j.ID, "err", err)
		j.Phase, j.Errors = PopFailed, casework.FieldErrors{casework.Invalid("file", "import13.internal")}
	}
	s.popJobFinish(j, mid)
}

// savePopulationJob saves the rows, the job's end and the audit entry in one transaction.
func (s *Store) savePopulationJob(ctx context.Context, j *PopulationJob, mid int64, rows []mapping.PopRow, saved func(n int)) error {
	w := What{Action: audit.ActionUpdate, Object: "population"}
	a, d, err := s.permitAny(ctx, MappingEditors, w)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return casework.Invalid("file", "mapping.pop.empty")
	}
	people := 0
	for _, r := range rows {
		people += r.People
	}
	years := mapping.Years(rows)
	return s.update(ctx, func(tx *Tx) error {
		detail, err := tx.savePopulation(mid, rows, saved)
		if err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE population_imports SET phase = $1, done = $2, total = $2, rows_saved = $2, people = $3, years = $4,
			updated_at = $5, finished_at = $5 WHERE municipality_id = $6 AND id = $7 AND finished_at IS NULL`,
			PopDone, len(rows), people, joinYears(years), tx.now, mid, j.ID)
		if err != nil {
			return casework.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// Finished meanwhile as interrupted (its heartbeat was late): this save does not count.
			return casework.Errorf(casework.EConflict, "import13.interrupted", "population import %d was finished as interrupted", j.ID)
		}
		w.Detail = fmt.Sprintf("job %d, %s", j.ID, detail)
		if err := tx.audit(a, w, d); err != nil {
			return err
		}
		j.Phase, j.Done, j.Total, j.Rows, j.People, j.Years, j.FinishedAt = PopDone, len(rows), len(rows), len(rows), people, years, tx.now
		return nil
	})
}

// popJobProgress writes a running job's phase and count to its row (its heartbeat). A
// failure is logged: the import goes on, and its end is written in its own transaction.
func (s *Store) popJobProgress(ctx context.Context, j PopulationJob) {
	err := s.update(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE population_imports SET phase = $1, done = $2, total = $3, updated_at = $4 WHERE id = $5 AND finished_at IS NULL`,
			j.Phase, j.Done, j.Total, tx.now, j.ID)
		return err
	})
	if err != nil && ctx.Err() == nil {
		s.log.Warn("population import progress", "job", j.ID, "err", err)
	}
}

// popJobFinish records a job's failed or interrupted end (the rows were not saved), also
// when the store is closing.
func (s *Store) popJobFinish(j PopulationJob, mid int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(s.popJobs.ctx), 10*time.Second)
	defer cancel()
	errs, err := encodeLineErrors(j.Errors)
	if err == nil {
		err = s.update(ctx, func(tx *Tx) error {
			_, err := tx.Exec(`UPDATE population_imports SET phase = $1, done = $2, total = $3, errors = $4, updated_at = $5, finished_at = $5
				WHERE municipality_id = $6 AND id = $7 AND finished_at IS NULL`, j.Phase, j.Done, j.Total, errs, tx.now, mid, j.ID)
			return err
		})
	}
	if err != nil {
		s.log.Error("population import end", "job", j.ID, "err", err)
	}
}

// PopulationJob reads a job of the actor's municipality: from this process's memory while it
// runs here, else from its row. A row nobody has touched for PopJobStale is interrupted.
func (s *Store) PopulationJob(ctx context.Context, id int64) (PopulationJob, error) {
	a, _, err := s.permitAny(ctx, mappingReaders, What{Action: audit.ActionRead, Object: "population_import"})
	if err != nil {
		return PopulationJob{}, err
	}
	var jobs []PopulationJob
	err = s.view(ctx, func(tx *Tx) error {
		var err error
		jobs, err = tx.popJobs(a.User.MunicipalityID, `AND id = $2`, id)
		return err
	})
	if err != nil {
		return PopulationJob{}, err
	}
	if len(jobs) == 0 {
		return PopulationJob{}, casework.NotFound("population import")
	}
	return s.popJobNow(jobs[0]), nil
}

// PopulationJobs are the municipality's latest population imports, newest first.
func (s *Store) PopulationJobs(ctx context.Context, limit int) ([]PopulationJob, error) {
	a, _, err := s.permitAny(ctx, mappingReaders, What{Action: audit.ActionList, Object: "population_import"})
	if err != nil {
		return nil, err
	}
	var jobs []PopulationJob
	err = s.view(ctx, func(tx *Tx) error {
		var err error
		jobs, err = tx.popJobs(a.User.MunicipalityID, `ORDER BY started_at DESC LIMIT $2`, limit)
		return err
	})
	for i := range jobs {
		jobs[i] = s.popJobNow(jobs[i])
	}
	return jobs, err
}

// popJobNow is a job as it stands: live progress from memory, a dead one interrupted.
func (s *Store) popJobNow(j PopulationJob) PopulationJob {
	if j.Finished() {
		return j
	}
	if live, ok := s.popJobs.get(j.ID); ok {
		return live
	}
	if j.updated.Before(s.now().Add(-PopJobStale)) {
		j.Phase = PopInterrupted
	}
	return j
}

func (tx *Tx) popJobs(mid int64, rest string, arg any) ([]PopulationJob, error) {
	return queryAll(tx.ctx, tx, `SELECT id, file_name, phase, done, total, rows_saved, people, years, errors, started_by, started_at, updated_at, finished_at
		FROM population_imports WHERE municipality_id = $1 `+rest, []any{mid, arg}, func(sc scanner) (PopulationJob, error) {
		var j PopulationJob
		var years, errs string
		var finished sql.NullTime
		if err := sc.Scan(&j.ID, &j.FileName, &j.Phase, &j.Done, &j.Total, &j.Rows, &j.People, &years, &errs, &j.StartedBy, &j.StartedAt, &j.updated, &finished); err != nil {
			return j, err
		}
		j.FinishedAt = finished.Time
		for _, y := range strings.Fields(years) {
			n, err := strconv.Atoi(y)
			if err != nil {
				return j, err
			}
			j.Years = append(j.Years, n)
		}
		var err error
		j.Errors, err = decodeLineErrors(errs)
		return j, err
	})
}

func joinYears(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, " ")
}

// lineError is a stored line error: its message key and arguments (line, column, …).
type lineError struct {
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
}

func encodeLineErrors(fe casework.FieldErrors) (string, error) {
	if len(fe) == 0 {
		return "", nil
	}
	out := make([]lineError, len(fe))
	for i, e := range fe {
		out[i] = lineError{Key: e.Key, Args: e.Args}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// decodeLineErrors reads stored line errors back; whole numbers become ints again (the
// messages format them with %d).
func decodeLineErrors(s string) (casework.FieldErrors, error) {
	if s == "" {
		return nil, nil
	}
	var in []lineError
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("population import errors: %w", err)
	}
	var fe casework.FieldErrors
	for _, e := range in {
		for i, a := range e.Args {
			if f, ok := a.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				e.Args[i] = int(f)
			}
		}
		fe.Add("file", e.Key, e.Args...)
	}
	return fe, nil
}
