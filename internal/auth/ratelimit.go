package auth

import (
	"sync"
	"time"
)

// Limiter allows a burst of events per key and refills at a steady rate: a
// token bucket per key. It forgets keys that have refilled completely.
type Limiter struct {
	mu      sync.Mutex
	burst   float64
	per     time.Duration // time to earn one token
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewLimiter allows burst events at once and one more every per.
func NewLimiter(burst int, per time.Duration) *Limiter {
	return &Limiter{burst: float64(burst), per: per, buckets: map[string]*bucket{}, now: time.Now}
}

// Allow takes one token for key and reports whether there was one.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100_000 {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.per))
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep drops buckets that are full again, bounding memory.
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(l.per) >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// Blocked reports whether key has no token left, without taking one.
func (l *Limiter) Blocked(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		return false
	}
	return min(l.burst, b.tokens+float64(l.now().Sub(b.at))/float64(l.per)) < 1
}

// Rate is a failure budget kept outside the process: Burst failures at
// once, then one more every Per. Its whole state is one time, the budget's
// theoretical arrival time (GCRA): each failure moves it to
// max(tat, now) + Per, and the budget is whole again once it has passed.
type Rate struct {
	Burst int
	Per   time.Duration
}

// Blocked reports whether a budget at tat has no failure left at now.
func (r Rate) Blocked(tat, now time.Time) bool {
	return tat.Sub(now) > time.Duration(r.Burst-1)*r.Per
}

// Until is when a budget at tat allows an attempt again.
func (r Rate) Until(tat time.Time) time.Time {
	return tat.Add(-time.Duration(r.Burst-1) * r.Per)
}
