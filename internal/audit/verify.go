package audit

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// Head is a tree head: the size of a log and the root hash over its first Size entries.
// Exported and kept elsewhere, it proves later that nothing before it was rewritten.
type Head struct {
	MunicipalityID int64
	Size           int64
	Root           tlog.Hash
}

// String renders the head as three lines, the form `lots audit head` prints and
// `lots audit verify --head` reads.
func (h Head) String() string {
	return fmt.Sprintf("lots audit tree head\nmunicipality %d\nsize %d\nroot %s\n", h.MunicipalityID, h.Size, base64.StdEncoding.EncodeToString(h.Root[:]))
}

// ParseHead reads a head written by String.
func ParseHead(s string) (Head, error) {
	var h Head
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) != 4 || strings.TrimSpace(lines[0]) != "lots audit tree head" {
		return h, fmt.Errorf("not a Lots audit tree head")
	}
	var err error
	get := func(line, name string) string {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" ")
		if !ok && err == nil {
			err = fmt.Errorf("tree head: missing %q line", name)
		}
		return v
	}
	m, size, root := get(lines[1], "municipality"), get(lines[2], "size"), get(lines[3], "root")
	if err != nil {
		return h, err
	}
	if h.MunicipalityID, err = strconv.ParseInt(m, 10, 64); err != nil {
		return h, fmt.Errorf("tree head: bad municipality: %v", err)
	}
	if h.Size, err = strconv.ParseInt(size, 10, 64); err != nil || h.Size < 0 {
		return h, fmt.Errorf("tree head: bad size")
	}
	b, err := base64.StdEncoding.DecodeString(root)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("tree head: bad root hash")
	}
	copy(h.Root[:], b)
	return h, nil
}

// HashStore is a memory of the tree's stored hashes (see tlog.StoredHashIndex).
type HashStore map[int64]tlog.Hash

// ReadHashes implements tlog.HashReader.
func (m HashStore) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		h, ok := m[x]
		if !ok {
			return nil, fmt.Errorf("hash %d not available", x)
		}
		out[i] = h
	}
	return out, nil
}

// Problem describes the first place a log fails verification.
type Problem struct {
	Seq    int64 // the first broken entry (or where one is missing)
	Reason string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", p.Seq, p.Reason)
}

// Verifier rebuilds a municipality's tree from its entries, in order, and compares every hash
// with what the database holds. Feed it entries with Add; then call Finish.
type Verifier struct {
	stored   tlog.HashReader // the hashes as stored in the database
	computed HashStore
	n        int64
	first    *Problem
	// After StartAt: the checkpoint the verification starts from, and the kept hashes of the
	// deleted entries (for proving an exported head taken before them).
	start  Head
	prefix tlog.HashReader
}

// NewVerifier returns a verifier comparing against stored.
func NewVerifier(stored tlog.HashReader) *Verifier {
	return &Verifier{stored: stored, computed: HashStore{}}
}

// Add takes the next entry. It returns the first problem found so far, if any; after a
// problem further entries are ignored.
func (v *Verifier) Add(e Entry) *Problem {
	if v.first != nil {
		return v.first
	}
	if e.Seq != v.n {
		v.first = &Problem{Seq: v.n, Reason: fmt.Sprintf("entry %d is missing (next stored entry is %d)", v.n, e.Seq)}
		return v.first
	}
	hashes, err := tlog.StoredHashes(v.n, e.Record(), v.computed)
	if err != nil {
		v.first = &Problem{Seq: v.n, Reason: err.Error()}
		return v.first
	}
	start := tlog.StoredHashIndex(0, v.n)
	idx := make([]int64, len(hashes))
	for i := range hashes {
		idx[i] = start + int64(i)
		v.computed[idx[i]] = hashes[i]
	}
	stored, err := v.stored.ReadHashes(idx)
	if err != nil {
		v.first = &Problem{Seq: v.n, Reason: "stored hashes missing: " + err.Error()}
		return v.first
	}
	for i := range hashes {
		if stored[i] != hashes[i] {
			v.first = &Problem{Seq: v.n, Reason: "entry content does not match its stored hash (changed after it was written)"}
			return v.first
		}
	}
	v.n++
	return nil
}

