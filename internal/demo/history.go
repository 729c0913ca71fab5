package demo

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"
)

// clock is the history's clock: the store writes with it while the history is played, so every
// row and audit entry carries the moment the event happened.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// event is one thing that happens at a moment: a concern reported, a step taken, a signature.
type event struct {
	at   time.Time
	seq  int // order of scheduling, for events at the same moment
	what string
	do   func() error
}

// history is every event of the young people's stories, played in time order with the clock
// set to each event's moment. A story's own events are scheduled in order (story.at keeps
// them strictly increasing), so what a later event needs — the case id, the consent's signers
// — is there when it runs.
type history struct {
	events []event
	end    time.Time // no event at or after this moment
}

func (h *history) add(at time.Time, what string, do func() error) {
	h.events = append(h.events, event{at: at, seq: len(h.events), what: what, do: do})
}

// play runs the events in time order. It stops at the first failure: the demo data must be
// exactly what the stories say, so a refused step is a bug in the stories (or the store).
func (h *history) play(c *clock) error {
	slices.SortFunc(h.events, func(a, b event) int {
		if n := a.at.Compare(b.at); n != 0 {
			return n
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, e := range h.events {
		if !e.at.Before(h.end) {
			return fmt.Errorf("demo event %q at %s is not in the past", e.what, e.at.Format(time.RFC3339))
		}
		c.set(e.at)
		if err := e.do(); err != nil {
			return fmt.Errorf("demo event %q at %s: %w", e.what, e.at.Format(time.RFC3339), err)
		}
	}
	c.set(h.end)
	return nil
}
