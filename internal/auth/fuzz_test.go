package auth

import (
	"strings"
	"testing"
)

func FuzzParseHash(f *testing.F) {
	for _, p := range []Argon2Params{testArgon2, RFC9106Second, {Time: 100, Memory: 4 << 20, Threads: 255, SaltLen: 8, KeyLen: 128}} {
		f.Add(Hash{Params: p, Salt: make([]byte, p.SaltLen), Key: make([]byte, p.KeyLen)}.String())
	}
	f.Add("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2i$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$")
	f.Add("$$$$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHash(s)
		if err != nil {
			return
		}
		// Accepted strings are canonical: they re-encode to themselves,
		// and their costs stay within the limits.
		if h.String() != s {
			t.Fatalf("ParseHash(%q) re-encodes as %q", s, h.String())
		}
		if h.Params.Memory > maxHashMemory || h.Params.Time > maxHashTime || h.Params.Time < 1 || h.Params.Threads < 1 ||
			len(h.Salt) < minHashBytes || len(h.Key) < minHashBytes || len(h.Key) > maxHashBytes {
			t.Fatalf("ParseHash(%q) accepted %+v", s, h.Params)
		}
	})
}

func FuzzParseToken(f *testing.F) {
	f.Add("otst_" + strings.Repeat("A", 43))
	f.Add("otst_" + strings.Repeat("_", 42) + "w")
	f.Add("otst_" + strings.Repeat("-", 43))
	f.Add("otst_")
	f.Add("otst_" + strings.Repeat("A", 42) + "=")
	f.Add("OTST_" + strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, s string) {
		raw, err := ParseToken(s)
		if err != nil {
			if raw != ([tokenBytes]byte{}) {
				t.Fatalf("ParseToken(%q) failed but returned bytes", s)
			}
			return
		}
		if got := TokenPrefix + tokenEncoding.EncodeToString(raw[:]); got != s {
			t.Fatalf("ParseToken(%q) re-encodes as %q", s, got)
		}
	})
}
