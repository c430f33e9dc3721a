// Package dns dissects the DNS-shaped protocols: unicast DNS (UDP and TCP
// 53), multicast DNS (UDP 5353), LLMNR (UDP and TCP 5355) and the NetBIOS
// name service (UDP 137). They share the RFC 1035 message format, so one
// parser serves all four; each has its own Spec and canonical name.
//
// Messages: one per DNS message (a UDP datagram, or one length-prefixed
// message over TCP). Code is the opcode in decimal; Function its name (see
// opcodeName); a response with a non-zero rcode is an error; a message too
// short for the 12-byte header counts with Code "malformed" and Error set.
//
// Records: one dns record per query/response pair matched by transaction id
// within the flow, as Zeek's dns.log (see pair.go for the matching rules and
// their limits), an nbns record per NetBIOS name registration, refresh or
// release, and asset_id records for host names that mDNS, LLMNR and NBNS
// reveal.
package dns
