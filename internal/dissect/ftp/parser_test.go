package ftp

import (
	"slices"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/record"
)

var ep = &dissect.Endpoints{Transport: dissect.TCP, OrigP: 50000, RespP: 21}

func req(s string) dissecttest.Chunk  { return dissecttest.Req([]byte(s)...) }
func resp(s string) dissecttest.Chunk { return dissecttest.Resp([]byte(s)...) }

func codes(c *dissecttest.Collector) []string {
	var out []string
	for _, m := range c.Msgs {
		out = append(out, m.Code)
	}
	return out
}

func TestSession(t *testing.T) {
	c := dissecttest.Feed(Spec, ep,
		resp("220-Welcome\r\n220-to the"), resp(" plant\r\n220 ProFTPD 1.3.5 Server (PLC backup)\r\n"),
		req("user"), req(" backup\r\n"),
		resp("331 Password required\r\n"),
		req("PASS s3cret\r\n"),
		resp("530 Login incorrect.\r\n"),
		req("pass again\r\nSYST\r\n"), // two commands in one segment
		resp("230 ok\r\n215 UNIX Type: L8\r\n"),
		req("XYZW\r\n"), resp("500 unknown\r\n"),
		req("\xff\xf4\xff\xf2ABOR\r\n"), // Telnet IP and DM before ABOR: not a verb
		resp("hello\r\n"),
		req("QUIT\r\n"), resp("221 Goodbye.\r\n"),
	)
	want := []string{"220", "USER", "331", "PASS", "530", "PASS", "SYST", "230", "215", "unknown", "500",
		"malformed", "malformed", "QUIT", "221"}
	if !slices.Equal(codes(c), want) {
		t.Fatalf("codes %v\nwant  %v", codes(c), want)
	}
	errs := 0
	for _, m := range c.Msgs {
		if m.Error {
			errs++
		}
	}
	if errs != 4 || c.Msgs[0].Function != "positive_completion" || c.Msgs[0].Dir != dissect.Response ||
		c.Msgs[1].Dir != dissect.Request || c.Msgs[4].Function != "permanent_negative" {
		t.Errorf("errors %d, messages %+v", errs, c.Msgs)
	}
	if len(c.Recs) != 1 {
		t.Fatalf("records %+v", c.Recs)
	}
	r := c.Recs[0].(*record.FTP)
	wantRec := record.FTP{TS: 1, OrigP: 50000, RespP: 21, Banner: "Welcome", User: "backup", PasswordSent: true,
		LoggedIn: true, Syst: "UNIX Type: L8", Commands: 6, Errors: 2} // malformed lines are not commands
	if *r != wantRec {
		t.Errorf("record\n got %+v\nwant %+v", *r, wantRec)
	}
}

func TestAuthTLS(t *testing.T) {
	c := dissecttest.Feed(Spec, ep,
		resp("220 FileZilla Server 1.8\r\n"), req("AUTH TLS\r\n"), resp("234 Using authentication type TLS.\r\n"),
		req("\x16\x03\x01\x00\x05hello\n"), resp("\x16\x03\x03\x00\x05world\n"))
	if want := []string{"220", "AUTH", "234"}; !slices.Equal(codes(c), want) {
		t.Errorf("codes %v, want %v", codes(c), want)
	}
	if len(c.Recs) != 1 || c.Recs[0].(*record.FTP).Banner != "FileZilla Server 1.8" {
		t.Errorf("records %+v", c.Recs)
	}
}

func TestLongLine(t *testing.T) {
	long := make([]byte, 3000)
	for i := range long {
		long[i] = 'a'
	}
	p := Spec.New()
	c := &dissecttest.Collector{}
	ctx := &dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: c}
	p.Parse(ctx, []byte("USER "))
	p.Parse(ctx, long)
	p.Parse(ctx, []byte("\r\nNOOP\r\n"))
	p.(dissect.Closer).Close(ctx)
	if want := []string{"USER", "NOOP"}; !slices.Equal(codes(c), want) {
		t.Errorf("codes %v, want %v", codes(c), want)
	}
	if u := c.Recs[0].(*record.FTP).User; len(u) != 255 || u[0] != 'a' {
		t.Errorf("user %d bytes", len(u))
	}
	if len(p.(*parser).in[0].buf) > maxLine {
		t.Errorf("buffer %d bytes", len(p.(*parser).in[0].buf))
	}
}

func TestNoAllocs(t *testing.T) {
	p := Spec.New()
	c := dissecttest.Nop{}
	cmd := &dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: c}
	rep := &dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: c}
	p.Parse(cmd, []byte("NOOP\r\n"))
	noop, ok := []byte("noop\r\n"), []byte("200-a\r\n200 NOOP ok\r\n")
	if n := testing.AllocsPerRun(100, func() { p.Parse(cmd, noop); p.Parse(rep, ok) }); n != 0 {
		t.Errorf("allocs per exchange %v, want 0", n)
	}
}
