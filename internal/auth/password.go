// Package auth holds authentication: password hashing (argon2id), TOTP second factor, session
// and API tokens, login rate limiting, and the login flow that ties them to the store. It
// yields a user; it decides nothing about what the user may see (that is package access).
package auth

import (
	"crypto/rand"
	"math/big"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"lots/internal/casework"
)

// Hasher hashes and checks passwords with argon2id.
type Hasher struct {
	Params *argon2id.Params
	// dummy is a hash to check against when there is none, so that a missing user or password
	// costs the time of a real check. It is made in the background when the hasher is
	// (with the default parameters it takes half a second, which start need not wait for);
	// a check that needs it first waits for it.
	dummy func() string
	// slots bounds the hashes computed at once. Each holds Params.Memory (64 MiB by default)
	// while it runs and uses Params.Parallelism threads, so more at once than the processors
	// can run finish no sooner and only add memory: ten logins arriving together were 640 MiB.
	slots chan struct{}
}

// DefaultParams follow RFC 9106's second recommended option scaled to a server that logs in
// a few users a second: 64 MiB, 3 passes, 2 lanes.
var DefaultParams = &argon2id.Params{Memory: 64 * 1024, Iterations: 3, Parallelism: 2, SaltLength: 16, KeyLength: 32}

// FastParams are for tests and the demo's many accounts only. Never for production accounts.
var FastParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// NewHasher returns a hasher with the given parameters (DefaultParams when nil).
func NewHasher(p *argon2id.Params) *Hasher {
	if p == nil {
		p = DefaultParams
	}
	h := &Hasher{Params: p, slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/int(max(1, p.Parallelism))))}
	h.dummy = sync.OnceValue(func() string {
		defer h.slot()()
		d, _ := argon2id.CreateHash("lots-dummy-password", p)
		return d
	})
	go h.dummy()
	return h
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ValidatePassword checks a new password.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return casework.Invalid("password", "password.too_short", MinPasswordLength)
	case len(pw) > 1024:
		return casework.Invalid("password", "password.too_long")
	}
	return nil
}

// Hash returns the PHC-encoded argon2id hash of pw.
func (h *Hasher) Hash(pw string) (string, error) {
	if err := ValidatePassword(pw); err != nil {
		return "", err
	}
	release := h.slot()
	s, err := argon2id.CreateHash(pw, h.Params)
	release()
	if err != nil {
		return "", casework.Internal(err)
	}
	return s, nil
}

// Check reports whether pw matches hash. An empty hash (no password set) never matches, but
// costs the same time as one that is checked.
func (h *Hasher) Check(pw, hash string) bool {
	if hash == "" {
		d := h.dummy()
		defer h.slot()()
		_, _ = argon2id.ComparePasswordAndHash(pw, d)
		return false
	}
	defer h.slot()()
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// slot waits for one of the hasher's slots and returns its release.
func (h *Hasher) slot() func() {
	h.slots <- struct{}{}
	return func() { <-h.slots }
}

// Waste spends the time of one check; used when the user does not exist so that timing does
// not reveal which usernames do.
func (h *Hasher) Waste(pw string) { h.Check(pw, "") }

// GeneratePassword returns a random initial password, easy to read aloud or type from paper:
// four groups of four from an alphabet without look-alike characters (~80 bits).
func GeneratePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 0, 19)
	for i := 0; i < 16; i++ {
		if i > 0 && i%4 == 0 {
			b = append(b, '-')
		}
		b = append(b, alphabet[randIntN(len(alphabet))])
	}
	return string(b)
}

func randIntN(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return int(v.Int64())
}
