package store

import (
	"context"

	"lots/internal/access"
	"lots/internal/stats"
)

// CaseFactsForTest exposes the access facts of a case to the tests that compare the lists'
// SQL rule with access.Case.
func (s *Store) CaseFactsForTest(ctx context.Context, municipalityID, caseID int64) (access.CaseFacts, error) {
	var f access.CaseFacts
	err := s.update(ctx, func(tx *Tx) error {
		lc, err := tx.loadCase(municipalityID, caseID)
		f = lc.Facts
		return err
	})
	return f, err
}

// WithRetentionHook makes a run call hook inside its deleting transaction, after the cases are
// deleted and before anything else: the kill -9 test stops the process there.
func WithRetentionHook(o RetentionOptions, hook func()) RetentionOptions {
	o.hook = hook
	return o
}

// VerifyRestoreForTest checks the store against a backup's manifest, as Restore does after
// writing the copy.
func (s *Store) VerifyRestoreForTest(ctx context.Context, m BackupManifest) (RestoreReport, error) {
	return s.verifyRestore(ctx, m)
}

// LiveExportForTest counts a half-year's export from the records as they are now, not from its
// release: the retention test shows the release kept what the records no longer give.
func (s *Store) LiveExportForTest(ctx context.Context, municipalityID int64, p stats.Period) ([]byte, error) {
	dash, err := s.dashboard(ctx, municipalityID, p, nil)
	if err != nil {
		return nil, err
	}
	m, err := s.Municipality(ctx, municipalityID)
	if err != nil {
		return nil, err
	}
	e, err := stats.NewExport(dash, m.Code, m.Name, s.now())
	if err != nil {
		return nil, err
	}
	return e.Marshal()
}
