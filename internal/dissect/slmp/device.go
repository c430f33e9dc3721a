package slmp

import (
	"encoding/binary"
	"strconv"
	"strings"
)

// devKey identifies one device range, so that its Detail is formatted once.
type devKey struct {
	dev    string
	head   uint32
	points uint16
}

// deviceDetail describes the device range of a batch read or write: device
// name, head number (hex for X, Y, B, W, SB, SW, DX, DY as in Mitsubishi
// notation, else decimal) and number of points, e.g. "D100 n=10". The
// request data starts with the device specification ("Devices" in
// SH-080956ENG): subcommands 0000/0001 use the Q/L format (binary: head 3
// bytes, code 1 byte; ASCII: code 2 characters, head 6), 0002/0003 the
// iQ-R format (binary: head 4, code 2); the number of points follows (2
// bytes / 4 hex digits). Other subcommands (device extension specification)
// and ASCII iQ-R requests get no detail.
func (p *parser) deviceDetail(f frame) string {
	var k devKey
	d := f.data
	switch {
	case !f.ascii && (f.sub == 0x0000 || f.sub == 0x0001):
		if len(d) < 6 {
			return ""
		}
		k = devKey{dev: binaryDevices[uint16(d[3])], head: uint32(d[0]) | uint32(d[1])<<8 | uint32(d[2])<<16,
			points: binary.LittleEndian.Uint16(d[4:])}
	case !f.ascii && (f.sub == 0x0002 || f.sub == 0x0003):
		if len(d) < 8 {
			return ""
		}
		k = devKey{dev: binaryDevices[binary.LittleEndian.Uint16(d[4:])], head: binary.LittleEndian.Uint32(d),
			points: binary.LittleEndian.Uint16(d[6:])}
	case f.ascii && (f.sub == 0x0000 || f.sub == 0x0001):
		return p.asciiDevice(d, 2, 6)
	default:
		return ""
	}
	if k.dev == "" {
		k.dev = "?"
	}
	return p.devString(k)
}

// asciiDevice reads an ASCII device specification: the device name padded
// with '*', the head number (hex digits for hex-numbered devices, decimal
// digits otherwise) and 4 hex digits of points.
func (p *parser) asciiDevice(d []byte, codeLen, headLen int) string {
	if len(d) < codeLen+headLen+4 {
		return ""
	}
	name := d[:codeLen]
	for len(name) > 0 && name[len(name)-1] == '*' {
		name = name[:len(name)-1]
	}
	dev, ok := asciiDevices[string(name)] // no allocation: map lookup by []byte conversion
	if !ok {
		dev = "?"
	}
	base := 10
	if hexDevices[dev] {
		base = 16
	}
	var head uint32
	for _, c := range d[codeLen : codeLen+headLen] {
		v, ok := hexDigit(c)
		if !ok || int(v) >= base {
			return ""
		}
		head = head*uint32(base) + uint32(v)
	}
	pts, ok := num(d[codeLen+headLen:], true)
	if !ok {
		return ""
	}
	return p.devString(devKey{dev: dev, head: head, points: pts})
}

func (p *parser) devString(k devKey) string {
	if s, ok := p.details[k]; ok {
		return s
	}
	base := 10
	if hexDevices[k.dev] {
		base = 16
	}
	s := k.dev + strings.ToUpper(strconv.FormatUint(uint64(k.head), base)) + " n=" + strconv.Itoa(int(k.points))
	if len(p.details) < maxCache {
		p.details[k] = s
	}
	return s
}

// asciiDevices maps ASCII device codes (without '*' padding) to the device
// names used in Detail.
var asciiDevices = func() map[string]string {
	m := map[string]string{"SS": "STS", "SC": "STC", "SN": "STN"}
	for _, n := range binaryDevices {
		if _, taken := m[n]; !taken && n != "STS" && n != "STC" && n != "STN" {
			m[n] = n
		}
	}
	return m
}()
