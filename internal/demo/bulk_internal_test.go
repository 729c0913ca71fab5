package demo

import "testing"

// TestBulkIDsAreUniqueAndPositive: ids of different chunks and of one chunk never meet, and
// none is zero or past 2^53.
func TestBulkIDsAreUniqueAndPositive(t *testing.T) {
	for _, salt := range []uint64{0, 1, 1<<53 - 1, 0x1234_5678_9abc} {
		g := bulkIDs{salt: salt}
		seen := map[int64]bool{}
		for c := range 40 {
			g.chunk(c)
			for range 2000 {
				id := g.id()
				if id <= 0 || id >= 1<<53 || seen[id] {
					t.Fatalf("salt %x chunk %d: id %d (seen before: %v)", salt, c, id, seen[id])
				}
				seen[id] = true
			}
		}
	}
}
