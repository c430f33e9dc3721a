package opcua_test

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/opcua"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestIdentityGetEndpoints checks opcua_with-gap_with-handshake.pcap: two
// GetEndpointsResponses from 192.168.224.102 describe open62541's default
// server (tshark: opcua.ApplicationUri "urn:open62541.server.application",
// opcua.ProductUri "http://open62541.org", ApplicationName text
// "open62541-based OPC UA Application", ApplicationType Server).
func TestIdentityGetEndpoints(t *testing.T) {
	reg, err := dissect.NewRegistry(opcua.Spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sensortest.Run(reg, filepath.Join(pcaptest.Dir(t), "opcua/opcua_with-gap_with-handshake.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	want := record.AssetID{MAC: record.MAC{0x00, 0x1d, 0x09, 0x99, 0xb2, 0x2c}, IP: netip.MustParseAddr("192.168.224.102"),
		Protocol: "opcua", Message: "GetEndpointsResponse", Product: "open62541-based OPC UA Application",
		Model: "http://open62541.org", Name: "urn:open62541.server.application", Role: "OPC UA server"}
	var n uint64
	for _, r := range res.Records {
		a, ok := r.(*record.AssetID)
		if !ok {
			continue
		}
		k := *a
		k.TS, k.Count = 0, 0
		if k != want {
			t.Errorf("unexpected identity %+v", *a)
			continue
		}
		n += a.Count
	}
	if n != 2 {
		t.Errorf("got %d GetEndpoints identities, want 2", n)
	}
}
