package tls

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"strconv"

	"github.com/otsight/otsight/internal/record"
)

// Bounds on what a record keeps from client-chosen lists.
const (
	maxALPN     = 8
	maxVersions = 8
	maxText     = 255
)

// Extensions read for the JA3 fingerprint.
const (
	extSupportedGroups = 10
	extECPointFormats  = 11
)

// helloRetry is the ServerHello random value that marks a TLS 1.3
// HelloRetryRequest (RFC 8446 §4.1.3): SHA-256 of "HelloRetryRequest".
var helloRetry = [32]byte{
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
}

// reader reads big-endian fields; a short read sets bad and yields zeros,
// so parsing code checks once at the end.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) u8() int {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := int(r.b[0])
	r.b = r.b[1:]
	return v
}

func (r *reader) u16() int {
	if len(r.b) < 2 {
		r.bad, r.b = true, nil
		return 0
	}
	v := int(r.b[0])<<8 | int(r.b[1])
	r.b = r.b[2:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if n > len(r.b) {
		r.bad, r.b = true, nil
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// clientHello reads the client's version, cipher count and extensions
// (RFC 8446 §4.1.2).
func clientHello(rec *record.TLS, body []byte) {
	rec.ClientHelloSeen = true
	r := reader{b: body}
	version := r.u16()
	r.bytes(32)                // random
	r.bytes(r.u8())            // legacy_session_id
	suites := r.bytes(r.u16()) // cipher_suites, 2 bytes each
	r.bytes(r.u8())            // legacy_compression_methods
	if r.bad {
		return
	}
	rec.ClientVersion = versionName(uint16(version))
	rec.ClientCiphers = len(suites) / 2
	var ja3 ja3Builder
	ja3.number(version)
	ja3.sep()
	ja3.list(suites, 2)
	ja3.sep()
	var groups, formats []byte
	extensions(r.bytes(r.u16()), func(typ int, data []byte) {
		ja3.item(typ)
		switch typ {
		case extSupportedGroups:
			l := reader{b: data}
			groups = l.bytes(l.u16())
		case extECPointFormats:
			l := reader{b: data}
			formats = l.bytes(l.u8())
		case extServerName:
			rec.ServerName = serverName(data)
		case extALPN:
			rec.ClientALPN = alpn(data, maxALPN)
		case extSupportedVersions:
			l := reader{b: data}
			list := reader{b: l.bytes(l.u8())}
			for len(list.b) >= 2 && len(rec.ClientVersions) < maxVersions {
				if v := uint16(list.u16()); !grease(v) {
					rec.ClientVersions = append(rec.ClientVersions, versionName(v))
				}
			}
		}
	})
	ja3.sep()
	ja3.list(groups, 2)
	ja3.sep()
	ja3.list(formats, 1)
	sum := md5.Sum(ja3.b)
	rec.JA3 = hex.EncodeToString(sum[:])
}

// ja3Builder writes the JA3 string of a ClientHello: version, cipher
// suites, extension types, supported groups and EC point formats in
// decimal, the lists joined by "-", the five fields by ","; GREASE values
// (RFC 8701) are left out.
type ja3Builder struct {
	b     []byte
	first bool // no item yet in the current field
}

func (j *ja3Builder) number(v int) { j.b = strconv.AppendInt(j.b, int64(v), 10) }

func (j *ja3Builder) sep() { j.b, j.first = append(j.b, ','), true }

func (j *ja3Builder) item(v int) {
	if v <= 0xffff && grease(uint16(v)) {
		return
	}
	if !j.first {
		j.b = append(j.b, '-')
	}
	j.first = false
	j.number(v)
}

// list adds each size-byte big-endian value of b.
func (j *ja3Builder) list(b []byte, size int) {
	for ; len(b) >= size; b = b[size:] {
		v := int(b[0])
		if size == 2 {
			v = v<<8 | int(b[1])
		}
		j.item(v)
	}
}

// serverHello reads the server's choices (RFC 8446 §4.1.3); in TLS 1.3 the
// version field says 1.2 and supported_versions the real one.
func serverHello(rec *record.TLS, body []byte) (retry bool) {
	rec.ServerHelloSeen = true
	r := reader{b: body}
	version := r.u16()
	random := r.bytes(32)
	r.bytes(r.u8()) // legacy_session_id_echo
	suite := r.u16()
	r.u8() // legacy_compression_method
	if r.bad {
		return false
	}
	rec.Version = versionName(uint16(version))
	rec.Cipher = cipherName(uint16(suite))
	extensions(r.bytes(r.u16()), func(typ int, data []byte) {
		switch typ {
		case extSupportedVersions:
			if len(data) == 2 {
				rec.Version = versionName(uint16(data[0])<<8 | uint16(data[1]))
			}
		case extALPN:
			if l := alpn(data, 1); len(l) == 1 {
				rec.NextProtocol = l[0]
			}
		}
	})
	return bytes.Equal(random, helloRetry[:])
}

// extensions calls f for each well-formed extension of a hello.
func extensions(b []byte, f func(typ int, data []byte)) {
	r := reader{b: b}
	for len(r.b) >= 4 {
		typ := r.u16()
		data := r.bytes(r.u16())
		if r.bad {
			return
		}
		f(typ, data)
	}
}

// serverName returns the host_name entry of a server_name extension
// (RFC 6066 §3).
func serverName(b []byte) string {
	r := reader{b: b}
	list := reader{b: r.bytes(r.u16())}
	for len(list.b) >= 3 {
		typ := list.u8()
		name := list.bytes(list.u16())
		if list.bad {
			return ""
		}
		if typ == 0 {
			return text(name)
		}
	}
	return ""
}

// alpn returns up to max protocol names of an ALPN extension (RFC 7301).
func alpn(b []byte, max int) []string {
	r := reader{b: b}
	list := reader{b: r.bytes(r.u16())}
	var out []string
	for len(list.b) > 0 && len(out) < max {
		name := list.bytes(list.u8())
		if list.bad {
			break
		}
		out = append(out, text(name))
	}
	return out
}

// text keeps the printable ASCII of a wire string, at most maxText bytes.
func text(v []byte) string {
	out := make([]byte, 0, min(len(v), maxText))
	for _, c := range v {
		if len(out) == maxText {
			break
		}
		if c >= 0x20 && c < 0x7f {
			out = append(out, c)
		}
	}
	return string(out)
}
