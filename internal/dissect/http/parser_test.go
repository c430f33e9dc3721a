package http

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/record"
)

var ep = &dissect.Endpoints{Transport: dissect.TCP, OrigH: netip.MustParseAddr("10.0.0.1"), OrigP: 50000,
	RespH: netip.MustParseAddr("10.0.0.2"), RespP: 80, OrigMAC: record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 2}}

// get is the request of it/http_get.pcap (Zeek's testing trace http/get).
const get = "GET /download/CHANGES.bro-aux.txt HTTP/1.1\r\nUser-Agent: Wget/1.14 (darwin12.2.0)\r\n" +
	"Accept: */*\r\nHost: bro.org\r\nConnection: Keep-Alive\r\n\r\n"

func req(s string) dissecttest.Chunk  { return dissecttest.Req([]byte(s)...) }
func resp(s string) dissecttest.Chunk { return dissecttest.Resp([]byte(s)...) }

// run feeds the chunks to one parser and closes it.
func run(chunks ...dissecttest.Chunk) *dissecttest.Collector {
	c := &dissecttest.Collector{}
	p := Spec.New()
	for i, ch := range chunks {
		p.Parse(&dissect.Context{TS: record.Micros(i + 1), Dir: ch.Dir, Ep: ep, Out: c}, ch.Data)
	}
	p.(dissect.Closer).Close(&dissect.Context{TS: 100, Dir: dissect.FromOrig, Ep: ep, Out: c})
	return c
}

func records(c *dissecttest.Collector) (hs []*record.HTTP, ids []*record.AssetID) {
	for _, r := range c.Recs {
		switch v := r.(type) {
		case *record.HTTP:
			hs = append(hs, v)
		case *record.AssetID:
			ids = append(ids, v)
		}
	}
	return hs, ids
}

func codes(c *dissecttest.Collector) string {
	var s []string
	for _, m := range c.Msgs {
		e := ""
		if m.Error {
			e = "!"
		}
		if m.Swap {
			e += "~"
		}
		s = append(s, m.Code+e)
	}
	return strings.Join(s, " ")
}

func TestContentLength(t *testing.T) {
	// the response split inside its header block and its body
	c := run(req(get), resp("HTTP/1.1 200 OK\r\nServer: Apache/2.4.3 (Fedora)\r\nContent-Le"),
		resp("ngth: 10\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n0123"), resp("456789"))
	if got := codes(c); got != "GET 200" {
		t.Errorf("messages %s", got)
	}
	hs, ids := records(c)
	if len(hs) != 1 {
		t.Fatalf("records %d", len(hs))
	}
	h := hs[0]
	want := record.HTTP{TS: 1, OrigH: ep.OrigH, OrigP: 50000, RespH: ep.RespH, RespP: 80, OrigMAC: ep.OrigMAC,
		RespMAC: ep.RespMAC, TransDepth: 1, Method: "GET", Host: "bro.org", URI: "/download/CHANGES.bro-aux.txt",
		Version: "1.1", UserAgent: "Wget/1.14 (darwin12.2.0)", ResponseBodyLen: 10, StatusCode: 200, StatusMsg: "OK",
		Server: "Apache/2.4.3 (Fedora)", ResponseContentType: "text/plain; charset=UTF-8", RequestSeen: true, ResponseSeen: true}
	if *h != want {
		t.Errorf("record\n%+v\nwant\n%+v", *h, want)
	}
	if len(ids) != 1 || ids[0].Product != "Apache" || ids[0].Firmware != "2.4.3" || ids[0].IP != ep.RespH ||
		ids[0].MAC != ep.RespMAC || ids[0].Message != "server header" {
		t.Errorf("identity %+v", ids)
	}
}

func TestPipelinedChunkedHead(t *testing.T) {
	// three pipelined requests in one segment (a POST with a chunked body),
	// answered by a chunked response, a HEAD response announcing a length
	// it does not send, and a 204
	c := run(
		req("POST /api HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"+
			"5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n"+
			"HEAD /x HTTP/1.1\r\nHost: h\r\n\r\nGET /y HTTP/1.0\r\n\r\n"),
		resp("HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"+
			"HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n"),
		resp("HTTP/1.1 204 No Content\r\n\r\n"))
	if got := codes(c); got != "POST HEAD GET 201 200 204" {
		t.Errorf("messages %s", got)
	}
	hs, _ := records(c)
	if len(hs) != 3 {
		t.Fatalf("records %d", len(hs))
	}
	if h := hs[0]; h.Method != "POST" || h.RequestBodyLen != 8 || h.ResponseBodyLen != 10 || h.StatusCode != 201 ||
		h.RequestContentType != "application/json" || h.TransDepth != 1 {
		t.Errorf("POST %+v", h)
	}
	if h := hs[1]; h.Method != "HEAD" || h.ResponseBodyLen != 0 || h.StatusCode != 200 || h.TransDepth != 2 {
		t.Errorf("HEAD %+v", h)
	}
	if h := hs[2]; h.Method != "GET" || h.StatusCode != 204 || h.Version != "1.1" || h.TransDepth != 3 || h.URI != "/y" {
		t.Errorf("GET %+v", h)
	}
}

