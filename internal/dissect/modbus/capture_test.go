package modbus_test

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/modbus"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestIdentityCapture checks the one Read Device Identification response
// with objects in the shared captures (tshark: modbus.object_id 0,1,2 =
// "Zeek Modbus Test", "Protocol Parsing is fun!", "1.2.3.6", from
// 127.0.0.1:502 with an all-zero MAC). modbus-eit.pcap's response holds no
// objects and gives no record.
func TestIdentityCapture(t *testing.T) {
	reg, err := dissect.NewRegistry(modbus.Spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		want []record.AssetID
	}{
		{"modbus/modbus_example.pcap", []record.AssetID{{
			IP: netip.MustParseAddr("127.0.0.1"), Protocol: "modbus", Message: "Read Device Identification",
			Vendor: "Zeek Modbus Test", Product: "Protocol Parsing is fun!", Firmware: "1.2.3.6", Count: 1,
		}}},
		{"modbus/modbus-eit.pcap", nil},
	} {
		res, err := sensortest.Run(reg, pcaptest.Path(t, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		var got []record.AssetID
		for _, r := range res.Records {
			if a, ok := r.(*record.AssetID); ok {
				c := *a
				c.TS = 0
				got = append(got, c)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: asset_id records %+v, want %+v", tc.file, got, tc.want)
		}
	}
}

// seedFiles are the captures whose payloads seed the fuzzer and feed the
// benchmark.
var seedFiles = []string{
	"modbus/modbus_example.pcap", "modbus/MODBUS-TestDataPart1.pcap", "modbus/modicon_test.pcap",
	"modbus/4SICS-GeekLounge-151022-min.pcap",
}

func FuzzParse(f *testing.F) {
	for _, file := range seedFiles {
		for _, ch := range capturePayloads(f, file) {
			f.Add(ch.Data, uint8(ch.Dir), uint16(len(ch.Data)/2))
		}
	}
	f.Add(mbap(1, 1, 43, 14, 1, 0, 0, 0, 2, 0, 3, 'a', 'b', 'c', 4, 200, 'x'), uint8(1), uint16(3))
	f.Fuzz(func(t *testing.T, b []byte, dir uint8, cut uint16) {
		modbus.Detect(dissect.Dir(dir&1), b)
		// As TCP: in two chunks in one direction, then whole in the other.
		ep := tcpEp()
		p := modbus.Spec.New()
		ctx := &dissect.Context{Dir: dissect.Dir(dir & 1), Ep: ep, Out: nopEmitter{}}
		k := int(cut) % (len(b) + 1)
		p.Parse(ctx, b[:k])
		p.Parse(ctx, b[k:])
		ctx.Dir ^= 1
		p.Parse(ctx, b)
		p.(dissect.GapParser).Gap(ctx, 10)
		p.Parse(ctx, b)
		// As UDP datagrams.
		ep2 := tcpEp()
		ep2.Transport = dissect.UDP
		p = modbus.Spec.New()
		ctx = &dissect.Context{Dir: dissect.Dir(dir & 1), Ep: ep2, Out: &collector{}}
		p.Parse(ctx, b)
		ctx.Dir ^= 1
		p.Parse(ctx, b)
	})
}

// BenchmarkParse replays the payloads of mb2.pcap's Modbus connections (a
// plant poller: reads and writes of coils and registers) through one warm
// parser, as on a long-lived polling connection, and reports the cost per
// message.
func BenchmarkParse(b *testing.B) {
	chunks := capturePayloads(b, "modbus/mb2.pcap")
	dissecttest.Replay(b, modbus.Spec, tcpEp(), chunks)
}
