package telnet

import (
	"slices"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/record"
)

var ep = &dissect.Endpoints{Transport: dissect.TCP, OrigP: 40000, RespP: 23}

func codes(c *dissecttest.Collector) []string {
	var out []string
	for _, m := range c.Msgs {
		out = append(out, m.Code)
	}
	return out
}

func feed(chunks ...dissecttest.Chunk) *dissecttest.Collector {
	c := &dissecttest.Collector{}
	p := Spec.New()
	for _, ch := range chunks {
		p.Parse(&dissect.Context{TS: 1, Dir: ch.Dir, Ep: ep, Out: c}, ch.Data)
	}
	p.(dissect.Closer).Close(&dissect.Context{Ep: ep, Out: c})
	return c
}

func TestSessionBytewise(t *testing.T) {
	// The synthetic session cut into one-byte segments: every IAC
	// sequence spans segments.
	var chunks []dissecttest.Chunk
	for _, s := range session {
		for i := range len(s.Data) {
			if s.FromServer {
				chunks = append(chunks, dissecttest.Resp(s.Data[i]))
			} else {
				chunks = append(chunks, dissecttest.Req(s.Data[i]))
			}
		}
	}
	c := feed(chunks...)
	want := []string{"253", "251", "251", "253", "251", "253", "253", "251", "250", "240", "250", "240", "250", "240"}
	if !slices.Equal(codes(c), want) {
		t.Errorf("codes %v\nwant  %v", codes(c), want)
	}
	if c.Msgs[0].Dir != dissect.Response || c.Msgs[0].Function != "do" || c.Msgs[4].Dir != dissect.Request {
		t.Errorf("messages %+v", c.Msgs[:5])
	}
	if len(c.Recs) != 1 {
		t.Fatalf("records %d", len(c.Recs))
	}
	checkRecord(t, c.Recs[0].(*record.Telnet))
}

func TestEscapesAndCommands(t *testing.T) {
	c := feed(
		// IAC IAC is a 0xff data byte (not printable: dropped); IAC AYT and
		// IAC NOP are commands; the subnegotiation holds an escaped 0xff.
		dissecttest.Resp([]byte("Switch\xff\xff-A\xff\xf6\xff\xf1\r\n\xff\xfa\x18\xff\xff\x01\xff\xf0Username: ")...),
		dissecttest.Resp(0xff), dissecttest.Resp(0xf9), // GA across segments
	)
	if want := []string{"246", "241", "250", "240", "249"}; !slices.Equal(codes(c), want) {
		t.Errorf("codes %v, want %v", codes(c), want)
	}
	if c.Msgs[0].Function != "are_you_there" || c.Msgs[4].Function != "go_ahead" {
		t.Errorf("functions %+v", c.Msgs)
	}
	// The client never typed: the record comes from Close.
	r := c.Recs[0].(*record.Telnet)
	if r.Banner != "Switch-A\nUsername:" || r.LoginPrompt != "Username:" || len(r.ServerOptions) != 0 {
		t.Errorf("record %+v", *r)
	}
}

func TestClientTextNeverKept(t *testing.T) {
	c := feed(
		dissecttest.Req([]byte("secret-password\r\n")...),
		dissecttest.Resp([]byte("later text\r\n")...),
	)
	r := c.Recs[0].(*record.Telnet)
	if r.Banner != "" || r.LoginPrompt != "" {
		t.Errorf("record %+v", *r)
	}
	// Text after the first keystroke is not kept either.
	c = feed(
		dissecttest.Resp([]byte("login: ")...),
		dissecttest.Req('x'),
		dissecttest.Resp([]byte("x\r\nWelcome admin\r\n")...),
	)
	if r := c.Recs[0].(*record.Telnet); r.Banner != "login:" || r.LoginPrompt != "login:" {
		t.Errorf("record %+v", *r)
	}
}

func TestBounds(t *testing.T) {
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'x'
	}
	var opts []byte
	for i := range 40 {
		opts = append(opts, 0xff, 0xfb, byte(100+i))
	}
	c := feed(dissecttest.Resp(long...), dissecttest.Resp(opts...))
	r := c.Recs[0].(*record.Telnet)
	if len(r.Banner) != maxBanner || len(r.LoginPrompt) != maxPrompt || len(r.ServerOptions) != maxOptions ||
		r.ServerOptions[0] != "100" || len(c.Msgs) != 40 {
		t.Errorf("banner %d prompt %d options %v messages %d", len(r.Banner), len(r.LoginPrompt), r.ServerOptions, len(c.Msgs))
	}
}

func TestNoAllocs(t *testing.T) {
	p := Spec.New()
	ctx := &dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: dissecttest.Nop{}}
	p.Parse(ctx, []byte("login: "))
	p.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: dissecttest.Nop{}}, []byte("a"))
	neg := []byte("\xff\xfb\x01\xff\xfd\x03echo\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0")
	if n := testing.AllocsPerRun(100, func() { p.Parse(ctx, neg) }); n != 0 {
		t.Errorf("allocs per run %v, want 0", n)
	}
}
