package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// APITokenPrefix starts every API token, so a leaked one is recognisable in logs and scanners.
const APITokenPrefix = "lots_"

// NewSessionToken returns a new random session token and its hash.
func NewSessionToken() (token string, hash []byte) {
	return newToken("")
}

// NewAPIToken returns a new random API token and its hash.
func NewAPIToken() (token string, hash []byte) {
	return newToken(APITokenPrefix)
}

func newToken(prefix string) (string, []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	t := prefix + base64.RawURLEncoding.EncodeToString(b)
	return t, HashToken(t)
}

// HashToken is the stored form of a token: SHA-256. Tokens are 256 random bits, so a fast hash
// is enough; a database leak does not reveal usable tokens.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return h[:]
}

// TokenHint is the part of a token shown to its owner to tell tokens apart.
func TokenHint(token string) string {
	if len(token) < len(APITokenPrefix)+6 {
		return token
	}
	return token[:len(APITokenPrefix)+6] + "…"
}
