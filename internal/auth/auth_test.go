package auth_test

import (
	"context"
	"encoding/base32"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// --- Passwords ---

func TestHasher(t *testing.T) {
	h := auth.NewHasher(auth.FastParams)
	const pw = "rätt häst batteri"

	h1, err := h.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := h.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the hash is an argon2id PHC string with the hasher's parameters", func(t *testing.T) {
		want := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$", auth.FastParams.Memory, auth.FastParams.Iterations, auth.FastParams.Parallelism)
		if !strings.HasPrefix(h1, want) {
			t.Fatalf("hash %q does not start with %q", h1, want)
		}
		if parts := strings.Split(h1, "$"); len(parts) != 6 || parts[4] == "" || parts[5] == "" {
			t.Fatalf("hash %q: want $argon2id$v$params$salt$key", h1)
		}
		if strings.Contains(h1, pw) {
			t.Fatal("the hash contains the password")
		}
	})
	t.Run("the same password gets a different salt each time", func(t *testing.T) {
		if h1 == h2 {
			t.Fatal("two hashes of the same password are equal")
		}
		if strings.Split(h1, "$")[4] == strings.Split(h2, "$")[4] {
			t.Fatal("two hashes share their salt")
		}
	})

	// A hash made with other (stronger) parameters still checks: the parameters travel with
	// the hash, so raising them later does not lock out existing accounts.
	other, err := argon2id.CreateHash(pw, &argon2id.Params{Memory: 2048, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	argon2i := strings.Replace(h1, "$argon2id$", "$argon2i$", 1)
	for _, tt := range []struct {
		name, pw, hash string
		want           bool
	}{
		{"right password", pw, h1, true},
		{"right password, second hash", pw, h2, true},
		{"right password, hash with other parameters", pw, other, true},
		{"wrong password", "rätt häst batterI", h1, false},
		{"password with a trailing space", pw + " ", h1, false},
		{"empty password", "", h1, false},
		{"empty hash (no password set)", pw, "", false},
		{"malformed hash", pw, "inte-en-hash", false},
		{"hash without salt and key", pw, "$argon2id$v=19$m=1024,t=1,p=1$", false},
		{"truncated hash", pw, h1[:len(h1)-10], false},
		{"hash with a broken salt", pw, strings.Replace(h1, strings.Split(h1, "$")[4], "!!!!", 1), false},
		{"argon2i, not argon2id", pw, argon2i, false},
		{"other argon2 version", pw, strings.Replace(h1, "$v=19$", "$v=16$", 1), false},
		{"bcrypt hash", pw, "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", false},
	} {
		t.Run("Check: "+tt.name, func(t *testing.T) {
			if got := h.Check(tt.pw, tt.hash); got != tt.want {
				t.Fatalf("Check = %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("Hash refuses a password the rule refuses", func(t *testing.T) {
		if _, err := h.Hash("kort"); casework.AsError(err).Key != "password.too_short" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("Waste does not panic", func(t *testing.T) {
		h.Waste("vem som helst")
		h.Waste("")
	})
	t.Run("NewHasher(nil) uses the production parameters", func(t *testing.T) {
		d := auth.NewHasher(nil)
		if d.Params != auth.DefaultParams {
			t.Fatalf("params %+v", d.Params)
		}
		if auth.DefaultParams.Memory < 19*1024 || auth.DefaultParams.Iterations < 2 {
			t.Fatalf("default parameters weaker than OWASP's minimum for argon2id: %+v", auth.DefaultParams)
		}
	})
}

func TestValidatePassword(t *testing.T) {
	for _, tt := range []struct {
		name, pw string
		key      string // "" when accepted
	}{
		{"empty", "", "password.too_short"},
		{"nine characters", "123456789", "password.too_short"},
		{"ten characters", "1234567890", ""},
		{"ten spaces", strings.Repeat(" ", 10), ""},
		{"ten multibyte characters (20 bytes): characters are counted, not bytes", "åäöåäöåäöå", ""},
		{"nine multibyte characters (18 bytes)", "åäöåäöåäö", "password.too_short"},
		{"1024 bytes", strings.Repeat("a", 1024), ""},
		{"1025 bytes", strings.Repeat("a", 1025), "password.too_long"},
		{"513 characters of two bytes each (1026 bytes): the upper bound is in bytes", strings.Repeat("å", 513), "password.too_long"},
		{"a generated password", auth.GeneratePassword(), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.ValidatePassword(tt.pw)
			if tt.key == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := casework.AsError(err)
			if err == nil || e.Code != casework.EInvalid || e.Key != tt.key || e.Field != "password" {
				t.Fatalf("got %v, want invalid password with key %s", err, tt.key)
			}
			if tt.key == "password.too_short" && (len(e.Args) != 1 || e.Args[0] != auth.MinPasswordLength) {
				t.Fatalf("too_short args %v, want [%d]", e.Args, auth.MinPasswordLength)
			}
		})
	}
}

var generated = regexp.MustCompile(`^[abcdefghjkmnpqrstuvwxyz23456789]{4}(-[abcdefghjkmnpqrstuvwxyz23456789]{4}){3}$`)

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		pw := auth.GeneratePassword()
		if !generated.MatchString(pw) {
			t.Fatalf("%q: want four groups of four from the alphabet without look-alikes", pw)
		}
		if err := auth.ValidatePassword(pw); err != nil {
			t.Fatalf("%q refused by ValidatePassword: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("%q generated twice", pw)
		}
		seen[pw] = true
	}
}

// --- Tokens ---

func TestTokens(t *testing.T) {
	for _, tt := range []struct {
		name   string
		new    func() (string, []byte)
		prefix string
	}{
		{"session", auth.NewSessionToken, ""},
		{"API", auth.NewAPIToken, auth.APITokenPrefix},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]bool{}
			for i := 0; i < 100; i++ {
				tok, hash := tt.new()
				if got := auth.HashToken(tok); string(got) != string(hash) {
					t.Fatalf("HashToken(token) differs from the returned hash")
				}
				if len(hash) != 32 {
					t.Fatalf("hash of %d bytes, want SHA-256", len(hash))
				}
				if !strings.HasPrefix(tok, tt.prefix) {
					t.Fatalf("%q lacks prefix %q", tok, tt.prefix)
				}
				body := strings.TrimPrefix(tok, tt.prefix)
				if tt.prefix == "" && strings.HasPrefix(tok, auth.APITokenPrefix) {
					t.Fatalf("session token %q looks like an API token", tok)
				}
				if len(body) != 43 || strings.ContainsAny(body, "+/= ") { // 32 bytes, base64url unpadded
					t.Fatalf("token body %q: want 43 characters of base64url", body)
				}
				if seen[tok] {
					t.Fatalf("%q returned twice", tok)
				}
				seen[tok] = true
			}
		})
	}
	t.Run("HashToken ignores surrounding white space (a pasted token)", func(t *testing.T) {
		tok, hash := auth.NewAPIToken()
		if string(auth.HashToken(" "+tok+"\n")) != string(hash) {
			t.Fatal("pasted token with white space hashes differently")
		}
		if string(auth.HashToken(tok+"x")) == string(hash) {
			t.Fatal("a different token has the same hash")
		}
	})
	t.Run("TokenHint tells tokens apart without revealing them", func(t *testing.T) {
		tok, _ := auth.NewAPIToken()
		hint := auth.TokenHint(tok)
		if hint != tok[:len(auth.APITokenPrefix)+6]+"…" {
			t.Fatalf("hint %q for %q", hint, tok)
		}
		if strings.Contains(hint, tok) || len(strings.TrimSuffix(hint, "…")) >= len(tok)/2 {
			t.Fatalf("hint %q reveals too much of %q", hint, tok)
		}
	})
}

// --- TOTP ---

// rfcSecret is RFC 6238's SHA-1 test key "12345678901234567890" in base32.
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TOTPCode is what an authenticator app computes: RFC 6238 appendix B (SHA-1), last six digits.
func TestTOTPCodeMatchesRFC6238(t *testing.T) {
	for _, tt := range []struct {
		unix int64
		want string
	}{
		{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"},
		{1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	} {
		if got := code(t, rfcSecret, time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("T=%d: %s, want %s", tt.unix, got, tt.want)
		}
		// The zone of the time does not matter.
		if got := code(t, rfcSecret, time.Unix(tt.unix, 0).In(time.FixedZone("CEST", 2*3600))); got != tt.want {
			t.Errorf("T=%d in +02:00: %s, want %s", tt.unix, got, tt.want)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	secret, _, err := auth.NewTOTPKey("Lots", "polis")
	if err != nil {
		t.Fatal(err)
	}
	const step = 30 * time.Second
	now := time.Unix(1_800_000_015, 0) // the middle of a 30 s step
	stockholm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		stockholm = time.FixedZone("CET", 3600)
	}

	t.Run("clock skew: one step either way, not two or three", func(t *testing.T) {
		for k := -3; k <= 3; k++ {
			c := code(t, secret, now.Add(time.Duration(k)*step))
			want := k >= -1 && k <= 1
			if got := auth.CheckTOTP(secret, c, now); got != want {
				t.Errorf("code of step %+d at now: %v, want %v", k, got, want)
			}
		}
	})
	t.Run("skew is counted in steps, not seconds from now", func(t *testing.T) {
		start := time.Unix(1_800_000_000, 0) // the first second of a step
		if !auth.CheckTOTP(secret, code(t, secret, start.Add(-step)), start) {
			t.Error("previous step refused at the first second of a step")
		}
		if auth.CheckTOTP(secret, code(t, secret, start.Add(-2*step)), start.Add(29*time.Second)) {
			t.Error("code two steps old accepted at the step's end")
		}
	})
	t.Run("the time's zone does not matter", func(t *testing.T) {
		if !auth.CheckTOTP(secret, code(t, secret, now), now.In(stockholm)) {
			t.Error("refused in Europe/Stockholm")
		}
	})

	right := code(t, secret, now)
	wrong := wrongCode(t, secret, now)
	for _, tt := range []struct {
		name, code string
		want       bool
	}{
		{"right code", right, true},
		{"right code with white space around it", " " + right + "\n", true},
		{"right code with a space in the middle, as the apps show it", right[:3] + " " + right[3:], true},
		{"wrong code", wrong, false},
		{"empty code", "", false},
		{"letters", "abcdef", false},
		{"five digits", right[:5], false},
		{"seven digits", right + "0", false},
		{"right code with a letter appended", right + "a", false},
		{"a digit replaced by a letter", right[:5] + "x", false},
		{"full-width digits", strings.Map(func(r rune) rune { return r - '0' + '０' }, right), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := auth.CheckTOTP(secret, tt.code, now); got != tt.want {
				t.Fatalf("CheckTOTP(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
	t.Run("another secret's code fails", func(t *testing.T) {
		other, _, err := auth.NewTOTPKey("Lots", "polis")
		if err != nil {
			t.Fatal(err)
		}
		if c := code(t, other, now); wrongFor(t, secret, now, c) && auth.CheckTOTP(secret, c, now) {
			t.Fatal("another secret's code accepted")
		}
	})
	t.Run("a secret that is not base32 fails", func(t *testing.T) {
		if auth.CheckTOTP("inte base32!", right, now) {
			t.Fatal("accepted")
		}
		if _, err := auth.TOTPCode("inte base32!", now); err == nil {
			t.Fatal("TOTPCode with a broken secret gave no error")
		}
	})
}

// wrongFor reports whether c is none of the codes CheckTOTP accepts at now.
func wrongFor(t *testing.T, secret string, now time.Time, c string) bool {
	t.Helper()
	for k := -1; k <= 1; k++ {
		if code(t, secret, now.Add(time.Duration(k)*30*time.Second)) == c {
			return false
		}
	}
	return true
}

// wrongCode returns a six-digit code that CheckTOTP refuses at now.
func wrongCode(t *testing.T, secret string, now time.Time) string {
	t.Helper()
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", (i*137911+424242)%1_000_000)
		if wrongFor(t, secret, now, c) {
			return c
		}
	}
}

func TestNewTOTPKey(t *testing.T) {
	secret, raw, err := auth.NewTOTPKey("Lots", "anna.berg")
	if err != nil {
		t.Fatal(err)
	}
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(b) < 20 {
		t.Fatalf("secret %q: %d bytes, %v; want at least 160 bits of base32", secret, len(b), err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Lots:anna.berg" {
		t.Fatalf("url %q: want otpauth://totp/Lots:anna.berg", raw)
	}
	// The app must compute what CheckTOTP checks: SHA-1, six digits, 30 s.
	for k, want := range map[string]string{"secret": secret, "issuer": "Lots", "algorithm": "SHA1", "digits": "6", "period": "30"} {
		if q.Get(k) != want {
			t.Errorf("url %s = %q, want %q", k, q.Get(k), want)
		}
	}
	now := time.Now()
	if !auth.CheckTOTP(secret, code(t, secret, now), now) {
		t.Fatal("a code for the new secret is refused")
	}
	again, _, err := auth.NewTOTPKey("Lots", "anna.berg")
	if err != nil {
		t.Fatal(err)
	}
	if again == secret {
		t.Fatal("two keys share their secret")
	}
	if _, _, err := auth.NewTOTPKey("", "anna.berg"); err == nil {
		t.Fatal("no error without an issuer")
	}
}

// --- Rate limiting ---

// TestLimiter: the brake, on both engines (its failures are kept in the database).
func TestLimiter(t *testing.T) {
	const window = 15 * time.Minute
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		ctx := context.Background()
		setup := func(t *testing.T) (*auth.Limiter, *storetest.Clock) {
			c := storetest.NewClock(start)
			return auth.NewLimiter(storetest.Open(t, engine, c.Now), 3, window, c.Now), c
		}
		fail := func(t *testing.T, l *auth.Limiter, key string) {
			t.Helper()
			if err := l.Fail(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		reset := func(t *testing.T, l *auth.Limiter, key string) {
			t.Helper()
			if err := l.Reset(ctx, key); err != nil {
				t.Fatal(err)
			}
		}
		blocked := func(t *testing.T, l *auth.Limiter, key string, want bool, wantWait time.Duration) {
			t.Helper()
			got, wait, err := l.Blocked(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || wait != wantWait {
				t.Fatalf("Blocked(%q) = %v, %v; want %v, %v", key, got, wait, want, wantWait)
			}
		}

		t.Run("blocked at max failures within the window, for the rest of the window", func(t *testing.T) {
			l, c := setup(t)
			blocked(t, l, "u:anna", false, 0)
			fail(t, l, "u:anna")
			c.Advance(time.Minute)
			fail(t, l, "u:anna")
			blocked(t, l, "u:anna", false, 0)
			c.Advance(time.Minute)
			fail(t, l, "u:anna")
			blocked(t, l, "u:anna", true, window-2*time.Minute) // until the first failure leaves the window
			c.Advance(5 * time.Minute)
			blocked(t, l, "u:anna", true, window-7*time.Minute)
			// Asking does not count as failing.
			for i := 0; i < 10; i++ {
				blocked(t, l, "u:anna", true, window-7*time.Minute)
			}
			c.Advance(window - 7*time.Minute - time.Microsecond)
			blocked(t, l, "u:anna", true, time.Microsecond)
		})
		t.Run("the window slides: free again when the oldest failure leaves it", func(t *testing.T) {
			l, c := setup(t)
			fail(t, l, "k") // 09:00
			c.Advance(5 * time.Minute)
			fail(t, l, "k") // 09:05
			c.Advance(3 * time.Minute)
			fail(t, l, "k") // 09:08
			c.Advance(7 * time.Minute)
			blocked(t, l, "k", false, 0) // 09:15: the 09:00 failure is out
			fail(t, l, "k")
			blocked(t, l, "k", true, 5*time.Minute) // until 09:20, when 09:05 is out
			c.Advance(window)
			blocked(t, l, "k", false, 0)
		})
		t.Run("failures long ago do not count", func(t *testing.T) {
			l, c := setup(t)
			fail(t, l, "k")
			fail(t, l, "k")
			c.Advance(window + time.Second)
			fail(t, l, "k")
			blocked(t, l, "k", false, 0)
		})
		t.Run("Reset clears the key", func(t *testing.T) {
			l, _ := setup(t)
			for i := 0; i < 3; i++ {
				fail(t, l, "u:anna")
			}
			blocked(t, l, "u:anna", true, window)
			reset(t, l, "u:anna")
			blocked(t, l, "u:anna", false, 0)
			fail(t, l, "u:anna")
			fail(t, l, "u:anna")
			blocked(t, l, "u:anna", false, 0) // counting starts again from zero
			reset(t, l, "u:nobody")           // resetting an unknown key is harmless
		})
		t.Run("keys are independent", func(t *testing.T) {
			l, _ := setup(t)
			for i := 0; i < 3; i++ {
				fail(t, l, "u:anna")
			}
			fail(t, l, "u:bertil")
			blocked(t, l, "u:anna", true, window)
			blocked(t, l, "u:bertil", false, 0)
			blocked(t, l, "a:10.0.0.1", false, 0)
			reset(t, l, "u:bertil")
			blocked(t, l, "u:anna", true, window)
		})
		t.Run("a failure forgets the key's failures that left the window, housekeeping the rest", func(t *testing.T) {
			l, c := setup(t)
			fail(t, l, "k")
			fail(t, l, "other")
			c.Advance(window + time.Minute)
			fail(t, l, "k") // deletes the first "k"
			n, err := l.Store().PurgeLoginFailures(ctx, c.Now().Add(-window))
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 { // only "other" was left to purge
				t.Fatalf("purged %d failures, want 1", n)
			}
			blocked(t, l, "k", false, 0)
		})
	})
	t.Run("a nil clock is the wall clock", func(t *testing.T) {
		l := auth.NewLimiter(storetest.Open(t, storetest.SQLite, nil), 1, time.Hour, nil)
		if err := l.Fail(context.Background(), "k"); err != nil {
			t.Fatal(err)
		}
		if b, wait, err := l.Blocked(context.Background(), "k"); err != nil || !b || wait <= 0 || wait > time.Hour {
			t.Fatalf("Blocked = %v, %v, %v", b, wait, err)
		}
	})
}

// --- Sessions ---

func TestSessionLive(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	const idle = 30 * time.Minute
	sess := func(lastSeen time.Time) store.Session {
		return store.Session{CreatedAt: t0, LastSeenAt: lastSeen, ExpiresAt: t0.Add(10 * time.Hour)}
	}
	for _, tt := range []struct {
		name     string
		lastSeen time.Time
		now      time.Time
		want     bool
	}{
		{"just started", t0, t0, true},
		{"idle one second less than the limit", t0, t0.Add(idle - time.Second), true},
		{"idle exactly the limit", t0, t0.Add(idle), false},
		{"idle longer than the limit", t0, t0.Add(2 * idle), false},
		{"used a minute ago, five hours in", t0.Add(5*time.Hour - time.Minute), t0.Add(5 * time.Hour), true},
		{"used a minute ago, a second before the end", t0.Add(10*time.Hour - time.Minute), t0.Add(10*time.Hour - time.Second), true},
		{"used a minute ago, at the end", t0.Add(10*time.Hour - time.Minute), t0.Add(10 * time.Hour), false},
		{"used a minute ago, past the end", t0.Add(11*time.Hour - time.Minute), t0.Add(11 * time.Hour), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := auth.SessionLive(sess(tt.lastSeen), tt.now, idle); got != tt.want {
				t.Fatalf("SessionLive = %v, want %v", got, tt.want)
			}
		})
	}
}

// --- The login flow's brakes on the second factor ---

type totpWorld struct {
	svc    *auth.Service
	clock  *storetest.Clock
	secret string
	user   string
}

// newTOTPWorld is a fixture municipality whose analyst has a second factor.
func newTOTPWorld(t *testing.T) totpWorld {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 15, 0, time.UTC))
	s := storetest.Open(t, storetest.SQLite, clock.Now)
	f := storetest.Seed(t, s, "9901", "")
	secret, _, err := auth.NewTOTPKey("Lots", "analyst")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetTOTP(f.Ctx(t, s, casework.RoleAnalyst), secret, true); err != nil {
		t.Fatal(err)
	}
	return totpWorld{svc: auth.NewService(s, auth.NewHasher(auth.FastParams), clock.Now), clock: clock, secret: secret, user: "analyst"}
}

func (w totpWorld) login(t *testing.T) casework.Actor {
	t.Helper()
	a, needTOTP, err := w.svc.Login(context.Background(), w.user, storetest.Password, "10.0.0.1")
	if err != nil || !needTOTP {
		t.Fatalf("login: %v, second factor needed %v", err, needTOTP)
	}
	return a
}

func TestCheckSecondFactor(t *testing.T) {
	ctx := context.Background()
	t.Run("right code, also typed with a space as apps show it; wrong code refused", func(t *testing.T) {
		w := newTOTPWorld(t)
		a := w.login(t)
		right := code(t, w.secret, w.clock.Now())
		if err := w.svc.CheckSecondFactor(ctx, a, wrongCode(t, w.secret, w.clock.Now())); casework.AsError(err).Key != "login.totp_wrong" {
			t.Fatalf("wrong code: %v", err)
		}
		if err := w.svc.CheckSecondFactor(ctx, a, ""); casework.AsError(err).Key != "login.totp_wrong" {
			t.Fatalf("empty code: %v", err)
		}
		if err := w.svc.CheckSecondFactor(ctx, a, right[:3]+" "+right[3:]); err != nil {
			t.Fatalf("right code with a space: %v", err)
		}
	})
	t.Run("five wrong codes block the account: the right code and the password are refused until the window passes", func(t *testing.T) {
		w := newTOTPWorld(t)
		a := w.login(t)
		for i := 0; i < 5; i++ {
			if err := w.svc.CheckSecondFactor(ctx, a, wrongCode(t, w.secret, w.clock.Now())); casework.ErrorCode(err) != casework.EInvalid {
				t.Fatalf("wrong code %d: %v", i+1, err)
			}
		}
		if err := w.svc.CheckSecondFactor(ctx, a, code(t, w.secret, w.clock.Now())); casework.ErrorCode(err) != casework.ETooMany {
			t.Fatalf("right code after five wrong ones: %v, want too many", err)
		}
		if _, _, err := w.svc.Login(ctx, w.user, storetest.Password, "10.0.0.1"); casework.ErrorCode(err) != casework.ETooMany {
			t.Fatalf("password after five wrong codes: %v, want too many", err)
		}
		w.clock.Advance(16 * time.Minute)
		a = w.login(t)
		if err := w.svc.CheckSecondFactor(ctx, a, code(t, w.secret, w.clock.Now())); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
	t.Run("a user without a second factor cannot pass one", func(t *testing.T) {
		clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 15, 0, time.UTC))
		s := storetest.Open(t, storetest.SQLite, clock.Now)
		storetest.Seed(t, s, "9901", "")
		svc := auth.NewService(s, auth.NewHasher(auth.FastParams), clock.Now)
		a, needTOTP, err := svc.Login(ctx, "analyst", storetest.Password, "10.0.0.1")
		if err != nil || needTOTP {
			t.Fatalf("login: %v, %v", err, needTOTP)
		}
		// The secret column is empty; a code computed from an empty secret must not pass.
		c := code(t, "", clock.Now())
		if err := svc.CheckSecondFactor(ctx, a, c); casework.AsError(err).Key != "login.totp_wrong" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the brake on wrong codes survives logging in again with the password", func(t *testing.T) {
		w := newTOTPWorld(t)
		for round := 0; round < 3; round++ {
			a, _, err := w.svc.Login(ctx, w.user, storetest.Password, "10.0.0.1")
			if err != nil {
				if casework.ErrorCode(err) == casework.ETooMany && round > 0 {
					return // braked: as it should be
				}
				t.Fatalf("round %d: login: %v", round, err)
			}
			for i := 0; i < 4; i++ {
				if err := w.svc.CheckSecondFactor(ctx, a, wrongCode(t, w.secret, w.clock.Now())); casework.ErrorCode(err) == casework.ETooMany {
					return // braked
				}
			}
		}
		t.Fatal("twelve wrong codes in three logins and no brake")
	})
	t.Run("a code that was used cannot be used again", func(t *testing.T) {
		w := newTOTPWorld(t)
		c := code(t, w.secret, w.clock.Now())
		if err := w.svc.CheckSecondFactor(ctx, w.login(t), c); err != nil {
			t.Fatalf("first use: %v", err)
		}
		if err := w.svc.CheckSecondFactor(ctx, w.login(t), c); err == nil {
			t.Fatal("the same code was accepted twice")
		}
	})
}

func TestTokenActorRefusesSessionTokens(t *testing.T) {
	s := storetest.Open(t, storetest.SQLite, nil)
	f := storetest.Seed(t, s, "9901", "")
	svc := auth.NewService(s, auth.NewHasher(auth.FastParams), nil)
	ctx := context.Background()
	a := f.Actor(t, s, casework.RoleAnalyst)
	session, err := svc.StartSession(ctx, a, "password", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.TokenActor(ctx, session); casework.ErrorCode(err) != casework.EUnauthorized {
		t.Fatalf("a session token used as an API token: %v", err)
	}
	sys := casework.WithActor(ctx, casework.SystemActor(a.User.MunicipalityID, "test"))
	tok, stored, err := svc.CreateAPIToken(sys, a.User.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Prefix != auth.TokenHint(tok) || strings.Contains(stored.Prefix, tok) {
		t.Fatalf("stored hint %q for %q", stored.Prefix, tok)
	}
	got, err := svc.TokenActor(ctx, tok)
	if err != nil || got.User.ID != a.User.ID {
		t.Fatalf("API token: %v, user %d", err, got.User.ID)
	}
	if _, err := svc.TokenActor(ctx, tok[:len(tok)-1]); casework.ErrorCode(err) != casework.EUnauthorized {
		t.Fatalf("a truncated API token: %v", err)
	}
}

// Checking the password again (switching the second factor off, a new password) is braked
// like the login: a stolen session is no way to guess the password.
func TestCheckPasswordIsBraked(t *testing.T) {
	ctx := context.Background()
	w := newTOTPWorld(t)
	a := w.login(t)
	if err := w.svc.CheckPassword(ctx, a, storetest.Password); err != nil {
		t.Fatalf("right password: %v", err)
	}
	for i := 0; i < 5; i++ {
		if err := w.svc.CheckPassword(ctx, a, "fel-lösenord-123"); casework.FieldErrorsOf(err) == nil {
			t.Fatalf("wrong password %d: %v", i+1, err)
		}
	}
	if err := w.svc.CheckPassword(ctx, a, storetest.Password); casework.ErrorCode(err) != casework.ETooMany {
		t.Fatalf("right password after five wrong: %v", err)
	}
	if err := w.svc.ChangePassword(ctx, a, storetest.Password, "ett-nytt-lösenord-2026", "ett-nytt-lösenord-2026"); casework.ErrorCode(err) != casework.ETooMany {
		t.Fatalf("changing the password while braked: %v", err)
	}
	if _, _, err := w.svc.Login(ctx, w.user, storetest.Password, "10.0.0.9"); casework.ErrorCode(err) != casework.ETooMany {
		t.Fatalf("login while braked: %v", err)
	}
	w.clock.Advance(16 * time.Minute)
	if err := w.svc.CheckPassword(ctx, a, storetest.Password); err != nil {
		t.Fatalf("right password after the window: %v", err)
	}
}

func TestTOTPKeyURLShowsTheSameSecret(t *testing.T) {
	secret, first, err := auth.NewTOTPKey("Lots", "anna")
	if err != nil {
		t.Fatal(err)
	}
	again, err := auth.TOTPKeyURL("Lots", "anna", secret)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again, "secret="+secret) || !strings.HasPrefix(again, "otpauth://totp/Lots:anna?") {
		t.Fatalf("URL %q for secret %q (first: %q)", again, secret, first)
	}
	if _, err := auth.TOTPKeyURL("Lots", "anna", "inte base32!"); err == nil {
		t.Fatal("a broken secret gave a URL")
	}
}
