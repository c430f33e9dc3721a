package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// BuildMessage renders one text/plain message as RFC 5322 bytes: From, To,
// Subject (a MIME encoded word when not ASCII), Date, Message-ID (random,
// at the sender's domain), MIME-Version and a UTF-8 body.
//
// Bodies that are not ASCII are base64 encoded: Japanese text in
// quoted-printable triples in size and is unreadable in a raw .eml anyway.
func BuildMessage(from, to, subject, body string, date time.Time) ([]byte, error) {
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("build message: from %q: %w", from, err)
	}
	enc := gomail.EncodingQP
	if !isASCII(subject) || !isASCII(body) {
		enc = gomail.EncodingB64
	}
	m := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(enc))
	m.FromMailAddress(sender)
	if err := m.To(to); err != nil {
		return nil, fmt.Errorf("build message: to %q: %w", to, err)
	}
	m.Subject(subject)
	m.SetDateWithValue(date)
	id, err := messageID(sender.Address)
	if err != nil {
		return nil, err
	}
	m.SetMessageIDWithValue(id)
	m.SetBodyString(gomail.TypeTextPlain, body)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("build message: %w", err)
	}
	return buf.Bytes(), nil
}

// messageID returns a fresh Message-ID (without angle brackets) at the
// domain of addr: 130 random bits make collisions a non-issue.
func messageID(addr string) (string, error) {
	domain := "localhost"
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i+1 < len(addr) {
		domain = addr[i+1:]
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("message id: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])) + "@" + domain, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
