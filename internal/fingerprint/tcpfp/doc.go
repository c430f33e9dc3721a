// Package tcpfp is passive TCP/IP stack fingerprinting in the signature
// format of p0f version 3: it turns the SYN or SYN+ACK a host sends into a
// Signature (IP version, TTL, IP options length, MSS, window, window scale,
// TCP option layout, header quirks, payload class), prints it exactly as p0f
// prints its raw_sig, reads p0f.fp signature files and matches signatures
// against them with p0f's precedence rules.
//
// The package embeds its own signature set (Builtin), written for this
// project from vendor documentation, RFCs, measurement papers and the
// shared plant captures; each entry names its source and carries a
// confidence. A p0f.fp file can be loaded beside it; see Matcher for how
// the two are combined.
//
// Nothing here allocates per packet: Extract fills a value, Matcher.Match
// walks pre-indexed slices, and only String (used once per new signature
// when a record is built) allocates.
package tcpfp
