package app

import "context"

// syncGroups reads every single-sign-on person's groups at their provider again (hourly, on
// one instance: auth.SyncGroups, docs/sso.md).
func (a *App) syncGroups(ctx context.Context) error {
	r, err := a.Auth.SyncGroups(ctx)
	if err != nil {
		return err
	}
	if r.Changed+r.Ended+r.Failed > 0 {
		a.Config.Log.Info("group synchronisation", "checked", r.Checked, "changed", r.Changed, "ended", r.Ended, "failed", r.Failed)
	}
	return nil
}
