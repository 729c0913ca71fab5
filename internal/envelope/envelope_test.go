package envelope

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"strings"
	"testing"
)

func ring(t *testing.T, lines ...string) *Keyring {
	t.Helper()
	kr, err := ParseKeyring(strings.Join(lines, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func newLine(t *testing.T) string {
	t.Helper()
	l, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestKeyFile(t *testing.T) {
	a, b := newLine(t), newLine(t)
	for _, c := range []struct {
		name, text string
		keys       int
		err        bool
	}{
		{"one key", a, 1, false},
		{"two keys, comments and blank lines", "# current\n" + b + "\n\n# old\n" + a + "\n", 2, false},
		{"the same key twice counts once", a + "\n" + a, 1, false},
		{"an empty file is no key", "\n# nothing\n", 0, true},
		{"not a Lots key", "AGE-SECRET-KEY-1QQQ", 0, true},
		{"a short key", KeyPrefix + "c2hvcnQ=", 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			kr, err := ParseKeyring(c.text)
			if c.err {
				if err == nil {
					t.Fatalf("accepted %q", c.text)
				}
				return
			}
			if err != nil || len(kr.IDs()) != c.keys {
				t.Fatalf("got %v, %v", kr, err)
			}
			if strings.Contains(kr.String(), strings.TrimPrefix(a, KeyPrefix)) {
				t.Fatal("String shows the key")
			}
		})
	}
	if _, err := ParseKeyring(""); !errors.Is(err, ErrNoKey) {
		t.Fatalf("no key: %v", err)
	}
}

func TestSealOpen(t *testing.T) {
	old, cur := newLine(t), newLine(t)
	oldRing := ring(t, old)
	plain := []byte("Gömdvägen 7, 123 45 Stad")
	sealed, err := oldRing.Seal(plain, []byte("youths.address"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, plain) || !IsSealed(sealed) {
		t.Fatal("the sealed value shows the plain text")
	}
	t.Run("opens with its context", func(t *testing.T) {
		got, err := oldRing.Open(sealed, []byte("youths.address"))
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%q %v", got, err)
		}
	})
	t.Run("refuses another context", func(t *testing.T) {
		if _, err := oldRing.Open(sealed, []byte("related_persons.address")); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("opened under another context: %v", err)
		}
	})
	t.Run("refuses an altered byte anywhere", func(t *testing.T) {
		for i := range sealed {
			b := bytes.Clone(sealed)
			b[i] ^= 1
			if _, err := oldRing.Open(b, []byte("youths.address")); err == nil {
				t.Fatalf("byte %d altered and still opened", i)
			}
		}
	})
	t.Run("refuses without its key", func(t *testing.T) {
		if _, err := ring(t, cur).Open(sealed, []byte("youths.address")); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("rotation re-wraps the data key and keeps the ciphertext", func(t *testing.T) {
		both := ring(t, cur, old)
		re, changed, err := both.Rewrap(sealed, []byte("youths.address"))
		if err != nil || !changed {
			t.Fatal(err, changed)
		}
		if !bytes.Equal(re[headerSize:], sealed[headerSize:]) {
			t.Fatal("rotation re-encrypted the value")
		}
		if id, _ := KeyIDOf(re); id != both.CurrentID() {
			t.Fatalf("re-wrapped under %s, want %s", id, both.CurrentID())
		}
		got, err := ring(t, cur).Open(re, []byte("youths.address"))
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("the new key alone does not open it: %v", err)
		}
		if _, again, _ := both.Rewrap(re, []byte("youths.address")); again {
			t.Fatal("re-wrapped a value already under the current key")
		}
	})
	t.Run("texts", func(t *testing.T) {
		s, err := oldRing.SealString("Gömdvägen 7", "youths.address")
		if err != nil || !strings.HasPrefix(s, TextPrefixFor(oldRing.CurrentID())) || strings.Contains(s, "Gömd") {
			t.Fatalf("%q %v", s, err)
		}
		if got, err := oldRing.OpenString(s, "youths.address"); err != nil || got != "Gömdvägen 7" {
			t.Fatalf("%q %v", got, err)
		}
		if e, _ := oldRing.SealString("", "youths.address"); e != "" {
			t.Fatal("the empty text is not kept empty")
		}
		if _, err := oldRing.OpenString("Gömdvägen 7", "youths.address"); err == nil {
			t.Fatal("a plain text was read as if sealed")
		}
		re, changed, err := ring(t, cur, old).RewrapString(s, "youths.address")
		if err != nil || !changed || !strings.HasPrefix(re, TextPrefixFor(ring(t, cur).CurrentID())) {
			t.Fatalf("%q %v %v", re, changed, err)
		}
	})
}

func TestStream(t *testing.T) {
	kr := Ephemeral()
	for _, size := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 17} {
		plain := make([]byte, size)
		_, _ = rand.Read(plain)
		var buf bytes.Buffer
		w, err := kr.NewWriter(&buf, []byte("backup"))
		if err != nil {
			t.Fatal(err)
		}
		// Odd write sizes, so chunking does not depend on the caller's.
		for p := plain; len(p) > 0; {
			n := min(len(p), 1000+size%777)
			if _, err := w.Write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		enc := buf.Bytes()
		r, err := kr.NewReader(bytes.NewReader(enc), []byte("backup"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("size %d: round trip failed: %v", size, err)
		}
		// Truncated at every chunk boundary and in the middle of the last chunk.
		for _, cut := range []int{streamHead + sealedChunk, len(enc) - 1, len(enc) - tagSize} {
			if cut <= streamHead || cut >= len(enc) {
				continue
			}
			r, err := kr.NewReader(bytes.NewReader(enc[:cut]), []byte("backup"))
			if err == nil {
				_, err = io.ReadAll(r)
			}
			if err == nil {
				t.Fatalf("size %d cut at %d: a truncated stream opened", size, cut)
			}
		}
		if _, err := kr.NewReader(bytes.NewReader(enc), []byte("other")); err == nil {
			t.Fatalf("size %d: opened under another context", size)
		}
	}
}
