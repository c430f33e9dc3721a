package dissect

// PDULength inspects the start of a stream and returns the length of the
// protocol data unit that starts there, 0 when more bytes are needed to tell,
// or -1 when the bytes cannot be the start of a PDU (the stream is out of
// sync, e.g. after a gap).
type PDULength func(b []byte) int

// Stream cuts one direction of a TCP byte stream into PDUs for
// length-prefixed protocols (TPKT, Modbus MBAP, EtherNet/IP, DNP3, …). It only
// copies when a PDU spans segments, and never holds more than Max bytes.
type Stream struct {
	// Max bounds the bytes buffered for one incomplete PDU (default 64 KiB).
	Max int
	buf []byte
	// Desyncs counts how often the stream lost PDU alignment.
	Desyncs int
}

// Feed adds data and calls emit for every complete PDU, in order. The slice
// given to emit is valid only during the call. On a desync the buffered bytes
// are dropped and parsing resumes with the next Feed (a later Reset after a
// gap does the same).
func (s *Stream) Feed(data []byte, length PDULength, emit func(pdu []byte)) {
	max := s.Max
	if max <= 0 {
		max = 64 << 10
	}
	if len(s.buf) > 0 {
		s.buf = append(s.buf, data...)
		data = s.buf
	}
	for len(data) > 0 {
		n := length(data)
		switch {
		case n < 0 || n > max:
			s.Desyncs++
			s.buf = s.buf[:0]
			return
		case n == 0 || n > len(data):
			if len(data) > max {
				s.Desyncs++
				s.buf = s.buf[:0]
				return
			}
			// data may alias s.buf; append moves overlapping bytes safely.
			s.buf = append(s.buf[:0], data...)
			return
		}
		emit(data[:n])
		data = data[n:]
	}
	s.buf = s.buf[:0]
}

// Reset drops buffered bytes, e.g. after a gap.
func (s *Stream) Reset() { s.buf = s.buf[:0] }

// Buffered reports how many bytes wait for the rest of a PDU.
func (s *Stream) Buffered() int { return len(s.buf) }
