package s7comm_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/s7comm"
)

// seeds are TCP payloads of the shared captures (s7ident.pcap,
// snap7_s300_everything.pcapng, S7-1511-opc-request-all-types.pcap,
// iec61850_get_name_list.pcap) and hand-made edge cases.
var seeds = []string{
	"0300001611e00000000100c0010ac1020100c2020102",
	"0300001902f08032010000000000080000f0000001000101e0",
	"0300002302f080320100001d000012000028000000000000fd00024550055f4d4f4455",
	"0300002102f0803201000035000010000029000000000009505f50524f4752414d",
	"0300002902f080320300000a00000200140000040501ff0400100000000000000000000000000000",
	"0300001d02f080320700000700000800080001120411440100ff09000400110000",
	"0300001902f0803202000006000000000000d241",
	"0300001a02f080720200113200000542000000023400000000007202",
	"0300002f02f08072030020" + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff" + "33",
	"0300002402f0800100010061173015020103a010a00e020100a109a003800100a1028000",
	"0300001902f08001000100610c300a020103a005a103020100",
	"0300002f02f080a8268002001f81010382010383020808a416800101810305e800820c03ffffffffffffffffffffff",
	"0300000702f000",
	"03000016",
}

func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(unhexF(s)), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		s7comm.Detect(dissect.FromOrig, data)
		p := s7comm.NewParser()
		ctx := &dissect.Context{Ep: testEp, Out: nopEmitter{}}
		k := int(split)
		if k > len(data) {
			k = len(data)
		}
		ctx.Dir = dissect.FromOrig
		p.Parse(ctx, data[:k])
		p.Parse(ctx, data[k:])
		ctx.Dir = dissect.FromResp
		p.Parse(ctx, data)
		p.Gap(ctx, 10)
		p.Parse(ctx, data)
		// As a TSDU on its own, whatever its first octet.
		n := len(data) + 7
		if n <= 0xffff {
			pkt := append([]byte{3, 0, byte(n >> 8), byte(n), 2, 0xf0, 0x80}, data...)
			p.Parse(ctx, pkt)
		}
	})
}

func unhexF(s string) string {
	b := make([]byte, len(s)/2)
	for i := range b {
		b[i] = fromHex(s[2*i])<<4 | fromHex(s[2*i+1])
	}
	return string(b)
}

func fromHex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return 0
}

// BenchmarkParse measures a read-var job/ack-data exchange: 2 messages per
// iteration.
func BenchmarkParse(b *testing.B) {
	job := tpkt(b, "32 01 0000 0100 000e 0000 04 01 12 0a 10 02 0004 0001 84 000000")
	ack := tpkt(b, "32 03 0000 0100 0002 0008 0000 04 01 ff 04 0020 01020304")
	p := s7comm.NewParser()
	co := &dissect.Context{Dir: dissect.FromOrig, Ep: testEp, Out: nopEmitter{}}
	cr := &dissect.Context{Dir: dissect.FromResp, Ep: testEp, Out: nopEmitter{}}
	b.ReportAllocs()
	for b.Loop() {
		p.Parse(co, job)
		p.Parse(cr, ack)
	}
}

// TestNoAllocs: after warm-up (the detail cache), S7comm, S7comm-plus and
// MMS messages cost no allocation.
func TestNoAllocs(t *testing.T) {
	pkts := [][]byte{
		tpkt(t, "32 01 0000 0100 000e 0000 04 01 12 0a 10 02 0004 0001 84 000000"),
		tpkt(t, "32 07 0000 0700 0008 0008 0001 12 04 11 44 01 00 ff 09 0004 0011 0000"),
		tpkt(t, "72 02 0011 31 0000 054c 0000 0002 00000386 34 00 7202 0000"),
		tpkt(t, "0100 0100 61 17 3015 020103 a010 a00e 020100 a109 a003 800100 a102 8000"),
	}
	p := s7comm.NewParser()
	ctx := &dissect.Context{Dir: dissect.FromOrig, Ep: testEp, Out: nopEmitter{}}
	for _, b := range pkts {
		p.Parse(ctx, b)
	}
	n := testing.AllocsPerRun(100, func() {
		for _, b := range pkts {
			p.Parse(ctx, b)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per 4 messages", n)
	}
}
