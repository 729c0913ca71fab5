package store

import (
	"context"

	"lots/internal/access"
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
