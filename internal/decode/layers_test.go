package decode

import (
	"encoding/binary"
	"testing"
)

func TestARP(t *testing.T) {
	runCases(t, []frameCase{
		{name: "request", link: LinkEthernet, frame: pad(eth(0x0806, arpPkt(1))), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3ARP)
				eq(t, "ARPOp", p.ARPOp, 1)
				eq(t, "ARPSHA", p.ARPSHA, macA)
				eq(t, "ARPSPA", p.ARPSPA, ip4A)
				eq(t, "ARPTHA", p.ARPTHA, [6]byte{})
				eq(t, "ARPTPA", p.ARPTPA, ip4B)
			}},
		{name: "header truncated", link: LinkEthernet, frame: eth(0x0806, arpPkt(1)[:7]), want: errStatus(CauseARPTruncated)},
		{name: "addresses truncated", link: LinkEthernet, frame: eth(0x0806, arpPkt(2)[:27]), want: errStatus(CauseARPTruncated)},
		{name: "IEEE 802 hardware", link: LinkEthernet, frame: eth(0x0806, cat(be16(6), arpPkt(1)[2:])), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3Other)
				eq(t, "EtherType", p.EtherType, 0x0806)
				eq(t, "Payload length", len(p.Payload), 28)
			}},
	})
}

func TestIPv4(t *testing.T) {
	seg := tcpSeg(TCPSyn, nil, nil)
	withByte := func(pkt []byte, i int, v byte) []byte { pkt = cat(pkt); pkt[i] = v; return pkt }
	withLen := func(pkt []byte, n uint16) []byte { pkt = cat(pkt); binary.BigEndian.PutUint16(pkt[2:], n); return pkt }
	tcp4 := ipv4Pkt(ProtoTCP, seg)
	opts := []byte{0x94, 0x04, 0, 0} // router alert
	runCases(t, []frameCase{
		{name: "header truncated", link: LinkEthernet, frame: eth(0x0800, tcp4[:19]), want: errStatus(CauseIPv4Truncated)},
		{name: "options truncated", link: LinkEthernet, frame: eth(0x0800, ipv4WithOpts(ProtoTCP, opts, seg)[:22]), want: errStatus(CauseIPv4Truncated)},
		{name: "version 6 under 0x0800", link: LinkEthernet, frame: eth(0x0800, withByte(tcp4, 0, 0x65)), want: errStatus(CauseIPv4BadHeader)},
		{name: "IHL below 5", link: LinkEthernet, frame: eth(0x0800, withByte(tcp4, 0, 0x44)), want: errStatus(CauseIPv4BadHeader)},
		{name: "total length below header", link: LinkEthernet, frame: eth(0x0800, withLen(tcp4, 19)), want: errStatus(CauseIPv4BadHeader)},
		{name: "options", link: LinkEthernet, frame: eth(0x0800, ipv4WithOpts(ProtoTCP, opts, seg)), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "IPHdrLen", p.IPHdrLen, 24)
				eqBytes(t, "IPOptions", p.IPOptions, opts)
				eq(t, "Flags", p.Flags, TCPSyn)
			}},
		{name: "TSO zero total length", link: LinkEthernet, frame: eth(0x0800, withLen(tcp4, 0)), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "IPLen", p.IPLen, 40)
				eq(t, "Flags", p.Flags, TCPSyn)
			}},
		{name: "snap length shorter than datagram", link: LinkEthernet, frame: eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPAck, nil, seq(0, 1000))))[:64], wire: 1054, want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "IPLen", p.IPLen, 1040)
				eq(t, "TCPHdrLen", p.TCPHdrLen, 20)
				eqBytes(t, "Payload (as captured)", p.Payload, seq(0, 10))
				eq(t, "L3Payload", len(p.L3Payload), 30)
			}},
		{name: "total length beyond the wire", link: LinkEthernet, frame: eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPAck, nil, seq(0, 100))))[:64], wire: 64, want: errStatus(CauseIPv4BadLength),
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3IPv4)
				eq(t, "IPLen", p.IPLen, 140)
				eq(t, "SrcPort (not decoded)", p.SrcPort, 0)
			}},
		{name: "wire length below the capture counts as the capture", link: LinkEthernet, frame: eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPAck, nil, seq(0, 100))))[:64], wire: 1, want: errStatus(CauseIPv4BadLength)},
		{name: "other protocol (IGMP)", link: LinkEthernet, frame: pad(eth(0x0800, ipv4Pkt(2, []byte{0x16, 0, 0xfa, 0x04, 224, 0, 0, 251}))), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "Proto", p.Proto, 2)
				eqBytes(t, "L3Payload", p.L3Payload, []byte{0x16, 0, 0xfa, 0x04, 224, 0, 0, 251})
				eq(t, "Payload", len(p.Payload), 0)
			}},
	})
}

