package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	c := &clock{t: t0}
	r := NewRateLimiter(2, time.Minute, c.now)
	for i, want := range []bool{true, true, false, false} {
		if got := r.Allow("k"); got != want {
			t.Fatalf("event %d: Allow = %v, want %v", i+1, got, want)
		}
	}
	if !r.Allow("other") {
		t.Fatal("keys share a window")
	}
	c.add(59 * time.Second)
	if r.Allow("k") {
		t.Fatal("window ended early")
	}
	c.add(time.Second)
	if !r.Allow("k") {
		t.Fatal("window did not end after a minute")
	}
	// A flood of distinct keys is swept once their windows end.
	for i := range 100_001 {
		r.Allow(fmt.Sprint(i))
	}
	c.add(time.Minute)
	r.Allow("trigger")
	if n := len(r.keys); n != 1 {
		t.Fatalf("%d keys kept after the sweep, want 1", n)
	}
}
