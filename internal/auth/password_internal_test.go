package auth

import (
	"runtime"
	"testing"
	"time"
)

// A hash waits while as many hashes as the processors can run are being computed (each holds
// Params.Memory), and goes on when one ends.
func TestHashesWaitForASlot(t *testing.T) {
	h := NewHasher(FastParams)
	hash, err := h.Hash("ett långt lösenord")
	if err != nil {
		t.Fatal(err)
	}
	if want := max(1, runtime.GOMAXPROCS(0)/int(FastParams.Parallelism)); cap(h.slots) != want {
		t.Fatalf("%d slots, want %d", cap(h.slots), want)
	}
	var held []func()
	for range cap(h.slots) {
		held = append(held, h.slot())
	}
	done := make(chan bool)
	go func() { done <- h.Check("ett långt lösenord", hash) }()
	select {
	case <-done:
		t.Fatal("a check ran while every slot was taken")
	case <-time.After(100 * time.Millisecond):
	}
	held[0]()
	select {
	case ok := <-done:
		if !ok {
			t.Error("the right password was refused")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the check did not run when a slot was freed")
	}
	for _, r := range held[1:] {
		r()
	}
}
