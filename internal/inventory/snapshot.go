package inventory

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"net/netip"
)

// snapshotVersion changes whenever the encoded state changes meaning.
const snapshotVersion = 1

type snapshot struct {
	Version int
	Sensors map[string]*sensorState
}

// Snapshot encodes the inventory's whole state (gob), for the server to
// persist; Restore reads it back.
func (inv *Inventory) Snapshot() ([]byte, error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(snapshot{Version: snapshotVersion, Sensors: inv.sensors}); err != nil {
		return nil, fmt.Errorf("inventory snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// Restore returns an inventory with the state of a Snapshot and the given
// configuration.
func Restore(cfg Config, b []byte) (*Inventory, error) {
	var s snapshot
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&s); err != nil {
		return nil, fmt.Errorf("inventory restore: %w", err)
	}
	if s.Version != snapshotVersion {
		return nil, fmt.Errorf("inventory restore: snapshot version %d, want %d", s.Version, snapshotVersion)
	}
	inv := New(cfg)
	for name, st := range s.Sensors {
		if st == nil {
			continue
		}
		st.fill()
		inv.sensors[name] = st
	}
	return inv, nil
}

// fill replaces the nil maps gob leaves for empty ones.
func (s *sensorState) fill() {
	if s.Devs == nil {
		s.Devs = make(map[ref]*dev)
	}
	if s.MACs == nil {
		s.MACs = make(map[macKey]*macState)
	}
	for _, m := range s.MACs {
		if m.Addrs == nil {
			m.Addrs = make(map[netip.Addr]bool)
		}
	}
	if s.Edges == nil {
		s.Edges = make(map[edgeKey]*edge)
	}
	if s.AddrSegs == nil {
		s.AddrSegs = make(map[netip.Addr]string)
	}
	if s.Pending == nil {
		s.Pending = make(map[netip.Addr]map[nameKey]*seen)
	}
}
