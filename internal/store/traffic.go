package store

import (
	"context"
	"net/netip"
	"time"
)

// Traffic answers traffic questions from the rollups maintained on ingest,
// never from raw records. Every method picks the coarsest rollup table that
// answers the question.
type Traffic interface {
	// TrafficSeries returns one time series per group (a single series for
	// GroupTotal), the groups with the most bytes first.
	TrafficSeries(ctx context.Context, s Scope, q TrafficQuery) (TrafficResult, error)
	// TopPairs ranks device pairs (initiator → responder) over q's range.
	TopPairs(ctx context.Context, s Scope, q TopQuery) ([]Ranked, error)
	// TopServices ranks services (transport and responder port).
	TopServices(ctx context.Context, s Scope, q TopQuery) ([]Ranked, error)
	// TopDevices ranks devices by what they sent and received.
	TopDevices(ctx context.Context, s Scope, q TopQuery) ([]Ranked, error)
	// DeviceStats5m returns the 5-minute statistics of one device of one
	// sensor in [from, to), oldest first; buckets without traffic are absent.
	DeviceStats5m(ctx context.Context, s Scope, sensor SensorID, d Device, from, to time.Time) ([]DeviceStats, error)
	// PairHourly returns hourly volumes per device pair in q's range, oldest
	// first.
	PairHourly(ctx context.Context, s Scope, q PairQuery) ([]PairHour, error)
}

// Device is an address on one VLAN of a sensor: plants reuse address ranges
// on different VLANs, so the IP alone does not name a device.
type Device struct {
	VLAN uint16
	IP   netip.Addr
}

// GroupBy chooses what a traffic series is split by.
type GroupBy string

// Traffic groupings.
const (
	GroupTotal   GroupBy = "total"   // one series
	GroupPair    GroupBy = "pair"    // per (sensor, vlan, orig, resp)
	GroupService GroupBy = "service" // per (sensor, proto, resp port)
	GroupDevice  GroupBy = "device"  // per (sensor, vlan, ip), sent + received
)

// Rollup steps.
const (
	StepMinute = time.Minute
	StepHour   = time.Hour
)

// TrafficQuery selects a traffic time series.
type TrafficQuery struct {
	Sensor  SensorID  // 0: every sensor of the tenant
	From    time.Time // inclusive
	To      time.Time // exclusive
	Step    time.Duration
	GroupBy GroupBy // "" means GroupTotal
	Device  *Device // only traffic to or from this device (needs Sensor for an exact match, else any sensor)
	Limit   int     // most series returned (by bytes); 0 means 10
}

// Volume is traffic in both directions of a key; for devices Orig is what the
// device sent and Resp what it received.
type Volume struct {
	OrigBytes uint64 // IP bytes sent by the initiator
	RespBytes uint64
	OrigPkts  uint64
	RespPkts  uint64
	Conns     uint64 // connections started
}

// Bytes is the total in both directions.
func (v Volume) Bytes() uint64 { return v.OrigBytes + v.RespBytes }

// Packets is the total in both directions.
func (v Volume) Packets() uint64 { return v.OrigPkts + v.RespPkts }

// Add adds o to v.
func (v *Volume) Add(o Volume) {
	v.OrigBytes += o.OrigBytes
	v.RespBytes += o.RespBytes
	v.OrigPkts += o.OrigPkts
	v.RespPkts += o.RespPkts
	v.Conns += o.Conns
}

// TrafficKey names what a series or ranking row is about; the fields that do
// not apply to its grouping are zero.
type TrafficKey struct {
	Sensor  SensorID
	VLAN    uint16
	Orig    netip.Addr // pair: initiator; device: the device
	Resp    netip.Addr // pair: responder
	Proto   string     // service: tcp, udp, icmp or an IP protocol keyword
	Port    uint16     // service: responder port
	Service string     // service: the name the sensor's dissectors gave, if any
}

// Point is one step of a series; Time is the step's start.
type Point struct {
	Time time.Time
	Volume
}

// Series is one group's time series; steps without traffic are absent.
type Series struct {
	Key    TrafficKey
	Total  Volume
	Points []Point
}

// TrafficResult is the answer to a TrafficQuery.
type TrafficResult struct {
	Step   time.Duration // the step actually used
	Series []Series
}

// Order chooses what a ranking sorts by.
type Order string

// Ranking orders.
const (
	ByBytes   Order = "bytes"
	ByPackets Order = "packets"
	ByConns   Order = "conns"
)

// TopQuery selects a ranking.
type TopQuery struct {
	Sensor SensorID // 0: every sensor
	From   time.Time
	To     time.Time
	By     Order // "" means ByBytes
	Limit  int   // 0 means 10
}

// Ranked is one row of a ranking.
type Ranked struct {
	Key TrafficKey
	Volume
}

// DeviceStats are the 5-minute summary statistics of one device (SPEC D1-5
// inputs). Bytes and packets are what the device sent (Out) and received
// (In); connections, peers, ports and protocols are by role: Out where the
// device initiated, In where it responded. Ports are responder ports;
// protocols are the service names the sensor gave (else the transport) and
// the OT protocols seen.
type DeviceStats struct {
	Time                time.Time
	BytesOut, BytesIn   uint64 // IP bytes
	PktsOut, PktsIn     uint64
	ConnsOut, ConnsIn   uint64 // connections started in the bucket
	PeersOut, PeersIn   int    // distinct peers
	PortsOut, PortsIn   int    // distinct responder ports
	ProtosOut, ProtosIn int    // distinct protocols
}

// PairQuery selects hourly pair volumes.
type PairQuery struct {
	Sensor SensorID // 0: every sensor
	From   time.Time
	To     time.Time
	Device *Device // only pairs with this device on either side
	Limit  int     // 0: no limit
}

// PairHour is one device pair's volume in one hour.
type PairHour struct {
	Time   time.Time
	Sensor SensorID
	VLAN   uint16
	Orig   netip.Addr
	Resp   netip.Addr
	Volume
}
