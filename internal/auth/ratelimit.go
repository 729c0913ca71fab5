package auth

import (
	"context"
	"time"

	"lots/internal/store"
)

// Limiter counts failed logins per key (a username, a client address) in a sliding window and
// refuses further attempts once a key has failed too often. The failures are kept in the
// database (store.LoginFailures), so every Lots instance on one database brakes together and
// a restart forgives nothing; they are deleted once they have left the window.
type Limiter struct {
	store  *store.Store
	max    int
	window time.Duration
	now    func() time.Time
}

// NewLimiter allows max failures per key within window.
func NewLimiter(s *store.Store, max int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{store: s, max: max, window: window, now: now}
}

// Window is how long a failure counts.
func (l *Limiter) Window() time.Duration { return l.window }

// Blocked reports whether key is blocked and, if so, for how long yet: until the oldest
// failure in the window leaves it. A database that cannot answer is an error (the login then
// fails; it is never let through unbraked).
func (l *Limiter) Blocked(ctx context.Context, key string) (bool, time.Duration, error) {
	now := l.now()
	f, err := l.store.LoginFailures(ctx, key, now.Add(-l.window), l.max)
	if err != nil {
		return false, 0, err
	}
	if len(f) < l.max {
		return false, 0, nil
	}
	return true, f[0].Add(l.window).Sub(now), nil
}

// Fail records a failure for key.
func (l *Limiter) Fail(ctx context.Context, key string) error {
	now := l.now()
	return l.store.RecordLoginFailure(ctx, key, now, now.Add(-l.window))
}

// Reset forgets key's failures (after a successful login).
func (l *Limiter) Reset(ctx context.Context, key string) error {
	return l.store.ForgetLoginFailures(ctx, key)
}

// Store is where the failures are kept.
func (l *Limiter) Store() *store.Store { return l.store }
