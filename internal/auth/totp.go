package auth

import (
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"lots/internal/casework"
)

// totpPeriod is the TOTP time step (RFC 6238: 30 s, which every authenticator app uses).
const totpPeriod = 30

// NewTOTPKey creates a new TOTP secret for account (RFC 6238: SHA-1, 6 digits, 30 s, which
// every authenticator app supports).
func NewTOTPKey(issuer, account string) (secret, url string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account})
	if err != nil {
		return "", "", casework.Internal(err)
	}
	return k.Secret(), k.URL(), nil
}

// TOTPKeyURL returns the otpauth:// URL (for the QR code) of a secret made by NewTOTPKey.
func TOTPKeyURL(issuer, account, secret string) (string, error) {
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return "", casework.Internal(err)
	}
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Secret: raw})
	if err != nil {
		return "", casework.Internal(err)
	}
	return k.URL(), nil
}

// NormaliseTOTPCode removes the spaces an authenticator app shows in a code ("123 456").
func NormaliseTOTPCode(code string) string {
	return strings.ReplaceAll(strings.TrimSpace(code), " ", "")
}

// MatchTOTP reports whether code is valid for secret at now, allowing one step of clock skew
// either way, and returns the time step (Unix time / 30 s) whose code it is. A caller that
// remembers the last step used can refuse a code seen before (RFC 6238 §5.2).
func MatchTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	code = NormaliseTOTPCode(code)
	if len(code) != 6 {
		return 0, false
	}
	cur := now.UTC().Unix() / totpPeriod
	for _, st := range []int64{cur, cur - 1, cur + 1} {
		want, err := TOTPCode(secret, time.Unix(st*totpPeriod, 0))
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return st, true
		}
	}
	return 0, false
}

// CheckTOTP reports whether code is valid for secret at now, allowing one step of clock skew.
func CheckTOTP(secret, code string, now time.Time) bool {
	_, ok := MatchTOTP(secret, code, now)
	return ok
}

// TOTPCode returns the code for secret at t (tests and the demo use it).
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t.UTC(), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}
