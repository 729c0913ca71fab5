package envelope

import (
	"bufio"
	"bytes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// Streams (backups) are encrypted in chunks, the STREAM construction age uses: a header with
// the wrapped data key and a random nonce prefix, then chunks of 64 KiB of plain text, each
// sealed with the nonce prefix, the chunk's number and a flag for the last chunk. A reordered,
// dropped or truncated chunk fails to open; so does a stream cut off before its last chunk.

var streamMagic = []byte("LTS1")

const (
	chunkSize   = 64 << 10
	prefixSize  = nonceSize - 8 // 16 random bytes, then 7 bytes of counter and the last flag
	streamHead  = 4 + idSize + nonceSize + wrappedSize + prefixSize
	maxCounter  = 1<<56 - 1
	lastFlag    = 1
	sealedChunk = chunkSize + tagSize
)

func chunkNonce(prefix []byte, n uint64, last bool) []byte {
	nonce := make([]byte, nonceSize)
	copy(nonce, prefix)
	var c [8]byte
	binary.BigEndian.PutUint64(c[:], n<<8)
	if last {
		c[7] = lastFlag
	}
	copy(nonce[prefixSize:], c[:])
	return nonce
}

type writer struct {
	w      io.Writer
	aead   cipher.AEAD
	prefix []byte
	n      uint64
	buf    []byte
	err    error
}

// NewWriter encrypts what is written to it onto w under the current master key; ad binds the
// stream to its use ("backup"). Close writes the last chunk: without it the stream is
// incomplete and will not open.
func (kr *Keyring) NewWriter(w io.Writer, ad []byte) (io.WriteCloser, error) {
	k := kr.keys[0]
	dek, err := random(keySize)
	if err != nil {
		return nil, err
	}
	wn, wrapped, err := wrap(k, dek, wrapAD(streamMagic, k.id[:], ad))
	if err != nil {
		return nil, err
	}
	prefix, err := random(prefixSize)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(dek)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 0, streamHead)
	head = append(head, streamMagic...)
	head = append(head, k.id[:]...)
	head = append(head, wn...)
	head = append(head, wrapped...)
	head = append(head, prefix...)
	if _, err := w.Write(head); err != nil {
		return nil, err
	}
	return &writer{w: w, aead: aead, prefix: prefix, buf: make([]byte, 0, chunkSize)}, nil
}

func (sw *writer) flush(last bool) error {
	if sw.n > maxCounter {
		return errors.New("envelope: stream too long")
	}
	ct := sw.aead.Seal(nil, chunkNonce(sw.prefix, sw.n, last), sw.buf, nil)
	sw.n++
	sw.buf = sw.buf[:0]
	_, err := sw.w.Write(ct)
	return err
}

func (sw *writer) Write(p []byte) (int, error) {
	if sw.err != nil {
		return 0, sw.err
	}
	n := 0
	for len(p) > 0 {
		// A full chunk is sealed only when more follows: the last chunk must carry the flag.
		if len(sw.buf) == chunkSize {
			if sw.err = sw.flush(false); sw.err != nil {
				return n, sw.err
			}
		}
		m := min(chunkSize-len(sw.buf), len(p))
		sw.buf = append(sw.buf, p[:m]...)
		p, n = p[m:], n+m
	}
	return n, nil
}

func (sw *writer) Close() error {
	if sw.err != nil {
		return sw.err
	}
	sw.err = errors.New("envelope: stream closed")
	return sw.flush(true)
}

type reader struct {
	r    *bufio.Reader
	aead cipher.AEAD
	pre  []byte
	n    uint64
	buf  []byte // plain text not yet read
	done bool
}

// NewReader decrypts a stream written by NewWriter with any key of the ring. Reading returns
// ErrCorrupt for an altered or truncated stream.
func (kr *Keyring) NewReader(r io.Reader, ad []byte) (io.Reader, error) {
	head := make([]byte, streamHead)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, ErrCorrupt
	}
	if !bytes.Equal(head[:4], streamMagic) {
		return nil, ErrCorrupt
	}
	p := 4
	take := func(n int) []byte {
		s := head[p : p+n]
		p += n
		return s
	}
	id, wn, wrapped, prefix := take(idSize), take(nonceSize), take(wrappedSize), take(prefixSize)
	k, ok := kr.find(id)
	if !ok {
		return nil, ErrUnknownKey
	}
	dek, err := unwrap(k, wn, wrapped, wrapAD(streamMagic, id, ad))
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(dek)
	if err != nil {
		return nil, err
	}
	return &reader{r: bufio.NewReaderSize(r, sealedChunk+1), aead: aead, pre: append([]byte{}, prefix...)}, nil
}

func (sr *reader) next() error {
	ct := make([]byte, sealedChunk)
	n, err := io.ReadFull(sr.r, ct)
	last := false
	switch {
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		last = true
	case err != nil:
		return err
	default:
		if _, perr := sr.r.Peek(1); perr == io.EOF {
			last = true
		}
	}
	if n < tagSize {
		return ErrCorrupt
	}
	plain, oerr := sr.aead.Open(nil, chunkNonce(sr.pre, sr.n, last), ct[:n], nil)
	if oerr != nil {
		return ErrCorrupt
	}
	sr.n++
	sr.buf, sr.done = plain, last
	return nil
}

func (sr *reader) Read(p []byte) (int, error) {
	for len(sr.buf) == 0 {
		if sr.done {
			return 0, io.EOF
		}
		if err := sr.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, sr.buf)
	sr.buf = sr.buf[n:]
	return n, nil
}
