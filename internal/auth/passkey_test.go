package auth_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"lots/internal/audit"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// softKey is a software authenticator for the tests: a P-256 key pair that answers WebAuthn
// ceremonies as a real one does (packed "none" attestation, ES256 assertions, a signature
// counter), so the tests exercise the real verification in go-webauthn, not a mock.
type softKey struct {
	id     []byte
	priv   *ecdsa.PrivateKey
	handle []byte
	count  uint32
	origin string
}

const testOrigin = "https://lots.kommun.example"

func newSoftKey(t *testing.T) *softKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	return &softKey{id: id, priv: priv, origin: testOrigin}
}

var b64 = base64.RawURLEncoding

type ceremonyOptions struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RPID      string `json:"rpId"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	} `json:"publicKey"`
}

func parseOptions(t *testing.T, raw []byte) ceremonyOptions {
	t.Helper()
	var o ceremonyOptions
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatalf("options %s: %v", raw, err)
	}
	return o
}

func rpHash(origin string) []byte {
	h := sha256.Sum256([]byte(strings.TrimPrefix(origin, "https://")))
	return h[:]
}

// create answers a registration ceremony.
func (k *softKey) create(t *testing.T, options []byte) []byte {
	t.Helper()
	o := parseOptions(t, options)
	handle, err := b64.DecodeString(o.PublicKey.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	k.handle = handle
	cdj, _ := json.Marshal(map[string]any{"type": "webauthn.create", "challenge": o.PublicKey.Challenge, "origin": k.origin, "crossOrigin": false})
	x, y := make([]byte, 32), make([]byte, 32)
	k.priv.X.FillBytes(x)
	k.priv.Y.FillBytes(y)
	cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
	if err != nil {
		t.Fatal(err)
	}
	var ad bytes.Buffer
	ad.Write(rpHash(k.origin))
	ad.WriteByte(0x01 | 0x04 | 0x40) // user present, verified, attested credential data
	_ = binary.Write(&ad, binary.BigEndian, k.count)
	ad.Write(make([]byte, 16)) // AAGUID
	_ = binary.Write(&ad, binary.BigEndian, uint16(len(k.id)))
	ad.Write(k.id)
	ad.Write(cose)
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": ad.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(cdj), "attestationObject": b64.EncodeToString(att)}})
	return out
}

// get answers an authentication ceremony (its challenge), counting up.
func (k *softKey) get(t *testing.T, options []byte) []byte {
	t.Helper()
	k.count++
	return k.sign(t, parseOptions(t, options).PublicKey.Challenge, k.count)
}

func (k *softKey) sign(t *testing.T, challenge string, count uint32) []byte {
	t.Helper()
	cdj, _ := json.Marshal(map[string]any{"type": "webauthn.get", "challenge": challenge, "origin": k.origin, "crossOrigin": false})
	var ad bytes.Buffer
	ad.Write(rpHash(k.origin))
	ad.WriteByte(0x01 | 0x04)
	_ = binary.Write(&ad, binary.BigEndian, count)
	ch := sha256.Sum256(cdj)
	digest := sha256.Sum256(append(append([]byte{}, ad.Bytes()...), ch[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(cdj), "authenticatorData": b64.EncodeToString(ad.Bytes()),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(k.handle)}})
	return out
}

type passkeyWorld struct {
	s     *store.Store
	svc   *auth.Service
	clock *storetest.Clock
	f     *storetest.Fixture
	log   *bytes.Buffer
}

func newPasskeyWorld(t *testing.T, engine storetest.Engine) passkeyWorld {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 3, 2, 9, 0, 15, 0, time.UTC))
	s := storetest.Open(t, engine, clock.Now)
	f := storetest.Seed(t, s, "9901", "")
	svc := auth.NewService(s, auth.NewHasher(auth.FastParams), clock.Now)
	var buf bytes.Buffer
	svc.Log = slog.New(slog.NewTextHandler(&buf, nil))
	return passkeyWorld{s: s, svc: svc, clock: clock, f: f, log: &buf}
}

// register gives the user of role r a passkey.
func (w passkeyWorld) register(t *testing.T, r casework.Role) (*softKey, casework.Actor) {
	t.Helper()
	a := w.f.Actor(t, w.s, r)
	c, err := w.svc.BeginPasskeyRegistration(context.Background(), a, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	k := newSoftKey(t)
	if _, err := w.svc.FinishPasskeyRegistration(context.Background(), a, testOrigin, c.Token, "Jobbdatorn", k.create(t, c.Options)); err != nil {
		t.Fatalf("register: %v", err)
	}
	return k, a
}

func (w passkeyWorld) sessions(t *testing.T, a casework.Actor) int {
	t.Helper()
	list, err := w.s.SessionsOf(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// refusals are the passkey refusals in the municipality's access log.
func (w passkeyWorld) refusals(t *testing.T) []string {
	t.Helper()
	var out []string
	err := w.s.AuditEntries(context.Background(), store.AuditFilter{MunicipalityID: w.f.Municipality.ID, AfterSeq: -1}, func(e audit.Entry) error {
		if strings.HasPrefix(e.Ground, "denied:passkey_") {
			out = append(out, e.Username+" "+e.Ground)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPasskeyLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine storetest.Engine) {
		ctx := context.Background()

		t.Run("a registered passkey signs in without a password, with a second factor, and is then asked after the password", func(t *testing.T) {
			w := newPasskeyWorld(t, engine)
			k, a := w.register(t, casework.RoleCoordinator)
			c, err := w.svc.BeginPasskeyLogin(ctx, testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			got, token, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c.Token, k.get(t, c.Options), "10.0.0.1")
			if err != nil {
				t.Fatalf("passwordless login: %v", err)
			}
			if got.User.ID != a.User.ID {
				t.Fatalf("signed in as %d, want %d", got.User.ID, a.User.ID)
			}
			sess, sa, err := w.svc.SessionActor(ctx, token)
			if err != nil || sess.AuthMethod != "passkey" || !sess.MFA || !sa.User.HasPasskey {
				t.Fatalf("session %+v, %v", sess, err)
			}
			if _, need, err := w.svc.Login(ctx, "coordinator", storetest.Password, "10.0.0.1"); err != nil || !need {
				t.Fatalf("password login of a passkey user: second factor needed %v, %v", need, err)
			}
			keys, _ := w.s.PasskeysOf(ctx, a.User.MunicipalityID, a.User.ID)
			if len(keys) != 1 || keys[0].SignCount != 1 || keys[0].LastUsedAt.IsZero() {
				t.Fatalf("counter not recorded: %+v", keys)
			}
		})

		t.Run("a replayed answer, a wrong challenge, an expired one and a ceremony of another purpose are refused and start no session", func(t *testing.T) {
			w := newPasskeyWorld(t, engine)
			k, a := w.register(t, casework.RoleCoordinator)
			before := w.sessions(t, a)
			c, _ := w.svc.BeginPasskeyLogin(ctx, testOrigin)
			answer := k.get(t, c.Options)
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c.Token, answer, "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
			before++
			// The same answer again (the challenge is used).
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c.Token, answer, "10.0.0.1"); casework.AsError(err).Key != "passkey.challenge" {
				t.Fatalf("replayed: %v", err)
			}
			// An answer to one ceremony's challenge given with another's token.
			c1, _ := w.svc.BeginPasskeyLogin(ctx, testOrigin)
			c2, _ := w.svc.BeginPasskeyLogin(ctx, testOrigin)
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c2.Token, k.get(t, c1.Options), "10.0.0.1"); casework.AsError(err).Key != "passkey.failed" {
				t.Fatalf("wrong challenge: %v", err)
			}
			// A challenge made up by the client.
			c3, _ := w.svc.BeginPasskeyLogin(ctx, testOrigin)
			k.count++
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c3.Token, k.sign(t, b64.EncodeToString([]byte("made-up-challenge-32-bytes-long!")), k.count), "10.0.0.1"); casework.AsError(err).Key != "passkey.failed" {
				t.Fatalf("made-up challenge: %v", err)
			}
			// Past its time.
			c4, _ := w.svc.BeginPasskeyLogin(ctx, testOrigin)
			w.clock.Advance(auth.PasskeyTTL + time.Second)
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c4.Token, k.get(t, c4.Options), "10.0.0.1"); casework.AsError(err).Key != "passkey.challenge" {
				t.Fatalf("expired: %v", err)
			}
			// A registration ceremony's token used to log in.
			reg, _ := w.svc.BeginPasskeyRegistration(ctx, a, testOrigin)
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, reg.Token, k.sign(t, parseOptions(t, reg.Options).PublicKey.Challenge, 99), "10.0.0.1"); casework.AsError(err).Key != "passkey.challenge" {
				t.Fatalf("other purpose: %v", err)
			}
			// No ceremony at all.
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, "", answer, "10.0.0.1"); casework.AsError(err).Key != "passkey.challenge" {
				t.Fatalf("no ceremony: %v", err)
			}
			if n := w.sessions(t, a); n != before {
				t.Fatalf("sessions %d, want %d: a refusal started one", n, before)
			}
			if r := w.refusals(t); len(r) < 2 {
				t.Fatalf("refusals in the access log: %v", r)
			}
			if !strings.Contains(w.log.String(), "passkey refused") || !strings.Contains(w.log.String(), "reason=challenge") {
				t.Fatalf("server log: %s", w.log.String())
			}
		})

		t.Run("an unknown credential and another user's user handle are refused", func(t *testing.T) {
			w := newPasskeyWorld(t, engine)
			k, a := w.register(t, casework.RoleCoordinator)
			other, _ := w.register(t, casework.RoleCaseOfficer)
			before := w.sessions(t, a)
			stranger := newSoftKey(t)
			stranger.handle = k.handle
			c, _ := w.svc.BeginPasskeyLogin(ctx, testOrigin)
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c.Token, stranger.get(t, c.Options), "10.0.0.1"); casework.AsError(err).Key != "passkey.failed" {
				t.Fatalf("unknown credential: %v", err)
			}
			if !strings.Contains(w.log.String(), "reason=unknown_credential") {
				t.Fatalf("server log: %s", w.log.String())
			}
			// The coordinator's credential claiming the case officer's user handle.
			k.handle, other.handle = other.handle, k.handle
			c, _ = w.svc.BeginPasskeyLogin(ctx, testOrigin)
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c.Token, k.get(t, c.Options), "10.0.0.1"); casework.AsError(err).Key != "passkey.failed" {
				t.Fatalf("another user's handle: %v", err)
			}
			if n := w.sessions(t, a); n != before {
				t.Fatalf("sessions %d, want %d", n, before)
			}
			if r := w.refusals(t); !strings.Contains(strings.Join(r, ","), "coordinator denied:passkey_invalid") {
				t.Fatalf("refusals: %v", r)
			}
		})

		t.Run("as the second factor: only the user's own passkey, answering their own ceremony", func(t *testing.T) {
			w := newPasskeyWorld(t, engine)
			k, a := w.register(t, casework.RoleCoordinator)
			other, b := w.register(t, casework.RoleCaseOfficer)
			pending, err := w.svc.StartSession(ctx, a, "password", true)
			if err != nil {
				t.Fatal(err)
			}
			// Another user's credential.
			c, _ := w.svc.BeginPasskeyCheck(ctx, a, testOrigin, store.PasskeyMFA)
			if err := w.svc.PasskeySecondFactor(ctx, a, testOrigin, c.Token, pending, other.get(t, c.Options)); casework.AsError(err).Key != "passkey.failed" {
				t.Fatalf("another user's passkey: %v", err)
			}
			// Another user's ceremony.
			cb, _ := w.svc.BeginPasskeyCheck(ctx, b, testOrigin, store.PasskeyMFA)
			if err := w.svc.PasskeySecondFactor(ctx, a, testOrigin, cb.Token, pending, k.get(t, cb.Options)); casework.AsError(err).Key != "passkey.failed" {
				t.Fatalf("another user's ceremony: %v", err)
			}
			if sess, _, _ := w.svc.SessionActor(ctx, pending); !sess.MFAPending {
				t.Fatal("the second factor was given by a refusal")
			}
			c, _ = w.svc.BeginPasskeyCheck(ctx, a, testOrigin, store.PasskeyMFA)
			if err := w.svc.PasskeySecondFactor(ctx, a, testOrigin, c.Token, pending, k.get(t, c.Options)); err != nil {
				t.Fatalf("own passkey: %v", err)
			}
			if sess, _, _ := w.svc.SessionActor(ctx, pending); sess.MFAPending || !sess.MFA {
				t.Fatalf("after the passkey: %+v", sess)
			}
			r := strings.Join(w.refusals(t), ",")
			if !strings.Contains(r, "coordinator denied:passkey_unknown_credential") || !strings.Contains(r, "coordinator denied:passkey_other_user") {
				t.Fatalf("refusals: %v", r)
			}
		})

		t.Run("a role that needs a second factor is met by a passkey", func(t *testing.T) {
			w := newPasskeyWorld(t, engine)
			_, a := w.register(t, casework.RoleCoordinator)
			st := casework.Settings{MFARoles: []casework.Role{casework.RoleCoordinator}}
			a.User.HasPasskey = true
			if n := auth.Needs(st, store.Session{AuthMethod: "password"}, a.User); n != auth.NeedsMFA {
				t.Fatalf("password session of a passkey user: %q", n)
			}
			if n := auth.Needs(st, store.Session{AuthMethod: "passkey", MFA: true}, a.User); n != "" {
				t.Fatalf("passkey session: %q", n)
			}
			if n := auth.Needs(casework.Settings{SSORoles: []casework.Role{casework.RoleCoordinator}}, store.Session{AuthMethod: "passkey", MFA: true}, a.User); n != auth.NeedsSSO {
				t.Fatalf("passkey session of a role that needs single sign-on: %q", n)
			}
		})

		t.Run("a signature counter that does not go up marks the passkey and refuses it", func(t *testing.T) {
			w := newPasskeyWorld(t, engine)
			k, a := w.register(t, casework.RoleCoordinator)
			for range 2 {
				c, _ := w.svc.BeginPasskeyLogin(ctx, testOrigin)
				if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c.Token, k.get(t, c.Options), "10.0.0.1"); err != nil {
					t.Fatal(err)
				}
			}
			// A copy of the key that signed once.
			c, _ := w.svc.BeginPasskeyLogin(ctx, testOrigin)
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c.Token, k.sign(t, parseOptions(t, c.Options).PublicKey.Challenge, 1), "10.0.0.1"); casework.AsError(err).Key != "passkey.failed" {
				t.Fatalf("counter back: %v", err)
			}
			keys, _ := w.s.PasskeysOf(ctx, a.User.MunicipalityID, a.User.ID)
			if len(keys) != 1 || !keys[0].CloneWarning || keys[0].SignCount != 2 {
				t.Fatalf("after the clone: %+v", keys)
			}
			// The original, counting on, is refused too until its owner removes the passkey.
			c, _ = w.svc.BeginPasskeyLogin(ctx, testOrigin)
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c.Token, k.get(t, c.Options), "10.0.0.1"); casework.AsError(err).Key != "passkey.failed" {
				t.Fatalf("marked passkey: %v", err)
			}
			found := false
			_ = w.s.AuditEntries(ctx, store.AuditFilter{MunicipalityID: a.User.MunicipalityID, AfterSeq: -1}, func(e audit.Entry) error {
				found = found || strings.HasPrefix(e.Detail, "clone warning")
				return nil
			})
			if !found {
				t.Fatal("the clone warning is not in the access log")
			}
		})

		t.Run("a user removes their own passkey only; step-up with a passkey renews the session", func(t *testing.T) {
			w := newPasskeyWorld(t, engine)
			k, a := w.register(t, casework.RoleCoordinator)
			_, b := w.register(t, casework.RoleCaseOfficer)
			keys, _ := w.s.PasskeysOf(ctx, a.User.MunicipalityID, a.User.ID)
			if err := w.s.RemovePasskey(ctx, b, keys[0].ID); casework.ErrorCode(err) != casework.ENotFound {
				t.Fatalf("another's passkey: %v", err)
			}
			sess, _ := w.svc.StartSession(ctx, a, "password", false)
			w.clock.Advance(time.Hour)
			c, _ := w.svc.BeginPasskeyCheck(ctx, a, testOrigin, store.PasskeyStepUp)
			next, err := w.svc.PasskeyStepUp(ctx, a, testOrigin, c.Token, sess, k.get(t, c.Options))
			if err != nil {
				t.Fatal(err)
			}
			if got, _, err := w.svc.SessionActor(ctx, next); err != nil || !got.Fresh || !got.MFA {
				t.Fatalf("renewed session %+v, %v", got, err)
			}
			if _, _, err := w.svc.SessionActor(ctx, sess); err == nil {
				t.Fatal("the old session still works after step-up")
			}
			if err := w.s.RemovePasskey(ctx, a, keys[0].ID); err != nil {
				t.Fatal(err)
			}
			c, _ = w.svc.BeginPasskeyLogin(ctx, testOrigin)
			if _, _, err := w.svc.FinishPasskeyLogin(ctx, testOrigin, c.Token, k.get(t, c.Options), "10.0.0.1"); casework.AsError(err).Key != "passkey.failed" {
				t.Fatalf("removed passkey: %v", err)
			}
		})
	})
}
