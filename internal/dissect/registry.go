package dissect

import (
	"fmt"
	"slices"
)

// Registry indexes Specs for recognition. It is built once at start-up and
// read-only afterwards, so it is safe for concurrent use.
type Registry struct {
	specs     []*Spec
	tcp       map[uint16][]*Spec
	udp       map[uint16][]*Spec
	ether     map[uint16]*Spec
	snap      map[SNAPID]*Spec
	anyTCP    []*Spec
	anyUDP    []*Spec
	ports     map[portKey]bool
	protocols map[string]bool
}

type portKey struct {
	t    Transport
	port uint16
}

// NewRegistry checks and indexes specs. Names must be canonical (listed in
// Names) and an Ethertype may belong to one dissector only.
func NewRegistry(specs ...*Spec) (*Registry, error) {
	r := &Registry{
		tcp:       map[uint16][]*Spec{},
		udp:       map[uint16][]*Spec{},
		ether:     map[uint16]*Spec{},
		snap:      map[SNAPID]*Spec{},
		ports:     map[portKey]bool{},
		protocols: map[string]bool{},
	}
	seen := map[string]bool{}
	for _, s := range specs {
		if !slices.Contains(Names, s.Name) {
			return nil, fmt.Errorf("dissector %q: not a canonical protocol name", s.Name)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("dissector %q registered twice", s.Name)
		}
		if s.New == nil {
			return nil, fmt.Errorf("dissector %q: no parser constructor", s.Name)
		}
		seen[s.Name] = true
		r.specs = append(r.specs, s)
		for _, p := range s.TCPPorts {
			r.tcp[p] = append(r.tcp[p], s)
			r.ports[portKey{TCP, p}] = true
		}
		for _, p := range s.UDPPorts {
			r.udp[p] = append(r.udp[p], s)
			r.ports[portKey{UDP, p}] = true
		}
		for _, et := range s.EtherTypes {
			if o, dup := r.ether[et]; dup {
				return nil, fmt.Errorf("ethertype %#04x claimed by %q and %q", et, o.Name, s.Name)
			}
			r.ether[et] = s
		}
		for _, id := range s.SNAP {
			if o, dup := r.snap[id]; dup {
				return nil, fmt.Errorf("SNAP %06x/%04x claimed by %q and %q", id.OUI, id.PID, o.Name, s.Name)
			}
			r.snap[id] = s
		}
		if s.AnyPort && s.Detect != nil {
			if len(s.TCPPorts) > 0 {
				r.anyTCP = append(r.anyTCP, s)
			}
			if len(s.UDPPorts) > 0 {
				r.anyUDP = append(r.anyUDP, s)
			}
		}
	}
	return r, nil
}

// Specs returns the registered specs in registration order.
func (r *Registry) Specs() []*Spec { return r.specs }

// ServerPort reports whether port is registered by a dissector for the
// transport: the flow table uses it to orient connections seen midstream.
func (r *Registry) ServerPort(t Transport, port uint16) bool { return r.ports[portKey{t, port}] }

// ForEther returns the dissector of an Ethertype, or nil.
func (r *Registry) ForEther(etherType uint16) *Spec { return r.ether[etherType] }

// ForSNAP returns the dissector of an LLC/SNAP protocol, or nil.
func (r *Registry) ForSNAP(oui uint32, pid uint16) *Spec { return r.snap[SNAPID{oui, pid}] }

// Recognise picks the dissector for a flow from its first payload: a
// dissector registered on the responder's (then the originator's) port whose
// Detect accepts the payload, else any AnyPort dissector whose Detect does.
// It returns nil when nothing matches; the caller may try again with the next
// payload.
func (r *Registry) Recognise(t Transport, ep *Endpoints, dir Dir, payload []byte) *Spec {
	byPort, heur := r.tcp, r.anyTCP
	if t == UDP {
		byPort, heur = r.udp, r.anyUDP
	}
	for _, port := range [2]uint16{ep.RespP, ep.OrigP} {
		for _, s := range byPort[port] {
			if s.Detect == nil || s.Detect(dir, payload) {
				return s
			}
		}
	}
	for _, s := range heur {
		if s.Detect(dir, payload) {
			return s
		}
	}
	return nil
}

// Candidates reports whether any dissector could still recognise a flow of
// transport t between these ports: one registered on either port, or a
// heuristic one. When none can, the sensor does no payload work for the flow.
func (r *Registry) Candidates(t Transport, origP, respP uint16) bool {
	switch t {
	case TCP:
		return len(r.anyTCP) > 0 || len(r.tcp[origP]) > 0 || len(r.tcp[respP]) > 0
	case UDP:
		return len(r.anyUDP) > 0 || len(r.udp[origP]) > 0 || len(r.udp[respP]) > 0
	}
	return false
}