// Finish checks the end of the log against the head the database records and, when given,
// against heads exported earlier. It returns the verified head.
func (v *Verifier) Finish(municipalityID int64, recorded Head, exported ...Head) (Head, error) {
	if v.first != nil {
		return Head{}, v.first
	}
	if recorded.Size != v.n {
		return Head{}, &Problem{Seq: v.n, Reason: fmt.Sprintf("the log records %d entries but %d are stored (entries deleted at the end?)", recorded.Size, v.n)}
	}
	root, err := tlog.TreeHash(v.n, v.computed)
	if err != nil {
		return Head{}, err
	}
	if root != recorded.Root {
		return Head{}, &Problem{Seq: v.n - 1, Reason: "the recorded tree head does not match the entries"}
	}
	for _, h := range exported {
		if h.MunicipalityID != municipalityID {
			return Head{}, fmt.Errorf("exported head is for municipality %d, not %d", h.MunicipalityID, municipalityID)
		}
		if h.Size > 0 && h.Size < v.start.Size {
			// Taken before entries it covers were deleted: prove it is a prefix of the
			// checkpoint's tree, from the kept hashes.
			proof, err := tlog.ProveTree(v.start.Size, h.Size, v.prefix)
			if err != nil {
				return Head{}, &Problem{Seq: h.Size - 1, Reason: "the hashes kept for the deleted entries are missing: " + err.Error()}
			}
			if tlog.CheckTree(proof, v.start.Size, v.start.Root, h.Size, h.Root) != nil {
				return Head{}, &Problem{Seq: max(h.Size-1, 0), Reason: "an entry at or before this one was rewritten after the exported head was taken"}
			}
			continue
		}
		if h.Size > v.n {
			return Head{}, &Problem{Seq: v.n, Reason: fmt.Sprintf("an exported head has %d entries but only %d are stored (entries deleted)", h.Size, v.n)}
		}
		r, err := tlog.TreeHash(h.Size, v.computed)
		if err != nil {
			return Head{}, err
		}
		if r != h.Root {
			return Head{}, &Problem{Seq: max(h.Size-1, 0), Reason: "an entry at or before this one was rewritten after the exported head was taken"}
		}
	}
	return Head{MunicipalityID: municipalityID, Size: v.n, Root: root}, nil
}

// StartAt starts the verifier after the entries deleted under retention: the log's first
// cp.Size entries are gone, and cp.Root is the tree's root over them, recorded when they were
// deleted. The tree's stored hashes outlive the entries (they hold no content), so the
// verifier takes the hashes of the complete subtrees that make up the first cp.Size leaves
// from prefix, checks that they hash to cp.Root, and verifies every later entry against them:
// a later entry still binds to the deleted ones. Call it before the first Add.
func (v *Verifier) StartAt(cp Head, prefix tlog.HashReader) error {
	if v.n != 0 || cp.Size <= 0 {
		return nil
	}
	seen := recordingReader{r: prefix, got: HashStore{}}
	root, err := tlog.TreeHash(cp.Size, &seen)
	if err != nil {
		return &Problem{Seq: cp.Size - 1, Reason: "the hashes kept for the deleted entries are missing: " + err.Error()}
	}
	if root != cp.Root {
		return &Problem{Seq: cp.Size - 1, Reason: "the hashes kept for the deleted entries do not match the checkpoint made when they were deleted"}
	}
	for i, h := range seen.got {
		v.computed[i] = h
	}
	v.n, v.start, v.prefix = cp.Size, cp, prefix
	return nil
}

// recordingReader reads through r and remembers what it read.
type recordingReader struct {
	r   tlog.HashReader
	got HashStore
}

func (rr *recordingReader) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	hs, err := rr.r.ReadHashes(idx)
	if err == nil {
		for i, x := range idx {
			rr.got[x] = hs[i]
		}
	}
	return hs, err
}
