package decode

import (
	"encoding/binary"
	"testing"
)

func TestLinkLayers(t *testing.T) {
	udp := ipv4Pkt(ProtoUDP, udpDgram([]byte("cip-io")))
	udp6 := ipv6Pkt(ProtoUDP, udpDgram([]byte("dhcpv6")))
	isUDP4 := func(t *testing.T, p *Packet) {
		t.Helper()
		eq(t, "L3", p.L3, L3IPv4)
		eq(t, "SrcIP", p.SrcIP, ip4A)
		eq(t, "DstPort", p.DstPort, 2222)
		eqBytes(t, "Payload", p.Payload, []byte("cip-io"))
	}
	isUDP6 := func(t *testing.T, p *Packet) {
		t.Helper()
		eq(t, "L3", p.L3, L3IPv6)
		eq(t, "DstIP", p.DstIP, ip6B)
		eq(t, "SrcPort", p.SrcPort, 44818)
		eqBytes(t, "Payload", p.Payload, []byte("dhcpv6"))
	}
	noEth := func(check func(*testing.T, *Packet)) func(*testing.T, *Packet) {
		return func(t *testing.T, p *Packet) {
			t.Helper()
			eq(t, "HasEth", p.HasEth, false)
			eq(t, "SrcMAC", p.SrcMAC, [6]byte{})
			check(t, p)
		}
	}
	sll := func(pktType uint16, addrLen uint16, proto uint16, payload []byte) []byte {
		addr := make([]byte, 8)
		copy(addr, macA[:])
		return cat(be16(pktType), be16(1), be16(addrLen), addr, be16(proto), payload)
	}
	sll2 := func(proto uint16, pktType, addrLen byte, payload []byte) []byte {
		addr := make([]byte, 8)
		copy(addr, macA[:])
		return cat(be16(proto), be16(0), be32(3), be16(1), []byte{pktType, addrLen}, addr, payload)
	}
	le32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

	runCases(t, []frameCase{
		{name: "ethernet truncated", link: LinkEthernet, frame: ethHdr(0x0800)[:13], want: errStatus(CauseEthTruncated)},
		{name: "ethernet padding trimmed", link: LinkEthernet, frame: pad(eth(0x0800, udp)), want: OK,
			check: func(t *testing.T, p *Packet) {
				isUDP4(t, p)
				eq(t, "IPLen", p.IPLen, len(udp))
				eq(t, "WireLen", p.WireLen, 60)
			}},
		{name: "ethernet non-IP ethertype", link: LinkEthernet, frame: eth(0x8892, []byte{0xfe, 0xfe, 5, 0}), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3Other)
				eq(t, "EtherType", p.EtherType, 0x8892)
				eqBytes(t, "Payload", p.Payload, []byte{0xfe, 0xfe, 5, 0})
			}},
		{name: "802.1Q", link: LinkEthernet, frame: cat(macB[:], macA[:], vlanTag(0x8100, 100, 0x0800), udp), want: OK,
			check: func(t *testing.T, p *Packet) {
				isUDP4(t, p)
				eq(t, "NVLAN", p.NVLAN, 1)
				eq(t, "VLANs", p.VLANs, [2]uint16{100, 0})
				eq(t, "EtherType", p.EtherType, 0x0800)
			}},
		{name: "802.1ad QinQ", link: LinkEthernet, frame: cat(macB[:], macA[:], vlanTag(0x88a8, 4000, 0x8100), be16(5<<13|12), be16(0x86dd), udp6), want: OK,
			check: func(t *testing.T, p *Packet) {
				isUDP6(t, p)
				eq(t, "NVLAN", p.NVLAN, 2)
				eq(t, "VLANs", p.VLANs, [2]uint16{4000, 12})
			}},
		{name: "0x9100 with three tags", link: LinkEthernet,
			frame: cat(macB[:], macA[:], vlanTag(0x9100, 7, 0x8100), be16(8), be16(0x8100), be16(9), be16(0x0806), arpPkt(1)), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3ARP)
				eq(t, "NVLAN", p.NVLAN, 3)
				eq(t, "VLANs", p.VLANs, [2]uint16{7, 8})
			}},
		{name: "VLAN truncated", link: LinkEthernet, frame: cat(macB[:], macA[:], be16(0x8100), be16(100)), want: errStatus(CauseVLANTruncated)},
		{name: "802.3 LLC (STP)", link: LinkEthernet, frame: pad(cat(macB[:], macA[:], be16(7), []byte{0x42, 0x42, 0x03, 0, 0, 0, 0})), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3Other)
				eq(t, "LLC", p.LLC, true)
				eq(t, "DSAP", p.DSAP, 0x42)
				eq(t, "SSAP", p.SSAP, 0x42)
				eq(t, "EtherType", p.EtherType, 0)
				eqBytes(t, "Payload (padding cut by the length)", p.Payload, []byte{0, 0, 0, 0})
			}},
		{name: "802.3 LLC I-format two-byte control", link: LinkEthernet, frame: cat(macB[:], macA[:], be16(6), []byte{0xf0, 0xf0, 0x00, 0x02, 0xaa, 0xbb}), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "DSAP", p.DSAP, 0xf0)
				eqBytes(t, "Payload", p.Payload, []byte{0xaa, 0xbb})
			}},
		{name: "802.3 LLC truncated", link: LinkEthernet, frame: cat(macB[:], macA[:], be16(2), []byte{0x42, 0x42}), want: errStatus(CauseLLCTruncated)},
		{name: "802.3 LLC I-format truncated", link: LinkEthernet, frame: cat(macB[:], macA[:], be16(3), []byte{0xf0, 0xf0, 0x00}), want: errStatus(CauseLLCTruncated)},
		{name: "SNAP RFC 1042 IPv4", link: LinkEthernet, frame: cat(macB[:], macA[:], be16(uint16(8+len(udp))), []byte{0xaa, 0xaa, 3, 0, 0, 0}, be16(0x0800), udp), want: OK,
			check: func(t *testing.T, p *Packet) {
				isUDP4(t, p)
				eq(t, "LLC", p.LLC, true)
				eq(t, "SNAPOUI", p.SNAPOUI, 0)
				eq(t, "SNAPPID", p.SNAPPID, 0x0800)
				eq(t, "EtherType", p.EtherType, 0x0800)
			}},
		{name: "SNAP Cisco CDP", link: LinkEthernet, frame: cat(macB[:], macA[:], be16(10), []byte{0xaa, 0xaa, 3, 0, 0, 0x0c}, be16(0x2000), []byte{2, 180}), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3Other)
				eq(t, "SNAPOUI", p.SNAPOUI, 0x00000c)
				eq(t, "SNAPPID", p.SNAPPID, 0x2000)
				eq(t, "EtherType", p.EtherType, 0)
				eqBytes(t, "Payload", p.Payload, []byte{2, 180})
			}},
		{name: "SNAP with length PID is not nested", link: LinkEthernet, frame: cat(macB[:], macA[:], be16(12), []byte{0xaa, 0xaa, 3, 0, 0, 0}, be16(0x8100), be16(1), be16(40)), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3Other)
				eq(t, "NVLAN", p.NVLAN, 1)
			}},
		{name: "SNAP truncated", link: LinkEthernet, frame: cat(macB[:], macA[:], be16(5), []byte{0xaa, 0xaa, 3, 0, 0}), want: errStatus(CauseLLCTruncated)},

		{name: "SLL IPv4 with MAC", link: LinkSLL, frame: sll(3, 6, 0x0800, udp), want: OK,
			check: func(t *testing.T, p *Packet) {
				isUDP4(t, p)
				eq(t, "HasEth", p.HasEth, true)
				eq(t, "SrcMAC", p.SrcMAC, macA)
				eq(t, "SLLType", p.SLLType, 3)
				eq(t, "EtherType", p.EtherType, 0x0800)
			}},
		{name: "SLL outgoing without MAC", link: LinkSLL, frame: sll(4, 0, 0x86dd, udp6), want: OK,
			check: noEth(func(t *testing.T, p *Packet) { isUDP6(t, p); eq(t, "SLLType", p.SLLType, 4) })},
		{name: "SLL 802.2 LLC", link: LinkSLL, frame: sll(1, 6, 4, []byte{0x42, 0x42, 3, 0, 0}), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3Other)
				eq(t, "DSAP", p.DSAP, 0x42)
			}},
		{name: "SLL VLAN", link: LinkSLL, frame: sll(0, 6, 0x8100, cat(be16(55), be16(0x0800), udp)), want: OK,
			check: func(t *testing.T, p *Packet) { isUDP4(t, p); eq(t, "VLANs[0]", p.VLANs[0], 55) }},
		{name: "SLL CAN", link: LinkSLL, frame: sll(0, 0, 0x000c, []byte{1, 2}), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3Other)
				eqBytes(t, "Payload", p.Payload, []byte{1, 2})
			}},
		{name: "SLL netlink", link: LinkSLL, frame: cat(be16(4), be16(824), be16(0), make([]byte, 8), be16(0x0800), udp), want: OK,
			check: func(t *testing.T, p *Packet) { eq(t, "L3", p.L3, L3Other) }},
		{name: "SLL truncated", link: LinkSLL, frame: sll(0, 6, 0x0800, nil)[:15], want: errStatus(CauseSLLTruncated)},
		{name: "SLL2 IPv6", link: LinkSLL2, frame: sll2(0x86dd, 2, 6, udp6), want: OK,
			check: func(t *testing.T, p *Packet) {
				isUDP6(t, p)
				eq(t, "SrcMAC", p.SrcMAC, macA)
				eq(t, "SLLType", p.SLLType, 2)
			}},
		{name: "SLL2 truncated", link: LinkSLL2, frame: sll2(0x86dd, 2, 6, nil)[:19], want: errStatus(CauseSLLTruncated)},

		{name: "NULL little-endian IPv4", link: LinkNull, frame: cat(le32(2), udp), want: OK, check: noEth(isUDP4)},
		{name: "NULL big-endian IPv4", link: LinkNull, frame: cat(be32(2), udp), want: OK, check: noEth(isUDP4)},
		{name: "NULL IPv6 BSD", link: LinkNull, frame: cat(le32(24), udp6), want: OK, check: noEth(isUDP6)},
		{name: "NULL IPv6 FreeBSD", link: LinkNull, frame: cat(le32(28), udp6), want: OK, check: noEth(isUDP6)},
		{name: "NULL IPv6 Darwin", link: LinkNull, frame: cat(be32(30), udp6), want: OK, check: noEth(isUDP6)},
		{name: "NULL other family", link: LinkNull, frame: cat(le32(7), []byte{9}), want: OK,
			check: func(t *testing.T, p *Packet) { eq(t, "L3", p.L3, L3Other); eqBytes(t, "Payload", p.Payload, []byte{9}) }},
		{name: "NULL truncated", link: LinkNull, frame: []byte{2, 0, 0}, want: errStatus(CauseNullTruncated)},
		{name: "LOOP IPv4", link: LinkLoop, frame: cat(be32(2), udp), want: OK, check: noEth(isUDP4)},
		{name: "LOOP truncated", link: LinkLoop, frame: []byte{0}, want: errStatus(CauseNullTruncated)},

		{name: "PPP HDLC IPv4", link: LinkPPPHDLC, frame: cat([]byte{0xff, 0x03}, be16(0x0021), udp), want: OK, check: noEth(isUDP4)},
		{name: "PPP IPv6 without address/control", link: LinkPPP, frame: cat(be16(0x0057), udp6), want: OK, check: noEth(isUDP6)},
		{name: "PPP compressed protocol", link: LinkPPP, frame: cat([]byte{0x21}, udp), want: OK, check: noEth(isUDP4)},
		{name: "PPP LCP", link: LinkPPP, frame: cat([]byte{0xff, 0x03}, be16(0xc021), []byte{1, 1}), want: OK,
			check: func(t *testing.T, p *Packet) {
				eq(t, "L3", p.L3, L3Other)
				eqBytes(t, "Payload", p.Payload, []byte{1, 1})
			}},
		{name: "PPP truncated", link: LinkPPP, frame: []byte{0xff, 0x03}, want: errStatus(CausePPPTruncated)},
		{name: "PPP truncated protocol", link: LinkPPPHDLC, frame: []byte{0xff, 0x03, 0x00}, want: errStatus(CausePPPTruncated)},

		{name: "raw IPv4", link: LinkRaw, frame: udp, want: OK, check: noEth(isUDP4)},
		{name: "raw IPv6", link: LinkRaw, frame: udp6, want: OK, check: noEth(isUDP6)},
		{name: "raw DLT 12", link: LinkRawBSD, frame: udp, want: OK, check: noEth(isUDP4)},
		{name: "raw DLT 14", link: LinkRawOBSD, frame: udp6, want: OK, check: noEth(isUDP6)},
		{name: "raw bad version", link: LinkRaw, frame: cat([]byte{0x50}, udp[1:]), want: errStatus(CauseIPBadVersion)},
		{name: "raw empty", link: LinkRaw, frame: nil, want: errStatus(CauseIPBadVersion)},
		{name: "IPv4 link", link: LinkIPv4, frame: udp, want: OK, check: noEth(isUDP4)},
		{name: "IPv6 link", link: LinkIPv6, frame: udp6, want: OK, check: noEth(isUDP6)},
		{name: "IPv4 link carrying IPv6", link: LinkIPv4, frame: udp6, want: errStatus(CauseIPv4BadHeader)},
		{name: "unsupported link", link: 127, frame: udp, want: errStatus(CauseLinkUnsupported)},
	})
}
