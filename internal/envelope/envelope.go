// Package envelope encrypts Lots' most sensitive data at rest: uploaded evidence (signed
// consent scans), protected addresses and, through the store's sealed columns, any other free
// text that needs it; and the backups.
//
// It is envelope encryption with XChaCha20-Poly1305 (golang.org/x/crypto): every value gets its
// own random data key, which encrypts the value; the data key is itself encrypted ("wrapped")
// with the municipality installation's master key. Rotating the master key re-wraps the small
// data keys and leaves the values' ciphertext as it is.
//
// The master keys come from a key file or environment variable (LOTS_KEY_FILE / LOTS_KEY): one
// key per line, "lots-key-1:" and 32 random bytes in base64. The first key encrypts; every key
// in the ring decrypts, so an old key stays in the file (after the new one) until `lots key
// rotate` has re-wrapped everything under the new one. A value names the key that wrapped it by
// an 8-byte id (a hash of the key, which reveals nothing about it).
package envelope

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// KeyPrefix starts every key in a key file.
const KeyPrefix = "lots-key-1:"

const (
	keySize   = chacha20poly1305.KeySize    // 32
	nonceSize = chacha20poly1305.NonceSizeX // 24
	tagSize   = chacha20poly1305.Overhead   // 16
	idSize    = 8
	// wrapped is a data key encrypted under a master key.
	wrappedSize = keySize + tagSize
)

// valueMagic starts a sealed value: magic, key id, wrap nonce, wrapped data key, data nonce,
// then the ciphertext with its tag.
var valueMagic = []byte("LTE1")

// headerSize is the length of a sealed value before its ciphertext.
const headerSize = 4 + idSize + nonceSize + wrappedSize + nonceSize

// ErrNoKey is the refusal to run without a master key: Lots never falls back to plain text.
var ErrNoKey = errors.New("no encryption key: set LOTS_KEY_FILE (a file made by `lots key generate`) or LOTS_KEY")

// ErrUnknownKey means a value was sealed under a key the ring does not hold.
var ErrUnknownKey = errors.New("envelope: sealed under a key that is not in the key ring (an old key removed too early?)")

// ErrCorrupt means a value or stream was altered, truncated, or belongs elsewhere.
var ErrCorrupt = errors.New("envelope: authentication failed (altered, truncated or moved data)")

type key struct {
	id     [idSize]byte
	secret [keySize]byte
}

// Keyring holds the master keys: the first encrypts, all decrypt. Its String never shows a key.
type Keyring struct {
	keys []key
}

func newKey(secret []byte) key {
	var k key
	copy(k.secret[:], secret)
	h := sha256.Sum256(append([]byte("lots key id v1\x00"), secret...))
	copy(k.id[:], h[:idSize])
	return k
}

