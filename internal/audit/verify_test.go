package audit

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// buildLog writes n entries the way the store does: every entry's stored hashes into one map,
// and the head after each size.
func buildLog(t *testing.T, n int64) ([]Entry, HashStore, []Head) {
	t.Helper()
	stored := HashStore{}
	var entries []Entry
	heads := []Head{{MunicipalityID: 1}}
	for i := range n {
		e := Entry{MunicipalityID: 1, Seq: i, At: time.Date(2026, 1, 1, 0, 0, int(i), 0, time.UTC), Action: ActionRead, Object: "case", ObjectID: i, YouthID: i % 7}
		hs, err := tlog.StoredHashes(i, e.Record(), stored)
		if err != nil {
			t.Fatal(err)
		}
		for j, h := range hs {
			stored[tlog.StoredHashIndex(0, i)+int64(j)] = h
		}
		entries = append(entries, e)
		root, err := tlog.TreeHash(i+1, stored)
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, Head{MunicipalityID: 1, Size: i + 1, Root: root})
	}
	return entries, stored, heads
}

// A log whose first entries were deleted verifies from the checkpoint, for every size of the
// deleted part and of what follows it: the later entries need only the kept hashes of the
// complete subtrees that make up the deleted part. Heads exported before and after the deletion
// still verify.
func TestVerifyFromACheckpoint(t *testing.T) {
	const total = 70
	entries, stored, heads := buildLog(t, total)
	for cut := int64(1); cut < total; cut++ {
		for _, end := range []int64{cut, cut + 1, cut + 2, cut + 5, total} {
			if end > total {
				continue
			}
			v := NewVerifier(stored)
			if err := v.StartAt(heads[cut], stored); err != nil {
				t.Fatalf("cut %d: %v", cut, err)
			}
			for _, e := range entries[cut:end] {
				if p := v.Add(e); p != nil {
					t.Fatalf("cut %d end %d: %v", cut, end, p)
				}
			}
			exported := []Head{heads[1], heads[max(cut/2, 1)], heads[cut], heads[end]}
			if cut > 1 {
				exported = append(exported, heads[cut-1])
			}
			got, err := v.Finish(1, heads[end], exported...)
			if err != nil {
				t.Fatalf("cut %d end %d: %v", cut, end, err)
			}
			if got != heads[end] {
				t.Fatalf("cut %d end %d: verified head %v, want %v", cut, end, got, heads[end])
			}
		}
	}
}

// What verification must still catch after a deletion.
func TestVerifyFromACheckpointFindsTampering(t *testing.T) {
	entries, stored, heads := buildLog(t, 40)
	const cut = 21
	run := func(cp Head, prefix HashStore, recorded Head, exported ...Head) error {
		v := NewVerifier(stored)
		if err := v.StartAt(cp, prefix); err != nil {
			return err
		}
		for _, e := range entries[cut:] {
			if p := v.Add(e); p != nil {
				return p
			}
		}
		_, err := v.Finish(1, recorded, exported...)
		return err
	}
	if err := run(heads[cut], stored, heads[40]); err != nil {
		t.Fatalf("the untouched log: %v", err)
	}
	t.Run("a kept hash of the deleted part changed", func(t *testing.T) {
		// Every hash the deleted part's root or a proof is made from: changing any one is caught.
		caught := 0
		for idx := range tlog.StoredHashIndex(0, cut) {
			forged := HashStore{}
			for k, h := range stored {
				forged[k] = h
			}
			forged[idx] = tlog.RecordHash([]byte(fmt.Sprint("forged", idx)))
			if err := run(heads[cut], forged, heads[40], heads[5], heads[cut]); err == nil {
				// Only the subtrees the root is made of are read; others must still be caught
				// by the exported heads' proofs, unless no proof reads them either.
				cp := recordingReader{r: stored, got: HashStore{}}
				if _, err := tlog.TreeHash(cut, &cp); err != nil {
					t.Fatal(err)
				}
				proof := recordingReader{r: stored, got: HashStore{}}
				if _, err := tlog.ProveTree(cut, 5, &proof); err != nil {
					t.Fatal(err)
				}
				_, inRoot := cp.got[idx]
				_, inProof := proof.got[idx]
				if inRoot || inProof {
					t.Fatalf("hash %d is read but its change was not caught", idx)
				}
				continue
			}
			caught++
		}
		if caught < 3 { // cut 21 = 16 + 4 + 1: three subtrees at least
			t.Fatalf("only %d changed hashes caught", caught)
		}
	})
	t.Run("a checkpoint whose root is not the deleted part's", func(t *testing.T) {
		cp := heads[cut]
		cp.Root[0] ^= 1
		if run(cp, stored, heads[40]) == nil {
			t.Fatal("a wrong checkpoint root verified")
		}
	})
	t.Run("an exported head from before the deletion that does not match", func(t *testing.T) {
		h := heads[7]
		h.Root[3] ^= 1
		if run(heads[cut], stored, heads[40], h) == nil {
			t.Fatal("a rewritten exported head verified")
		}
	})
	t.Run("a later entry changed", func(t *testing.T) {
		v := NewVerifier(stored)
		if err := v.StartAt(heads[cut], stored); err != nil {
			t.Fatal(err)
		}
		e := entries[cut+3]
		e.Detail = "changed"
		for _, x := range entries[cut : cut+3] {
			if p := v.Add(x); p != nil {
				t.Fatal(p)
			}
		}
		if v.Add(e) == nil {
			t.Fatal("a changed entry after the checkpoint verified")
		}
	})
	t.Run("an entry missing right after the checkpoint", func(t *testing.T) {
		v := NewVerifier(stored)
		if err := v.StartAt(heads[cut], stored); err != nil {
			t.Fatal(err)
		}
		if p := v.Add(entries[cut+1]); p == nil || p.Seq != cut {
			t.Fatalf("got %v, want entry %d missing", p, cut)
		}
	})
}
