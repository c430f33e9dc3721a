package pki

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TokenPrefix starts every enrolment token; the version in it lets a later
// layout coexist with this one.
const TokenPrefix = "otsight-enrol-v1."

// tokenLen is the decoded payload:
//
//	secret (32) | tenant id (8) | sensor id (8) | expiry, Unix seconds (8) | CA fingerprint (32)
//
// integers big-endian. The ids and expiry are there for the sensor's
// messages and an early local check; the server trusts only its own record,
// found by the SHA-256 of the secret.
const tokenLen = 32 + 8 + 8 + 8 + 32

// ErrBadToken is returned for text that is not an enrolment token.
var ErrBadToken = errors.New("not an otsight enrolment token")

// Token is a one-time enrolment token: a random secret, the sensor it
// enrols, its expiry and the fingerprint of the CA the sensor must find at
// the server.
type Token struct {
	Secret  [32]byte
	Sensor  SensorName
	Expires time.Time
	CA      Fingerprint
}

// NewToken makes a token with a fresh secret. Expiry is kept to the second.
func NewToken(n SensorName, expires time.Time, ca Fingerprint) (Token, error) {
	t := Token{Sensor: n, Expires: time.Unix(expires.Unix(), 0), CA: ca}
	if _, err := rand.Read(t.Secret[:]); err != nil {
		return Token{}, fmt.Errorf("token secret: %w", err)
	}
	return t, nil
}

// Hash is what the server stores instead of the secret.
func (t Token) Hash() [32]byte { return sha256.Sum256(t.Secret[:]) }

// String is the token as printed for the operator and pasted on the sensor.
func (t Token) String() string {
	var b [tokenLen]byte
	copy(b[0:32], t.Secret[:])
	binary.BigEndian.PutUint64(b[32:40], uint64(t.Sensor.Tenant))
	binary.BigEndian.PutUint64(b[40:48], uint64(t.Sensor.Sensor))
	binary.BigEndian.PutUint64(b[48:56], uint64(t.Expires.Unix()))
	copy(b[56:88], t.CA[:])
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// ParseToken reads a token printed by String; surrounding white space (from
// copying and pasting) is ignored.
func ParseToken(s string) (Token, error) {
	body, ok := strings.CutPrefix(strings.TrimSpace(s), TokenPrefix)
	if !ok {
		return Token{}, ErrBadToken
	}
	if base64.RawURLEncoding.DecodedLen(len(body)) != tokenLen {
		return Token{}, fmt.Errorf("%w: %d characters after the prefix, want %d", ErrBadToken, len(body), base64.RawURLEncoding.EncodedLen(tokenLen))
	}
	var b [tokenLen]byte
	if n, err := base64.RawURLEncoding.Strict().Decode(b[:], []byte(body)); err != nil || n != tokenLen {
		return Token{}, fmt.Errorf("%w: bad encoding", ErrBadToken)
	}
	var t Token
	copy(t.Secret[:], b[0:32])
	t.Sensor.Tenant = int64(binary.BigEndian.Uint64(b[32:40]))
	t.Sensor.Sensor = int64(binary.BigEndian.Uint64(b[40:48]))
	t.Expires = time.Unix(int64(binary.BigEndian.Uint64(b[48:56])), 0)
	copy(t.CA[:], b[56:88])
	if t.Sensor.Tenant <= 0 || t.Sensor.Sensor <= 0 {
		return Token{}, fmt.Errorf("%w: bad tenant or sensor id", ErrBadToken)
	}
	return t, nil
}
