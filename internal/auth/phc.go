package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// ErrBadHash reports a stored password hash that is not an argon2id PHC
// string this package can verify.
var ErrBadHash = errors.New("malformed password hash")

// Limits on what ParseHash accepts. A stored hash is trusted data, but a
// corrupted or hostile one must not make a login allocate gigabytes.
const (
	maxHashMemory  = 4 << 20 // KiB (4 GiB)
	maxHashTime    = 100
	minHashBytes   = 8
	maxHashBytes   = 128
	argon2Version  = argon2.Version // 19
	phcAlgorithmID = "argon2id"
)

var b64 = base64.RawStdEncoding

// Hash is a decoded argon2id PHC string:
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>, salt and hash
// in base64 without padding.
type Hash struct {
	Params Argon2Params // SaltLen and KeyLen are those of Salt and Key
	Salt   []byte
	Key    []byte
}

// String encodes h in the PHC string format.
func (h Hash) String() string {
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s", phcAlgorithmID, argon2Version,
		h.Params.Memory, h.Params.Time, h.Params.Threads, b64.EncodeToString(h.Salt), b64.EncodeToString(h.Key))
}

// ParseHash decodes a PHC string. It accepts only argon2id version 19 with
// the parameters in the canonical order m, t, p and no others.
func ParseHash(s string) (Hash, error) {
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != phcAlgorithmID {
		return Hash{}, ErrBadHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2Version) {
		return Hash{}, fmt.Errorf("%w: version %q", ErrBadHash, parts[2])
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return Hash{}, fmt.Errorf("%w: parameters %q", ErrBadHash, parts[3])
	}
	m, err1 := phcUint(params[0], "m=", maxHashMemory)
	t, err2 := phcUint(params[1], "t=", maxHashTime)
	p, err3 := phcUint(params[2], "p=", 255)
	if err := errors.Join(err1, err2, err3); err != nil {
		return Hash{}, err
	}
	if t < 1 || p < 1 || m < 8*p {
		return Hash{}, fmt.Errorf("%w: parameters %q out of range", ErrBadHash, parts[3])
	}
	salt, err := decodeB64(parts[4])
	if err != nil {
		return Hash{}, fmt.Errorf("%w: salt: %v", ErrBadHash, err)
	}
	key, err := decodeB64(parts[5])
	if err != nil {
		return Hash{}, fmt.Errorf("%w: hash: %v", ErrBadHash, err)
	}
	return Hash{
		Params: Argon2Params{Time: uint32(t), Memory: uint32(m), Threads: uint8(p), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))},
		Salt:   salt,
		Key:    key,
	}, nil
}

// phcUint parses "<prefix><decimal>" with no sign, no leading zero and a
// value ≤ limit.
func phcUint(s, prefix string, limit uint64) (uint64, error) {
	v, ok := strings.CutPrefix(s, prefix)
	if !ok || v == "" || len(v) > 10 || (len(v) > 1 && v[0] == '0') {
		return 0, fmt.Errorf("%w: parameter %q", ErrBadHash, s)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, fmt.Errorf("%w: parameter %q", ErrBadHash, s)
		}
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > limit {
		return 0, fmt.Errorf("%w: parameter %q", ErrBadHash, s)
	}
	return n, nil
}

func decodeB64(s string) ([]byte, error) {
	if len(s) > b64.EncodedLen(maxHashBytes) {
		return nil, errors.New("too long")
	}
	b, err := b64.Strict().DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(b) < minHashBytes {
		return nil, errors.New("too short")
	}
	return b, nil
}

// hashPassword derives a new hash of password with p and a fresh salt.
func hashPassword(password string, p Argon2Params) (Hash, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return Hash{}, fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return Hash{Params: p, Salt: salt, Key: key}, nil
}

// verify reports whether password matches h; the comparison of the
// derived keys takes the same time wherever they differ.
func (h Hash) verify(password string) bool {
	key := argon2.IDKey([]byte(password), h.Salt, h.Params.Time, h.Params.Memory, h.Params.Threads, uint32(len(h.Key)))
	return subtle.ConstantTimeCompare(key, h.Key) == 1
}

// outdated reports whether h was made with other parameters than p, so
// that a successful login should store a new hash.
func (h Hash) outdated(p Argon2Params) bool {
	return h.Params.Time != p.Time || h.Params.Memory != p.Memory || h.Params.Threads != p.Threads ||
		uint32(len(h.Salt)) != p.SaltLen || uint32(len(h.Key)) != p.KeyLen
}