// Generate returns a new random key as a key-file line.
func Generate() (string, error) {
	b := make([]byte, keySize)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return KeyPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// Ephemeral returns a ring with one fresh random key: for tests and throwaway databases (a
// benchmark's), never for data that must be read again after the process ends.
func Ephemeral() *Keyring {
	line, err := Generate()
	if err != nil {
		panic(err)
	}
	k, err := ParseKeyring(line)
	if err != nil {
		panic(err)
	}
	return k
}

// ParseKeyring reads a key file's text: one key per line, blank lines and lines starting with
// # ignored. The first key is the current one.
func ParseKeyring(text string) (*Keyring, error) {
	kr := &Keyring{}
	seen := map[[idSize]byte]bool{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rest, ok := strings.CutPrefix(line, KeyPrefix)
		if !ok {
			return nil, fmt.Errorf("key file line %d: not a Lots key (want %q and 32 bytes in base64)", i+1, KeyPrefix)
		}
		b, err := base64.StdEncoding.DecodeString(rest)
		if err != nil || len(b) != keySize {
			return nil, fmt.Errorf("key file line %d: want 32 bytes in base64", i+1)
		}
		k := newKey(b)
		if seen[k.id] {
			continue
		}
		seen[k.id] = true
		kr.keys = append(kr.keys, k)
	}
	if len(kr.keys) == 0 {
		return nil, ErrNoKey
	}
	return kr, nil
}

// String describes the ring without its secrets.
func (kr *Keyring) String() string {
	ids := make([]string, len(kr.keys))
	for i, k := range kr.keys {
		ids[i] = hex.EncodeToString(k.id[:])
	}
	return "keyring[" + strings.Join(ids, ",") + "]"
}

// CurrentID is the id of the key that encrypts, in hex.
func (kr *Keyring) CurrentID() string { return hex.EncodeToString(kr.keys[0].id[:]) }

// IDs are the ids of every key in the ring, current first, in hex.
func (kr *Keyring) IDs() []string {
	out := make([]string, len(kr.keys))
	for i, k := range kr.keys {
		out[i] = hex.EncodeToString(k.id[:])
	}
	return out
}

func (kr *Keyring) find(id []byte) (key, bool) {
	for _, k := range kr.keys {
		if bytes.Equal(k.id[:], id) {
			return k, true
		}
	}
	return key{}, false
}

func random(n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := rand.Read(b)
	return b, err
}

// wrap encrypts a data key under master key k; ad binds it to its use.
func wrap(k key, dek, ad []byte) (nonce, wrapped []byte, err error) {
	aead, err := chacha20poly1305.NewX(k.secret[:])
	if err != nil {
		return nil, nil, err
	}
	if nonce, err = random(nonceSize); err != nil {
		return nil, nil, err
	}
	return nonce, aead.Seal(nil, nonce, dek, ad), nil
}

func unwrap(k key, nonce, wrapped, ad []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(k.secret[:])
	if err != nil {
		return nil, err
	}
	dek, err := aead.Open(nil, nonce, wrapped, ad)
	if err != nil {
		return nil, ErrCorrupt
	}
	return dek, nil
}

// wrapAD is what a wrapped data key is bound to: the format, the key id and the caller's
// context (for values, the table and column they belong to).
func wrapAD(magic, id, ad []byte) []byte {
	return append(append(append([]byte{}, magic...), id...), ad...)
}

// Seal encrypts plain under a fresh data key wrapped by the current master key. ad is the
// context the value belongs to (e.g. "files.data"): opening it under another context fails.
func (kr *Keyring) Seal(plain, ad []byte) ([]byte, error) {
	k := kr.keys[0]
	dek, err := random(keySize)
	if err != nil {
		return nil, err
	}
	wn, wrapped, err := wrap(k, dek, wrapAD(valueMagic, k.id[:], ad))
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(dek)
	if err != nil {
		return nil, err
	}
	dn, err := random(nonceSize)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, headerSize+len(plain)+tagSize)
	out = append(out, valueMagic...)
	out = append(out, k.id[:]...)
	out = append(out, wn...)
	out = append(out, wrapped...)
	out = append(out, dn...)
	return aead.Seal(out, dn, plain, append(append([]byte{}, valueMagic...), ad...)), nil
}

// IsSealed reports whether b looks like a sealed value.
func IsSealed(b []byte) bool { return len(b) >= headerSize+tagSize && bytes.Equal(b[:4], valueMagic) }

// KeyIDOf returns the id (hex) of the key that wrapped a sealed value.
func KeyIDOf(b []byte) (string, bool) {
	if !IsSealed(b) {
		return "", false
	}
	return hex.EncodeToString(b[4 : 4+idSize]), true
}

type header struct {
	id, wrapNonce, wrapped, dataNonce []byte
}

func parse(b []byte) (header, []byte, error) {
	if !IsSealed(b) {
		return header{}, nil, ErrCorrupt
	}
	p := 4
	take := func(n int) []byte {
		s := b[p : p+n]
		p += n
		return s
	}
	h := header{id: take(idSize), wrapNonce: take(nonceSize), wrapped: take(wrappedSize), dataNonce: take(nonceSize)}
	return h, b[p:], nil
}