func TestInterimAndClose(t *testing.T) {
	// 100 Continue before the final response, whose body runs to the close;
	// then a request that never gets an answer
	c := run(req("PUT /f HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"),
		resp("HTTP/1.1 100 Continue\r\n\r\n"), req("abcd"),
		resp("HTTP/1.0 500 Internal Server Error\r\nServer: nginx\r\n\r\nsome"), resp(" text"),
		req("DELETE /f HTTP/1.1\r\n\r\n"))
	if got := codes(c); got != "PUT 100 500! DELETE" {
		t.Errorf("messages %s", got)
	}
	hs, ids := records(c)
	if len(hs) != 2 {
		t.Fatalf("records %d", len(hs))
	}
	if h := hs[0]; h.InfoCode != 100 || h.StatusCode != 500 || h.RequestBodyLen != 4 || h.ResponseBodyLen != 9 ||
		h.Version != "1.0" || h.StatusMsg != "Internal Server Error" || h.Server != "nginx" {
		t.Errorf("PUT %+v", h)
	}
	if h := hs[1]; h.Method != "DELETE" || !h.RequestSeen || h.ResponseSeen || h.StatusCode != 0 || h.TS != 6 {
		t.Errorf("DELETE %+v", h)
	}
	if len(ids) != 1 || ids[0].Product != "nginx" || ids[0].Firmware != "" {
		t.Errorf("identity %+v", ids)
	}
}

func TestResponseWithoutRequest(t *testing.T) {
	c := run(resp("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabc"))
	hs, _ := records(c)
	if got := codes(c); got != "404!" || len(hs) != 1 || hs[0].RequestSeen || !hs[0].ResponseSeen ||
		hs[0].ResponseBodyLen != 3 || hs[0].TS != 1 {
		t.Errorf("messages %s records %+v", got, hs)
	}
}