func TestTransport(t *testing.T) {
	ip4 := func(proto uint8, seg []byte) []byte { return eth(0x0800, ipv4Pkt(proto, seg)) }
	setUDPLen := func(seg []byte, n uint16) []byte { seg = cat(seg); binary.BigEndian.PutUint16(seg[4:], n); return seg }
	setOffset := func(seg []byte, words byte) []byte { seg = cat(seg); seg[12] = words << 4; return seg }
	opts := seq(1, 12)
	runCases(t, []frameCase{
		{name: "TCP truncated", link: LinkEthernet, frame: ip4(ProtoTCP, tcpSeg(TCPSyn, nil, nil))[:14+20+19], wire: 54, want: errStatus(CauseTCPTruncated)},
		{name: "TCP offset below 5", link: LinkEthernet, frame: ip4(ProtoTCP, setOffset(tcpSeg(TCPSyn, nil, nil), 4)), want: errStatus(CauseTCPBadOffset)},
		{name: "TCP offset beyond segment", link: LinkEthernet, frame: ip4(ProtoTCP, setOffset(tcpSeg(TCPSyn, nil, seq(0, 8)), 8)), want: errStatus(CauseTCPBadOffset)},
		{name: "TCP options cut by snap length", link: LinkEthernet, frame: ip4(ProtoTCP, tcpSeg(TCPSyn, opts, nil))[:14+20+26], wire: 14 + 20 + 32, want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "TCPHdrLen", p.TCPHdrLen, 32)
				eqBytes(t, "TCPOpts", p.TCPOpts, opts[:6])
				eq(t, "Payload", len(p.Payload), 0)
				eq(t, "Flags", p.Flags, TCPSyn)
			}},
		{name: "UDP truncated", link: LinkEthernet, frame: ip4(ProtoUDP, udpDgram(nil))[:14+20+7], wire: 60, want: errStatus(CauseUDPTruncated)},
		{name: "UDP length below 8", link: LinkEthernet, frame: ip4(ProtoUDP, setUDPLen(udpDgram([]byte("x")), 7)), want: errStatus(CauseUDPBadLength)},
		{name: "UDP length beyond IP payload", link: LinkEthernet, frame: ip4(ProtoUDP, setUDPLen(udpDgram([]byte("abcd")), 100)), want: OK,
			check: func(t *testing.T, p *Packet) { eqBytes(t, "Payload", p.Payload, []byte("abcd")) }},
		{name: "UDP length inside IP payload", link: LinkEthernet, frame: ip4(ProtoUDP, setUDPLen(udpDgram([]byte("abcd")), 10)), want: OK,
			check: func(t *testing.T, p *Packet) { eqBytes(t, "Payload", p.Payload, []byte("ab")) }},
		{name: "UDP zero length over IPv6 (jumbogram rule)", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(ProtoUDP, setUDPLen(udpDgram([]byte("abc")), 0))), want: OK,
			check: func(t *testing.T, p *Packet) { eqBytes(t, "Payload", p.Payload, []byte("abc")) }},
		{name: "UDP zero length over IPv4", link: LinkEthernet, frame: ip4(ProtoUDP, setUDPLen(udpDgram([]byte("abc")), 0)), want: errStatus(CauseUDPBadLength)},
		{name: "ICMP echo", link: LinkEthernet, frame: ip4(ProtoICMP, icmpMsg(8, 0, []byte{0, 1, 0, 2, 'p', 'i', 'n', 'g'})), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "ICMPType", p.ICMPType, 8)
				eq(t, "ICMPCode", p.ICMPCode, 0)
				eqBytes(t, "Payload", p.Payload, []byte{0, 1, 0, 2, 'p', 'i', 'n', 'g'})
			}},
		{name: "ICMP unreachable", link: LinkEthernet, frame: ip4(ProtoICMP, icmpMsg(3, 3, nil)), want: OK,
			check: func(t *testing.T, p *Packet) { eq(t, "ICMPType", p.ICMPType, 3); eq(t, "ICMPCode", p.ICMPCode, 3) }},
		{name: "ICMP truncated", link: LinkEthernet, frame: ip4(ProtoICMP, []byte{8, 0, 0}), want: errStatus(CauseICMPTruncated)},
		{name: "ICMPv6 neighbour solicitation", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(ProtoICMPv6, icmpMsg(135, 0, make([]byte, 20)))), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "ICMPType", p.ICMPType, 135)
				eq(t, "Payload", len(p.Payload), 20)
			}},
		{name: "ICMPv6 truncated", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(ProtoICMPv6, []byte{128})), want: errStatus(CauseICMPv6Truncated)},
	})
}

