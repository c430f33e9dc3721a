package cifsbrowser

import (
	"bytes"
	"encoding/binary"
	"net/netip"
)

// NetBIOS datagram service message types (RFC 1002 4.4.1) that carry user
// data after a source and a destination name.
const (
	dgmDirectUnique = 0x10
	dgmDirectGroup  = 0x11
	dgmBroadcast    = 0x12
)

// dgmHeaderLen is the datagram header up to the names: type, flags, id,
// source IP, source port, datagram length, packet offset.
const dgmHeaderLen = 14

// datagram is a NetBIOS datagram with its user data.
type datagram struct {
	srcIP            netip.Addr
	srcName, dstName []byte // encoded names, aliasing the packet
	data             []byte
}

// parseDatagram reads a direct or broadcast datagram that is not a
// continuation fragment (those carry no SMB header).
func parseDatagram(b []byte) (d datagram, ok bool) {
	if len(b) < dgmHeaderLen {
		return d, false
	}
	switch b[0] {
	case dgmDirectUnique, dgmDirectGroup, dgmBroadcast:
	default:
		return d, false
	}
	if binary.BigEndian.Uint16(b[12:]) != 0 {
		return d, false // a later fragment
	}
	d.srcIP = netip.AddrFrom4([4]byte(b[4:8]))
	off := dgmHeaderLen
	if d.srcName, off, ok = encodedName(b, off); !ok {
		return d, false
	}
	if d.dstName, off, ok = encodedName(b, off); !ok {
		return d, false
	}
	// The datagram length counts the names and the data.
	if n := int(binary.BigEndian.Uint16(b[10:])); dgmHeaderLen+n < len(b) && dgmHeaderLen+n >= off {
		b = b[:dgmHeaderLen+n]
	}
	d.data = b[off:]
	return d, true
}

// encodedName returns the labels of the uncompressed name at off (first
// level encoded name plus scope) and the offset after it.
func encodedName(b []byte, off int) ([]byte, int, bool) {
	start := off
	for off < len(b) {
		l := int(b[off])
		if l == 0 {
			return b[start:off], off + 1, true
		}
		if l&0xc0 != 0 {
			return nil, 0, false // compression is not used in datagrams
		}
		off += 1 + l
	}
	return nil, 0, false
}

// netbiosName renders an encoded name as NAME<xx>: the first label's 32
// letters A-P decode to 15 name bytes and a suffix.
func netbiosName(enc []byte) string {
	if len(enc) < 33 || enc[0] != 32 {
		return ""
	}
	var raw [16]byte
	for i := range raw {
		hi, lo := enc[1+2*i]-'A', enc[2+2*i]-'A'
		if hi > 15 || lo > 15 {
			return ""
		}
		raw[i] = hi<<4 | lo
	}
	const hexDigits = "0123456789abcdef"
	return text(bytes.TrimRight(raw[:15], " ")) + "<" + string([]byte{hexDigits[raw[15]>>4], hexDigits[raw[15]&0xf]}) + ">"
}

// SMB_COM_TRANSACTION (MS-CIFS 2.2.4.33) and its request's fixed words.
const (
	smbHeaderLen      = 32
	smbComTransaction = 0x25
	transWords        = 14 // parameter words before the setup words
)

// mailslotData finds the data of an SMB Transaction request addressed to a
// mailslot: it returns the mailslot name and the transaction data.
func mailslotData(smb []byte) (name, data []byte, ok bool) {
	if len(smb) < smbHeaderLen+1 || !bytes.Equal(smb[:4], []byte{0xff, 'S', 'M', 'B'}) || smb[4] != smbComTransaction {
		return nil, nil, false
	}
	wc := int(smb[smbHeaderLen])
	words := smb[smbHeaderLen+1:]
	if wc < transWords || len(words) < 2*wc+2 {
		return nil, nil, false
	}
	dataCount := int(binary.LittleEndian.Uint16(words[22:]))
	dataOff := int(binary.LittleEndian.Uint16(words[24:]))
	setupCount := int(words[26])
	if wc != transWords+setupCount {
		return nil, nil, false
	}
	// The bytes section starts with the transaction name (ASCII: the
	// mailslot path), NUL-terminated.
	byteCount := int(binary.LittleEndian.Uint16(words[2*wc:]))
	bs := words[2*wc+2:]
	bs = bs[:min(byteCount, len(bs))]
	end := bytes.IndexByte(bs, 0)
	if end < 0 {
		return nil, nil, false
	}
	name = bs[:end]
	if dataOff > len(smb) {
		return name, nil, true
	}
	data = smb[dataOff:]
	return name, data[:min(dataCount, len(data))], true
}

// text keeps a name or comment's printable bytes, removing control bytes as
// the public sensor does; bytes above 0x7f are read as Latin-1 (the OEM code
// page is not known).
func text(b []byte) string {
	ascii := true
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	out := make([]rune, 0, len(b))
	for _, c := range b {
		if c >= 0x20 && c != 0x7f {
			out = append(out, rune(c))
		}
	}
	return string(out)
}

// cstring returns the bytes up to the first NUL (or all of b).
func cstring(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}