func TestMalformed(t *testing.T) {
	long := "GET /" + strings.Repeat("a", maxLine) + " HTTP/1.1\r\n\r\n"
	many := "GET / HTTP/1.1\r\n" + strings.Repeat("X: y\r\n", maxHeaders+1) + "\r\n"
	for _, tc := range []struct {
		name   string
		chunks []dissecttest.Chunk
		want   string
	}{
		{"garbage start line", []dissecttest.Chunk{req("GET / HTTP/1.1\r\n\r\n"), req("\x16\x03\x01 junk\r\n")}, "GET malformed!"},
		{"header without colon", []dissecttest.Chunk{req("GET / HTTP/1.1\r\nbad header\r\n\r\n")}, "malformed!"},
		{"line too long", []dissecttest.Chunk{req(long)}, "malformed!"},
		{"too many headers", []dissecttest.Chunk{req(many)}, "malformed!"},
		{"bad status line", []dissecttest.Chunk{resp("HTTP/2 200\r\n\r\n")}, "malformed!"},
		{"bad status line from the originator", []dissecttest.Chunk{req("HTTP/2 200\r\n\r\n")}, "malformed!~"},
		// counted once: the message was already counted at its header end
		{"bad chunk size", []dissecttest.Chunk{resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}, "200"},
		// after a malformed message the direction resumes at a segment
		// that starts a new one
		{"resync", []dissecttest.Chunk{req("BOGUS\r\n"), req("more junk\r\n"), req("GET / HTTP/1.1\r\n\r\n")}, "malformed! GET"},
	} {
		c := run(tc.chunks...)
		if got := codes(c); got != tc.want {
			t.Errorf("%s: messages %q, want %q", tc.name, got, tc.want)
		}
	}
	c := run(resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
	if hs, _ := records(c); len(hs) != 1 || !hs[0].Malformed {
		t.Errorf("records %+v", hs)
	}
}

func TestGap(t *testing.T) {
	p := Spec.New()
	c := &dissecttest.Collector{}
	ctx := func(d dissect.Dir) *dissect.Context { return &dissect.Context{TS: 1, Dir: d, Ep: ep, Out: c} }
	p.Parse(ctx(dissect.FromOrig), []byte(get))
	p.Parse(ctx(dissect.FromResp), []byte("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"))
	// lost bytes inside a body of known length: counted, parsing goes on
	p.(dissect.GapParser).Gap(ctx(dissect.FromResp), 80)
	p.Parse(ctx(dissect.FromResp), []byte("0123456789"))
	// lost bytes in a header block: that response is cut, the next segment
	// starting a message resumes
	p.Parse(ctx(dissect.FromOrig), []byte(get+get))
	p.Parse(ctx(dissect.FromResp), []byte("HTTP/1.1 301 Moved Permanently\r\nLocat"))
	p.(dissect.GapParser).Gap(ctx(dissect.FromResp), 500)
	p.Parse(ctx(dissect.FromResp), []byte("tail of something\r\n\r\n"))
	p.Parse(ctx(dissect.FromResp), []byte("HTTP/1.1 304 Not Modified\r\n\r\n"))
	if got := codes(c); got != "GET 200 GET GET 301 304" {
		t.Errorf("messages %s", got)
	}
	hs, _ := records(c)
	if len(hs) != 3 || hs[0].ResponseBodyLen != 100 || hs[1].StatusCode != 301 || hs[2].StatusCode != 304 {
		t.Errorf("records %+v", hs)
	}
}

func TestUpgrade(t *testing.T) {
	c := run(req("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"), resp("HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x05hello"),
		req("\x81\x85junkjunk"))
	hs, _ := records(c)
	if got := codes(c); got != "GET 101" || len(hs) != 1 || hs[0].StatusCode != 101 {
		t.Errorf("messages %s records %+v", got, hs)
	}
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		dir  dissect.Dir
		p    string
		want bool
	}{
		{dissect.FromOrig, get, true},
		{dissect.FromOrig, "OPTIONS * HTTP/1.0\r\n\r\n", true},
		{dissect.FromOrig, "PROPFIND /dav HTTP/1.1\n", true},
		{dissect.FromResp, "HTTP/1.1 200 OK\r\n", true},
		{dissect.FromResp, "HTTP/1.0 404\r\n", true},
		// a status line from the originator is not a start of HTTP
		{dissect.FromOrig, "HTTP/1.1 200 OK\r\n", false},
		{dissect.FromOrig, "GET / HTTP/1.1", false}, // incomplete line
		{dissect.FromOrig, "GET / HTTP/2.0\r\n", false},
		{dissect.FromOrig, "FOO / HTTP/1.1\r\n", false},
		{dissect.FromOrig, "NOTIFY * HTTP/1.1\r\n", false},            // SSDP/GENA
		{dissect.FromOrig, "OPTIONS rtsp://c/ RTSP/1.0\r\n", false},   // RTSP
		{dissect.FromOrig, "INVITE sip:a@b SIP/2.0\r\n", false},       // SIP
		{dissect.FromOrig, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", false}, // HTTP/2 preface
		{dissect.FromOrig, "SSH-2.0-OpenSSH_8.9\r\n", false},
		{dissect.FromOrig, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", false},
		{dissect.FromOrig, "\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a", false}, // Modbus
		{dissect.FromResp, "HTTP/1.1 2000 x\r\n", false},
	} {
		if got := Detect(tc.dir, []byte(tc.p)); got != tc.want {
			t.Errorf("Detect(%d, %q) = %v", tc.dir, tc.p, got)
		}
	}
}

// TestBodyAllocs checks that body bytes, the bulk of HTTP traffic, cost no
// allocation.
func TestBodyAllocs(t *testing.T) {
	p := Spec.New()
	c := &dissecttest.Collector{}
	ctx := &dissect.Context{TS: 1, Dir: dissect.FromResp, Ep: ep, Out: c}
	p.Parse(ctx, []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))
	chunk := []byte("400\r\n" + strings.Repeat("x", 0x400) + "\r\n")
	if n := testing.AllocsPerRun(100, func() { p.Parse(ctx, chunk) }); n != 0 {
		t.Errorf("%v allocations per body chunk", n)
	}
}

func TestPendingBound(t *testing.T) {
	// 40 pipelined requests that get no answer: the oldest are written
	// unanswered once maxPending wait, the rest at Close
	p := Spec.New()
	c := &dissecttest.Collector{}
	ctx := &dissect.Context{TS: 1, Dir: dissect.FromOrig, Ep: ep, Out: c}
	p.Parse(ctx, []byte(strings.Repeat("GET /a HTTP/1.1\r\n\r\n", 40)))
	if hs, _ := records(c); len(hs) != 40-maxPending {
		t.Errorf("%d records before Close, want %d", len(hs), 40-maxPending)
	}
	p.(dissect.Closer).Close(ctx)
	hs, _ := records(c)
	if len(c.Msgs) != 40 || len(hs) != 40 || hs[39].TransDepth != 40 || hs[0].ResponseSeen {
		t.Errorf("%d messages, %d records", len(c.Msgs), len(hs))
	}
}

func TestChunkSize(t *testing.T) {
	for _, tc := range []struct {
		line string
		n    uint64
		ok   bool
	}{
		{"0", 0, true}, {"1A", 26, true}, {"ff ;name=v", 255, true}, {"10;x", 16, true},
		{"", 0, false}, {"x1", 0, false}, {"12 garbage", 18, false}, {"1234567890abcdef", 0, false},
	} {
		if n, ok := chunkSize([]byte(tc.line)); n != tc.n || ok != tc.ok {
			t.Errorf("chunkSize(%q) = %d, %v", tc.line, n, ok)
		}
	}
}
