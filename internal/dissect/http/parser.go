package http

import (
	"bytes"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Bounds on what one direction may make the parser hold or do.
const (
	maxLine      = 8 << 10 // one start, header or chunk-size line
	maxHeaders   = 128     // header lines of one message (trailers included)
	maxPending   = 32      // transactions waiting for their response
	maxResyncs   = 64      // segments skipped while looking for a message start
	maxURI       = 512
	maxValue     = 255 // Host, User-Agent, Server
	maxMIME      = 128 // Content-Type
	maxStatusMsg = 128
)

// state is where one direction is in its current message.
type state uint8

const (
	stStart     state = iota // before a start line (empty lines skipped)
	stHeaders                // in the header block
	stBody                   // Content-Length body: remain bytes left
	stChunkSize              // before a chunk-size line
	stChunkData              // in a chunk: remain bytes left
	stChunkEnd               // the CRLF after a chunk's data
	stTrailer                // trailer lines after the last chunk
	stToClose                // body delimited by the connection's end
	stResync                 // out of step: waiting for a segment that starts a message
	stDead                   // no longer HTTP (tunnel, upgrade, or gave up)
)

// txn is one transaction: a request and its final response.
type txn struct {
	rec         record.HTTP
	reqDone     bool // request complete (or never seen)
	respStarted bool // the final response has begun
	respDone    bool
	head        bool // HEAD request: its response has no body
	connect     bool // CONNECT request: a 2xx response opens a tunnel
	respDir     dissect.Dir
}

// side is the parsing state of one direction.
type side struct {
	dir       dissect.Dir
	st        state
	line      []byte // a line that spans segments
	headers   int
	remain    uint64
	length    int64 // Content-Length, -1 when absent
	chunked   bool
	response  bool // the current message is a response
	status    int
	announced bool // the current message has been counted
	code      string
	function  string
	tx        *txn // transaction the current message belongs to
	resyncs   int
}

// parser is the state of one connection.
type parser struct {
	msg     dissect.Message
	sides   [2]side
	pending []*txn
	depth   uint32
	server  string // last Server header reported as identity
	// last holds the header values of the previous transaction: on a
	// keep-alive connection they repeat, and are then not copied again.
	last [numSlots]string
}

// Slots of parser.last.
const (
	slotHost = iota
	slotUserAgent
	slotServer
	slotReqType
	slotRespType
	slotStatus
	numSlots
)

// keep returns v as a record value (see text), reusing the previous
// transaction's string when it is the same.
func (p *parser) keep(slot int, v []byte, max int) string {
	if len(v) <= max && p.last[slot] == string(v) {
		return p.last[slot]
	}
	p.last[slot] = text(v, max)
	return p.last[slot]
}

func newParser() *parser {
	p := &parser{}
	p.sides[dissect.FromResp].dir = dissect.FromResp
	return p
}

// Parse implements dissect.Parser.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	s := &p.sides[ctx.Dir&1]
	for len(data) > 0 {
		switch s.st {
		case stDead:
			return
		case stResync:
			if !startsMessage(data) {
				if s.resyncs++; s.resyncs > maxResyncs {
					s.st = stDead
				}
				return
			}
			s.resyncs = 0
			s.st = stStart
		case stBody, stChunkData:
			n := uint64(len(data))
			if n > s.remain {
				n = s.remain
			}
			p.addBody(s, n)
			data = data[n:]
			if s.remain == 0 {
				if s.st == stChunkData {
					s.st = stChunkEnd
				} else {
					p.endMessage(ctx, s)
				}
			}
		case stToClose:
			p.addBody(s, uint64(len(data)))
			return
		default:
			line, rest, ok, tooLong := s.readLine(data)
			if tooLong {
				p.malformed(ctx, s)
				return
			}
			if !ok {
				return
			}
			data = rest
			p.onLine(ctx, s, line)
			if s.st == stResync || s.st == stDead {
				return // the rest of the segment is not trusted
			}
		}
	}
}

// readLine returns the next line without its CR LF, joining a line that
// spans segments; ok is false when the line is not complete yet.
func (s *side) readLine(data []byte) (line, rest []byte, ok, tooLong bool) {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		if len(s.line)+len(data) > maxLine {
			s.line = s.line[:0]
			return nil, nil, false, true
		}
		s.line = append(s.line, data...)
		return nil, nil, false, false
	}
	line, rest = data[:i], data[i+1:]
	if len(s.line) > 0 {
		if len(s.line)+len(line) > maxLine {
			s.line = s.line[:0]
			return nil, nil, false, true
		}
		// The joined line is used before the buffer is appended to again.
		line = append(s.line, line...)
		s.line = line[:0]
	} else if len(line) > maxLine {
		return nil, nil, false, true
	}
	return bytes.TrimSuffix(line, []byte("\r")), rest, true, false
}

// onLine handles one complete line in the line-oriented states.
func (p *parser) onLine(ctx *dissect.Context, s *side, line []byte) {
	switch s.st {
	case stStart:
		if len(line) == 0 {
			return // CRLF between messages is tolerated (RFC 9112 section 2.2)
		}
		p.startLine(ctx, s, line)
	case stHeaders:
		if len(line) == 0 {
			p.endHeaders(ctx, s)
			return
		}
		if s.headers++; s.headers > maxHeaders {
			p.malformed(ctx, s)
			return
		}
		if line[0] == ' ' || line[0] == '\t' {
			return // obsolete line folding: a continuation of a value we ignore
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(name) == 0 {
			p.malformed(ctx, s)
			return
		}
		p.header(s, name, bytes.TrimSpace(value))
	case stChunkSize:
		size, ok := chunkSize(line)
		switch {
		case !ok:
			p.malformed(ctx, s)
		case size == 0:
			s.st = stTrailer
		default:
			s.remain, s.st = size, stChunkData
		}
	case stChunkEnd:
		if len(line) != 0 {
			p.malformed(ctx, s)
			return
		}
		s.st = stChunkSize
	case stTrailer:
		if len(line) == 0 {
			p.endMessage(ctx, s)
			return
		}
		if s.headers++; s.headers > maxHeaders {
			p.malformed(ctx, s)
		}
	}
}
