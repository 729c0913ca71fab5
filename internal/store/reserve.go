package store

import (
	"fmt"
	"math/rand/v2"

	"lots/internal/casework"
)

// reserveAttempts bounds the draws for a free reserve id. With a year's million numbers, even
// 500 000 taken leaves a chance of 2⁻⁶⁴ that all draws collide.
const reserveAttempts = 64

// newReserveID draws a reserve identity (reservnummer) for a person whose personnummer is
// unknown: "R" and the year, then six random digits. Random, like every id, so it says nothing
// about how many there are or in which order they came.
func (tx *Tx) newReserveID() string {
	draw := rand.IntN
	if tx.store.reserveDraw != nil { // tests make collisions happen
		draw = tx.store.reserveDraw
	}
	return fmt.Sprintf("R%d-%06d", tx.now.Year(), draw(1_000_000))
}

// withReserveID runs write — an INSERT or UPDATE that stores the reserve id it is given —
// until it stores one that no one in the municipality has. Two people drawn the same number
// (likely from about a thousand a year) are told apart by the unique index on
// (municipality_id, reserve_id): its violation, known by the driver's error code, makes only
// that statement undone, under a savepoint (PostgreSQL would otherwise abort the whole
// transaction), and another number is drawn. Six digits give a million numbers a year per
// municipality.
func (tx *Tx) withReserveID(write func(reserve string) error) (string, error) {
	for range reserveAttempts {
		id := tx.newReserveID()
		if _, err := tx.Exec(`SAVEPOINT reserve_id`); err != nil {
			return "", casework.Internal(fmt.Errorf("reserve id savepoint: %w", err))
		}
		err := write(id)
		if err == nil {
			if _, err := tx.Exec(`RELEASE SAVEPOINT reserve_id`); err != nil {
				return "", casework.Internal(fmt.Errorf("reserve id release: %w", err))
			}
			return id, nil
		}
		if !isUniqueViolation(err) {
			return "", casework.Internal(fmt.Errorf("write with reserve id: %w", err))
		}
		if _, err := tx.Exec(`ROLLBACK TO SAVEPOINT reserve_id`); err != nil {
			return "", casework.Internal(fmt.Errorf("reserve id rollback: %w", err))
		}
		if _, err := tx.Exec(`RELEASE SAVEPOINT reserve_id`); err != nil {
			return "", casework.Internal(fmt.Errorf("reserve id release: %w", err))
		}
	}
	return "", casework.Internal(fmt.Errorf("no free reserve id for %d after %d draws", tx.now.Year(), reserveAttempts))
}
