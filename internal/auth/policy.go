package auth

import (
	"crypto/rand"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// maxPasswordBytes bounds a password: argon2 hashes any length, but a
// megabyte "password" is a request to waste memory, not a credential.
const maxPasswordBytes = 1024

// CheckPassword applies the password policy: valid UTF-8, at least
// minLen characters (runes, so a Japanese passphrase counts characters,
// not bytes), at most 1024 bytes, and not equal to the login ID or the
// e-mail address, ignoring case. There are no composition rules (NIST SP
// 800-63B §5.1.1.2): length is what resists guessing, and the second
// factor (the e-mailed code) covers the rest.
func CheckPassword(password, login, email string, minLen int) error {
	switch {
	case !utf8.ValidString(password):
		return fmt.Errorf("%w: not valid UTF-8", ErrWeakPassword)
	case utf8.RuneCountInString(password) < minLen:
		return fmt.Errorf("%w: shorter than %d characters", ErrWeakPassword, minLen)
	case len(password) > maxPasswordBytes:
		return fmt.Errorf("%w: longer than %d bytes", ErrWeakPassword, maxPasswordBytes)
	case strings.EqualFold(password, login):
		return fmt.Errorf("%w: equal to the login ID", ErrWeakPassword)
	case email != "" && strings.EqualFold(password, email):
		return fmt.Errorf("%w: equal to the e-mail address", ErrWeakPassword)
	}
	return nil
}

// checkLogin validates a login ID: 3 to 64 characters of lower-case ASCII
// letters, digits and . _ - @ (an e-mail address is a valid login ID).
func checkLogin(login string) error {
	if len(login) < 3 || len(login) > 64 {
		return fmt.Errorf("%w: login ID %q must have 3 to 64 characters", ErrInvalid, login)
	}
	for i := 0; i < len(login); i++ {
		c := login[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '@') {
			return fmt.Errorf("%w: login ID %q may hold only a-z 0-9 . _ - @", ErrInvalid, login)
		}
	}
	return nil
}

// checkEmail accepts a bare address (no display name).
func checkEmail(email string) error {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return fmt.Errorf("%w: e-mail address %q", ErrInvalid, email)
	}
	return nil
}

// randomString draws n characters from alphabet with crypto/rand, without
// modulo bias.
func randomString(n int, alphabet string) (string, error) {
	out := make([]byte, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet)
	for i := 0; i < n; {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("random string: %w", err)
		}
		if int(buf[0]) >= limit {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out), nil
}

// Alphabets of generated secrets: no 0/O, 1/l/I, which are misread when a
// password is copied from a screen or a printed sheet.
const (
	passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	loginAlphabet    = "abcdefghijkmnpqrstuvwxyz23456789"
)

// newInitialPassword returns a generated password of n characters (16 by
// default: about 93 bits).
func newInitialPassword(n int) (string, error) { return randomString(n, passwordAlphabet) }
