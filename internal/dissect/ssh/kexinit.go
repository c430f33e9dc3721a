package ssh

import "strings"

// maxNameList bounds one algorithm name-list kept from a KEXINIT.
const maxNameList = 4096

// kexInit holds the name-lists of one KEXINIT that negotiation uses: key
// exchange, host key, cipher, MAC and compression (the last three client
// to server for the client's message, and the server's own list for the
// same direction).
type kexInit struct {
	lists [5][]string
}

// parseKexInit reads a KEXINIT after its message number (RFC 4253 §7.1):
// a 16-byte cookie, then ten name-lists; it keeps kex, host key, and the
// client-to-server cipher, MAC and compression lists. A truncated message
// yields the lists read so far.
func parseKexInit(b []byte) *kexInit {
	k := &kexInit{}
	if len(b) < 16 {
		return k
	}
	b = b[16:]
	// Indices of the ten lists that are kept, in wire order: kex 0, host
	// key 1, cipher c2s 2, cipher s2c 3, MAC c2s 4, MAC s2c 5, comp c2s 6.
	keep := [...]int{0: 0, 1: 1, 2: 2, 4: 3, 6: 4}
	for i := range 7 {
		if len(b) < 4 {
			return k
		}
		n := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		if n < 0 || n > len(b)-4 {
			return k
		}
		list := b[4 : 4+n]
		b = b[4+n:]
		if i == 3 || i == 5 || n > maxNameList {
			continue
		}
		k.lists[keep[i]] = strings.Split(text(list, maxNameList), ",")
	}
	return k
}

// pick returns the first algorithm of the client's list that the server
// lists too, or "".
func pick(client, server []string) string {
	for _, c := range client {
		for _, s := range server {
			if c == s && c != "" {
				return c
			}
		}
	}
	return ""
}