// Open decrypts a value sealed under ad with any key of the ring.
func (kr *Keyring) Open(sealed, ad []byte) ([]byte, error) {
	h, ct, err := parse(sealed)
	if err != nil {
		return nil, err
	}
	k, ok := kr.find(h.id)
	if !ok {
		return nil, ErrUnknownKey
	}
	dek, err := unwrap(k, h.wrapNonce, h.wrapped, wrapAD(valueMagic, h.id, ad))
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(dek)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, h.dataNonce, ct, append(append([]byte{}, valueMagic...), ad...))
	if err != nil {
		return nil, ErrCorrupt
	}
	return plain, nil
}

// Rewrap re-wraps a sealed value's data key under the current master key (key rotation): the
// value's ciphertext is unchanged. changed is false when it was already under the current key.
func (kr *Keyring) Rewrap(sealed, ad []byte) (out []byte, changed bool, err error) {
	h, ct, err := parse(sealed)
	if err != nil {
		return nil, false, err
	}
	cur := kr.keys[0]
	if bytes.Equal(h.id, cur.id[:]) {
		return sealed, false, nil
	}
	old, ok := kr.find(h.id)
	if !ok {
		return nil, false, ErrUnknownKey
	}
	dek, err := unwrap(old, h.wrapNonce, h.wrapped, wrapAD(valueMagic, h.id, ad))
	if err != nil {
		return nil, false, err
	}
	wn, wrapped, err := wrap(cur, dek, wrapAD(valueMagic, cur.id[:], ad))
	if err != nil {
		return nil, false, err
	}
	out = make([]byte, 0, len(sealed))
	out = append(out, valueMagic...)
	out = append(out, cur.id[:]...)
	out = append(out, wn...)
	out = append(out, wrapped...)
	out = append(out, h.dataNonce...)
	return append(out, ct...), true, nil
}

// textPrefix starts a sealed text: "enc:1:", the key id in hex, ":", then the sealed value in
// base64. The key id in clear lets `lots key rotate` find what an old key wrapped in SQL.
const textPrefix = "enc:1:"

// SealString seals a text for a text column. The empty text stays empty (nothing to hide, and
// "no address" must stay comparable in SQL).
func (kr *Keyring) SealString(plain, ad string) (string, error) {
	if plain == "" {
		return "", nil
	}
	b, err := kr.Seal([]byte(plain), []byte(ad))
	if err != nil {
		return "", err
	}
	return textPrefix + kr.CurrentID() + ":" + base64.RawStdEncoding.EncodeToString(b), nil
}

// IsSealedString reports whether s is a sealed text.
func IsSealedString(s string) bool { return strings.HasPrefix(s, textPrefix) }

// TextPrefixFor is the prefix of every text sealed under the key with id (hex).
func TextPrefixFor(id string) string { return textPrefix + id + ":" }

func decodeString(s string) ([]byte, error) {
	rest, ok := strings.CutPrefix(s, textPrefix)
	if !ok {
		return nil, ErrCorrupt
	}
	_, b64, ok := strings.Cut(rest, ":")
	if !ok {
		return nil, ErrCorrupt
	}
	b, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil {
		return nil, ErrCorrupt
	}
	return b, nil
}

// OpenString opens a sealed text. The empty text is empty; any other text that is not sealed
// is refused (a plain value where a sealed one belongs was written around Lots).
func (kr *Keyring) OpenString(s, ad string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := decodeString(s)
	if err != nil {
		return "", err
	}
	p, err := kr.Open(b, []byte(ad))
	return string(p), err
}

// RewrapString re-wraps a sealed text under the current key.
func (kr *Keyring) RewrapString(s, ad string) (string, bool, error) {
	if s == "" {
		return "", false, nil
	}
	b, err := decodeString(s)
	if err != nil {
		return "", false, err
	}
	out, changed, err := kr.Rewrap(b, []byte(ad))
	if err != nil || !changed {
		return s, false, err
	}
	return textPrefix + kr.CurrentID() + ":" + base64.RawStdEncoding.EncodeToString(out), true, nil
}
