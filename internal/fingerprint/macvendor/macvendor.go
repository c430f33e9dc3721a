// Package macvendor names the organization behind an Ethernet MAC address
// from an embedded copy of the IEEE registration authority registries, and
// classifies addresses that carry no vendor: locally administered (U/L bit),
// multicast (I/G bit) and well-known protocol groups such as LLDP or
// PROFINET.
//
// The table covers MA-L (24-bit OUI), MA-M (28-bit), MA-S (36-bit) and the
// legacy IAB (36-bit) assignments. A lookup picks the longest matching
// prefix, so a device in a 36-bit block under an OUI owned by the IEEE
// itself is reported as its real manufacturer rather than as "IEEE
// Registration Authority".
//
// # Regenerating the table
//
// vendors.tsv.gz is generated from Debian's ieee-data package, whose version
// is recorded in the table header (see TableVersion) so any build can be
// reproduced:
//
//	apt-get install ieee-data && go generate ./internal/fingerprint/macvendor
//
// The generator (./gen) reads oui.csv, mam.csv, oui36.csv and iab.csv from
// /usr/share/ieee-data and writes a sorted, byte-reproducible gzip TSV.
package macvendor

//go:generate go run ./gen -ieee /usr/share/ieee-data -o vendors.tsv.gz

// Info describes what a MAC address reveals about its sender.
type Info struct {
	// Vendor is the IEEE-registered organization name, exactly as registered
	// (whitespace collapsed). When one prefix was assigned more than once
	// (a few 1980s MA-L entries), all names are joined with "; ".
	// Empty unless Known.
	Vendor string
	// Prefix is the matched assignment in colon notation, e.g. "00:1B:1B"
	// (24 bits), "74:1A:E0:9" (28 bits) or "70:B3:D5:71:9" (36 bits).
	Prefix string
	// Bits is the matched prefix length: 24, 28 or 36; 0 if not Known.
	Bits int
	// Local reports the U/L bit: the address was assigned by software or an
	// administrator (virtual NICs, randomized addresses), not by a vendor.
	Local bool
	// Multicast reports the I/G bit: the address names a group, never a
	// sending device.
	Multicast bool
	// Group names a well-known multicast group ("LLDP", "PROFINET",
	// "broadcast", ...); empty for other addresses.
	Group string
	// Known reports that a registry entry matched. It is always false for
	// locally administered and multicast addresses, whose leading octets are
	// not a vendor assignment.
	Known bool
}

// Lookup classifies mac and, for globally unique unicast addresses, finds
// the registered organization by longest-prefix match. It does not allocate;
// the embedded table is decoded once, on first use.
func Lookup(mac [6]byte) Info {
	info := Info{
		Local:     mac[0]&0x02 != 0,
		Multicast: mac[0]&0x01 != 0,
	}
	if info.Multicast {
		info.Group = groupName(mac)
		return info
	}
	if info.Local {
		return info
	}
	t := loadTable()
	v := uint64(mac[0])<<40 | uint64(mac[1])<<32 | uint64(mac[2])<<24 |
		uint64(mac[3])<<16 | uint64(mac[4])<<8 | uint64(mac[5])
	for i := range t.levels {
		l := &t.levels[i]
		if e, ok := l.find(v >> (48 - l.bits)); ok {
			info.Vendor, info.Prefix, info.Bits, info.Known = e.vendor, e.prefix, l.bits, true
			return info
		}
	}
	return info
}

// TableVersion returns the ieee-data package version the embedded table was
// generated from, e.g. "20220827.1".
func TableVersion() string {
	return loadTable().version
}
