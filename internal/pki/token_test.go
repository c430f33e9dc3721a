package pki

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTokenRoundTrip(t *testing.T) {
	var fp Fingerprint
	for i := range fp {
		fp[i] = byte(i)
	}
	tok, err := NewToken(SensorName{Tenant: 3, Sensor: 1234567}, t0.Add(72*time.Hour+500*time.Millisecond), fp)
	if err != nil {
		t.Fatal(err)
	}
	s := tok.String()
	// prefix + 88 bytes in unpadded base64url = 118 characters
	if !strings.HasPrefix(s, TokenPrefix) || len(s) != len(TokenPrefix)+118 {
		t.Fatalf("token %q (%d chars)", s, len(s))
	}
	got, err := ParseToken("  " + s + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if got != tok {
		t.Fatalf("round trip: %+v != %+v", got, tok)
	}
	if !got.Expires.Equal(t0.Add(72 * time.Hour)) {
		t.Errorf("expiry %v not kept to the second", got.Expires)
	}
	if got.Hash() != sha256.Sum256(tok.Secret[:]) {
		t.Error("hash is not SHA-256 of the secret")
	}
	other, _ := NewToken(tok.Sensor, tok.Expires, fp)
	if other.Secret == tok.Secret {
		t.Error("two tokens share a secret")
	}
}

func TestParseTokenRejects(t *testing.T) {
	good, _ := NewToken(SensorName{Tenant: 1, Sensor: 2}, t0, Fingerprint{})
	s := good.String()
	zeroTenant := Token{Sensor: SensorName{Tenant: 0, Sensor: 2}, Expires: t0}.String()
	for name, in := range map[string]string{
		"empty":       "",
		"no prefix":   strings.TrimPrefix(s, TokenPrefix),
		"v2":          strings.Replace(s, "-v1.", "-v2.", 1),
		"short":       s[:len(s)-1],
		"long":        s + "A",
		"bad char":    s[:len(s)-1] + "*",
		"padded":      s[:len(s)-2] + "==",
		"zero tenant": zeroTenant,
	} {
		if _, err := ParseToken(in); !errors.Is(err, ErrBadToken) {
			t.Errorf("%s: err = %v, want ErrBadToken", name, err)
		}
	}
}

func FuzzParseToken(f *testing.F) {
	good, _ := NewToken(SensorName{Tenant: 1, Sensor: 2}, t0, Fingerprint{1})
	f.Add(good.String())
	f.Add(TokenPrefix)
	f.Add(TokenPrefix + strings.Repeat("A", 118))
	f.Add("otsight-enrol-v1.!!!!")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			return
		}
		// Anything accepted prints back to the same token.
		again, err := ParseToken(tok.String())
		if err != nil || again != tok {
			t.Fatalf("accepted %q but its print %q does not read back: %v", s, tok.String(), err)
		}
	})
}