func TestIPv6(t *testing.T) {
	udp := udpDgram([]byte("opc"))
	tcp := tcpSeg(TCPAck, nil, []byte("s7"))
	set := func(pkt []byte, i int, v byte) []byte { pkt = cat(pkt); pkt[i] = v; return pkt }
	ah := cat([]byte{ProtoTCP, 4, 0, 0}, make([]byte, 20)) // (4+2)*4 = 24 bytes
	runCases(t, []frameCase{
		{name: "plain UDP", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(ProtoUDP, udp)), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3IPv6)
				eq(t, "SrcIP", p.SrcIP, ip6A)
				eq(t, "DstIP", p.DstIP, ip6B)
				eq(t, "TTL", p.TTL, 255)
				eq(t, "TOS", p.TOS, 0x2e)
				eq(t, "FlowLabel", p.FlowLabel, 0x12345)
				eq(t, "IPLen", p.IPLen, 40+len(udp))
				eq(t, "IPHdrLen", p.IPHdrLen, 40)
				eq(t, "Proto", p.Proto, ProtoUDP)
				eqBytes(t, "Payload", p.Payload, []byte("opc"))
			}},
		{name: "padding trimmed", link: LinkEthernet, frame: pad(eth(0x86dd, ipv6Pkt(59, nil))), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "Proto", p.Proto, 59)
				eq(t, "L3Payload", len(p.L3Payload), 0)
			}},
		{name: "hop-by-hop then ICMPv6 (MLD)", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhHopByHop, cat(ext6(ProtoICMPv6, 8), icmpMsg(143, 0, make([]byte, 4))))), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "Proto", p.Proto, ProtoICMPv6)
				eq(t, "IPHdrLen", p.IPHdrLen, 48)
				eq(t, "ICMPType", p.ICMPType, 143)
			}},
		{name: "routing, destination options, TCP", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhRouting, cat(ext6(nhDestOpts, 24), ext6(ProtoTCP, 8), tcp))), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "Proto", p.Proto, ProtoTCP)
				eq(t, "IPHdrLen", p.IPHdrLen, 72)
				eqBytes(t, "Payload", p.Payload, []byte("s7"))
			}},
		{name: "AH then TCP", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhAH, cat(ah, tcp))), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "IPHdrLen", p.IPHdrLen, 64)
				eq(t, "SrcPort", p.SrcPort, 502)
			}},
		{name: "ESP stops the walk", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhHopByHop, cat(ext6(50, 8), []byte{0, 0, 1, 0, 0, 0, 0, 1}))), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "Proto", p.Proto, 50)
				eq(t, "IPHdrLen", p.IPHdrLen, 48)
				eqBytes(t, "L3Payload", p.L3Payload, []byte{0, 0, 1, 0, 0, 0, 0, 1})
			}},
		{name: "atomic fragment", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhFragment, cat(fragHdr6(ProtoUDP, 0, false, 0xcafe), udp))), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "IPID", p.IPID, 0xcafe)
				eq(t, "Proto", p.Proto, ProtoUDP)
				eq(t, "Reassembled", p.Reassembled, false)
				eqBytes(t, "Payload", p.Payload, []byte("opc"))
			}},
		{name: "header truncated", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(ProtoUDP, udp)[:39]), want: errStatus(CauseIPv6Truncated)},
		{name: "payload length beyond the wire", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(ProtoUDP, udp))[:14+40+8], want: errStatus(CauseIPv6BadLength),
			check: func(t *testing.T, p *Packet) { eq(t, "IPLen", p.IPLen, 40+len(udp)) }},
		{name: "snap length shorter than payload", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(ProtoUDP, udp))[:14+40+8], wire: 14 + 40 + len(udp), want: OK,
			check: func(t *testing.T, p *Packet) { eq(t, "DstPort", p.DstPort, 2222); eq(t, "Payload", len(p.Payload), 0) }},
		{name: "version 4 under 0x86dd", link: LinkEthernet, frame: eth(0x86dd, set(ipv6Pkt(ProtoUDP, udp), 0, 0x46)), want: errStatus(CauseIPv6BadHeader)},
		{name: "extension beyond payload length", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhHopByHop, cat(ext6(ProtoUDP, 8), udp)[:6])), want: errStatus(CauseIPv6ExtBad)},
		{name: "extension length beyond payload", link: LinkEthernet, frame: eth(0x86dd, set(ipv6Pkt(nhDestOpts, cat(ext6(ProtoUDP, 8), udp)), 41, 9)), want: errStatus(CauseIPv6ExtBad)},
		{name: "options header beyond payload", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhDestOpts, []byte{ProtoUDP})), want: errStatus(CauseIPv6ExtBad)},
		{name: "options header cut by snap length", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhDestOpts, cat(ext6(ProtoUDP, 8), udp)))[:55], wire: 14 + 40 + 8 + 11, want: errStatus(CauseIPv6Truncated)},
		{name: "AH beyond payload", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhAH, []byte{ProtoTCP})), want: errStatus(CauseIPv6ExtBad)},
		{name: "AH length beyond payload", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhAH, cat(ah[:12], tcp[:4]))), want: errStatus(CauseIPv6ExtBad)},
		{name: "fragment header beyond payload", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhFragment, []byte{17, 0, 0, 1})), want: errStatus(CauseIPv6ExtBad)},
		{name: "extension cut by snap length", link: LinkEthernet, frame: eth(0x86dd, ipv6Pkt(nhRouting, cat(ext6(ProtoUDP, 24), udp)))[:14+40+16], wire: 14 + 40 + 24 + 11, want: errStatus(CauseIPv6Truncated),
			check: func(t *testing.T, p *Packet) { eq(t, "L3", p.L3, L3IPv6) }},
	})
}
