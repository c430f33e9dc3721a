package auth

import (
	"sync"
	"time"
)

// RateLimiter allows n events per window for each key (a login ID, a
// client address), counting in fixed windows that start at a key's first
// event. It is in memory: a restart forgets it, which the per-account
// lockout stored with the user does not. Safe for concurrent use.
type RateLimiter struct {
	n      int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	count int
}

// NewRateLimiter returns a limiter of n events per window per key.
func NewRateLimiter(n int, window time.Duration, now func() time.Time) *RateLimiter {
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{n: n, window: window, now: now, keys: map[string]*rateWindow{}}
}

// Allow counts an event for key and reports whether it is within the
// limit.
func (r *RateLimiter) Allow(key string) bool {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.keys[key]
	if w == nil || now.Sub(w.start) >= r.window {
		if len(r.keys) > 100_000 {
			r.sweep(now)
		}
		w = &rateWindow{start: now}
		r.keys[key] = w
	}
	w.count++
	return w.count <= r.n
}

// sweep drops finished windows so that a stream of distinct keys (a
// dictionary of login IDs) cannot grow the map without bound.
func (r *RateLimiter) sweep(now time.Time) {
	for k, w := range r.keys {
		if now.Sub(w.start) >= r.window {
			delete(r.keys, k)
		}
	}
}
