package sensor

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Summary is what `otsight analyze --summary` prints for one capture: how
// every frame was accounted for, which records came out, and which protocol
// messages were understood.
type Summary struct {
	File         string                   `json:"file"`
	Schema       int                      `json:"schema"`
	Frames       uint64                   `json:"frames"`
	Bytes        uint64                   `json:"bytes"` // wire length
	DecodeErrors map[string]uint64        `json:"decode_errors"`
	Records      map[string]uint64        `json:"records"`
	Protocols    map[string]*ProtoSummary `json:"protocols"`
	Accounting   Accounting               `json:"accounting"`
	Faults       map[string]uint64        `json:"dissector_faults,omitempty"`
	Error        string                   `json:"error,omitempty"` // damage that ended reading early
}

// ProtoSummary counts one protocol's messages: data units after reassembly,
// both directions (see docs/protocols.md for each protocol's unit).
type ProtoSummary struct {
	Messages  uint64            `json:"messages"`
	Errors    uint64            `json:"errors"`
	Functions map[string]uint64 `json:"functions"`
}

// Accounting says where every frame went. Frames equals ConnPackets +
// FlowPackets + ARPPackets + EthFrames + FragmentsHeld + Duplicates +
// DecodeErrors + Refused; neighbour-discovery frames are counted in
// ConnPackets only. Fragments of datagrams that never completed are decode
// errors (frag_timeout, frag_overlap, …); FragmentsDiscarded says how many.
type Accounting struct {
	ConnPackets        uint64 `json:"conn_packets"`
	FlowPackets        uint64 `json:"flow_packets"`
	ARPPackets         uint64 `json:"arp_packets"`
	EthFrames          uint64 `json:"eth_frames"`
	FragmentsHeld      uint64 `json:"fragments_held"`      // absorbed into a reassembled datagram
	FragmentsDiscarded uint64 `json:"fragments_discarded"` // of datagrams that never completed (in DecodeErrors)
	Duplicates         uint64 `json:"duplicates"`
	DecodeErrors       uint64 `json:"decode_errors"`
	Refused            uint64 `json:"refused"` // an aggregation table was full
}

// Balanced reports whether every frame is accounted for exactly once.
func (s *Summary) Balanced() bool {
	a := s.Accounting
	return s.Frames == a.ConnPackets+a.FlowPackets+a.ARPPackets+a.EthFrames+a.FragmentsHeld+
		a.Duplicates+a.DecodeErrors+a.Refused
}

func newSummary(file string) *Summary {
	return &Summary{
		File: file, Schema: record.SchemaVersion,
		DecodeErrors: map[string]uint64{}, Records: map[string]uint64{},
		Protocols: map[string]*ProtoSummary{}, Faults: map[string]uint64{},
	}
}

func (s *Summary) message(m *dissect.Message) {
	p := s.Protocols[m.Protocol]
	if p == nil {
		p = &ProtoSummary{Functions: map[string]uint64{}}
		s.Protocols[m.Protocol] = p
	}
	p.Messages++
	p.Functions[m.Code]++
	if m.Error {
		p.Errors++
	}
}

// record counts an emitted record; final conn records add their packets to
// the accounting, as do the per-minute arp, eth and flow rows.
func (s *Summary) record(r record.Record) {
	s.Records[string(r.RecordKind())]++
	switch v := r.(type) {
	case *record.Conn:
		s.Accounting.ConnPackets += v.OrigPkts + v.RespPkts
	case *record.Flow:
		s.Accounting.FlowPackets += v.Pkts
	case *record.ARP:
		s.Accounting.ARPPackets += v.Pkts
	case *record.Eth:
		s.Accounting.EthFrames += v.Frames
	}
}
