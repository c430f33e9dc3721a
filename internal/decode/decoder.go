package decode

import "time"

// Config tunes a Decoder. Start from DefaultConfig: a zero DedupWindow
// disables duplicate detection, while zero sizes fall back to the defaults.
type Config struct {
	// DedupWindow is how close in packet time two byte-identical frames must
	// be for the later one to be a Duplicate (SPAN sessions that mirror both
	// ingress and egress deliver every frame twice, microseconds apart).
	// Zero or negative disables duplicate detection.
	DedupWindow time.Duration
	// DedupL2 extends duplicate detection to frames whose link layer
	// decoded to something other than IP or ARP (L3Other). It is off by
	// default because cyclic industrial protocols send byte-identical frames
	// every cycle, faster than the window: 236 of the 500 CC-Link IE frames
	// of cclink/cc_link_ief.pcap repeat their predecessor within 2 ms, and
	// none of them is a mirror artefact. Frames with a broken link layer
	// are always checked.
	DedupL2 bool
	// DedupTableSize is how many recent frames the duplicate filter
	// remembers (rounded up to a power of two). It should exceed the number
	// of frames that arrive within one DedupWindow at peak rate; beyond that
	// some duplicates go unnoticed, no frame is ever wrongly dropped.
	DedupTableSize int

	// FragMaxDatagrams bounds the IP datagrams being reassembled at once.
	FragMaxDatagrams int
	// FragTimeout is how long, in packet time from its first fragment, a
	// datagram may stay incomplete.
	FragTimeout time.Duration
	// FragMemory bounds the bytes of fragment data held, in 2 KiB chunks
	// allocated on demand; at least one maximum-size datagram always fits.
	FragMemory int
}

// DefaultConfig returns the settings the sensor runs with.
func DefaultConfig() Config {
	return Config{
		DedupWindow:      2 * time.Millisecond,
		DedupTableSize:   1 << 14,
		FragMaxDatagrams: 1024,
		FragTimeout:      30 * time.Second,
		FragMemory:       8 << 20,
	}
}

// Counters account for every frame given to Decode. At any moment
//
//	Frames == Delivered + Duplicates + FragAbsorbed + FragPending + sum(Errors)
//
// where a fragment that was held and later discarded (timeout, eviction,
// overlap) has moved from FragPending to Errors under its cause. Likewise
// FragHeld == FragAbsorbed + FragDiscarded + FragPending.
type Counters struct {
	Frames        uint64            // frames passed to Decode
	Delivered     uint64            // frames that returned OK (a reassembled datagram counts once, for its last fragment)
	Duplicates    uint64            // frames that returned Duplicate
	FragHeld      uint64            // frames that returned FragmentHeld
	FragAbsorbed  uint64            // held fragments that became part of a delivered datagram
	FragDiscarded uint64            // held fragments dropped later (also counted in Errors under the reason)
	FragPending   uint64            // held fragments still waiting for their datagram to complete
	Reassembled   uint64            // datagrams delivered from fragments
	Errors        [NumCauses]uint64 // frames not delivered, by cause (index by Cause)
}

// Decoder decodes frames into its own Packet, allocating nothing per frame.
// It is not safe for concurrent use. Duplicate detection only sees the
// frames of its own Decoder, so frames of all capture interfaces must go
// through one Decoder for cross-interface duplicates to be found.
type Decoder struct {
	pkt        Packet
	uncaptured int // bytes of the current frame on the wire beyond the capture
	cnt        Counters
	dedup      dedupFilter
	dedupL2    bool
	frag       reassembler
}

// NewDecoder returns a Decoder configured by cfg.
func NewDecoder(cfg Config) *Decoder {
	def := DefaultConfig()
	if cfg.DedupTableSize <= 0 {
		cfg.DedupTableSize = def.DedupTableSize
	}
	if cfg.FragMaxDatagrams <= 0 {
		cfg.FragMaxDatagrams = def.FragMaxDatagrams
	}
	if cfg.FragTimeout <= 0 {
		cfg.FragTimeout = def.FragTimeout
	}
	if cfg.FragMemory <= 0 {
		cfg.FragMemory = def.FragMemory
	}
	d := &Decoder{dedupL2: cfg.DedupL2}
	d.dedup.init(int64(cfg.DedupWindow), cfg.DedupTableSize)
	d.frag.init(cfg.FragMaxDatagrams, int64(cfg.FragTimeout), cfg.FragMemory, &d.cnt)
	return d
}

// Decode decodes one frame of the given link type, captured at ts
// (nanoseconds since the epoch) from a frame of wireLen bytes on the wire
// (len(data) when the capture kept it whole; a smaller value counts as
// len(data)). The wire length tells a short snap length, which still
// delivers, from IP lengths that claim more than the frame carried.
//
// It returns the Decoder's Packet, refilled for this frame and valid until
// the next call, and what became of the frame. Only OK delivers a packet.
// With FragmentHeld, Duplicate and errors the Packet holds what was decoded
// before the decision (useful for diagnostics, not to be delivered). After a
// FragmentHeld the link and IP fields describe the fragment itself, with
// Proto the fragmented protocol. When the last missing fragment arrives the
// result is OK with the whole datagram decoded, Reassembled set, IPLen the
// datagram length, and the link fields of that last frame.
//
// Decode never fails in any other way: a bad frame is counted and returned.
// The caller sets Packet.Iface if it tracks interfaces.
func (d *Decoder) Decode(data []byte, link LinkType, ts int64, wireLen int) (*Packet, Status) {
	p := &d.pkt
	*p = Packet{TS: ts, WireLen: wireLen, Link: link}
	d.cnt.Frames++
	d.uncaptured = max(wireLen-len(data), 0)
	if d.frag.live > 0 {
		d.frag.expire(ts)
	}

	// The link layer is parsed before the duplicate check only to learn
	// whether the frame carries IP or ARP (see Config.DedupL2); it touches
	// no state, so a duplicate still never reaches the reassembler.
	net, l3, cause := decodeLink(p, data, link)
	if d.dedup.window > 0 && (l3 != L3Other || d.dedupL2) && d.dedup.seen(data, wireLen, ts) {
		d.cnt.Duplicates++
		return p, Duplicate
	}
	if cause != CauseNone {
		return p, d.fail(cause)
	}

	var st Status
	switch l3 {
	case L3IPv4:
		st = d.ipv4(p, net)
	case L3IPv6:
		st = d.ipv6(p, net)
	case L3ARP:
		st = decodeARP(p, net)
	default:
		p.L3 = L3Other
		p.Payload = net
	}
	switch {
	case st == OK:
		d.cnt.Delivered++
	case st == FragmentHeld:
		d.cnt.FragHeld++
	default:
		d.cnt.Errors[st.Cause()]++
	}
	return p, st
}

// fail counts a decode error and returns its status.
func (d *Decoder) fail(c Cause) Status {
	d.cnt.Errors[c]++
	return errStatus(c)
}

// Counters returns a snapshot of the Decoder's counters.
func (d *Decoder) Counters() Counters { return d.cnt }

// Expire discards the fragments of datagrams whose timeout has passed at
// packet time now, counting them under CauseFragTimeout, and returns how
// many held fragments were discarded. Decode already expires with each
// frame's time; call Expire when the input pauses or ends (use math.MaxInt64
// at the end of input to discard everything still held).
func (d *Decoder) Expire(now int64) int { return d.frag.expire(now) }
