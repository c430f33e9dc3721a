package tcpfp

import (
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	const head = "classes = win,unix\n[tcp:request]\nlabel = s:unix:Linux:3.x\n"
	cases := []struct{ body, want string }{
		{"sig = 5:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0", "x.fp:4: signature \"5:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+:0\": IP version \"5\""},
		{"sig = *:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+", "x.fp:4: signature \"*:64:0:*:mss*20,7:mss,sok,ts,nop,ws:df,id+\": want 8 colon-separated fields, got 7"},
		{"sig = *:0:0:*:mss*20,7:mss:df:0", "ttl: 0 outside 1..255"},
		{"sig = *:200+60:0:*:mss*20,7:mss:df:0", "ttl distance: 60 outside 0..55"},
		{"sig = *:64:0:*:mss*0,7:mss:df:0", "window multiplier: 0 outside 1..1000"},
		{"sig = *:64:0:*:%1,7:mss:df:0", "window modulus: 1 outside 2..65535"},
		{"sig = *:64:0:*:8192:mss:df:0", "window \"8192\": want wsize,scale"},
		{"sig = *:64:0:*:8192,7:mss,eol+1,nop:df:0", "eol must be the last option"},
		{"sig = *:64:0:*:8192,7:mss,foo:df:0", "unknown TCP option \"foo\""},
		{"sig = *:64:0:*:8192,7:mss:df,zz:0", "unknown quirk \"zz\""},
		{"sig = 6:64:0:*:8192,7:mss:df:0", "quirk \"df\" not valid for IPv6"},
		{"sig = 4:64:0:*:8192,7:mss:flow:0", "quirk \"flow\" not valid for IPv4"},
		{"sig = *:64:0:*:8192,7:mss:df:x", "payload class \"x\""},
		{"label = s:bsd:FreeBSD:9", "x.fp:4: label \"s:bsd:FreeBSD:9\": class \"bsd\" not declared in classes"},
		{"label = x:unix:Linux:3", "type must be s or g"},
		{"label = s:unix", "want type:class:name[:flavor]"},
		{";@conf certain", "x.fp:4: confidence \"certain\": want low, medium or high"},
		{"[tcp:other]", "x.fp:4: unknown section \"[tcp:other]\""},
		{"nonsense", "x.fp:4: want \"key = value\", got \"nonsense\""},
		{"foo = bar", "x.fp:4: unknown key \"foo\" in a tcp section"},
	}
	for _, c := range cases {
		_, err := Parse("x.fp", []byte(head+c.body+"\n"), "test")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to contain %q", c.body, err, c.want)
		}
	}
	for _, body := range []string{"sig = *:64:0:*:8192,0:mss:df:0\n", "[tcp:response]\nsig = *:64:0:*:8192,0:mss:df:0\n"} {
		if _, err := Parse("y.fp", []byte("[tcp:request]\n"+body), "t"); err == nil || !strings.Contains(err.Error(), "sig without a label") {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestParseFields(t *testing.T) {
	src := `; comment
classes = win,unix,other
[mtu]
label = Ethernet or modem
sig = 1500
[tcp:response]
label = g:unix:Linux:
;@conf high
sig = 4:54+10:4:1460:%8192,*:mss,?9,eol+3:id-,ecn:+
sig = *:64-:0:*:mtu*4,14:::*
[http:request]
ua_os = Linux,Windows
label = s:!:Firefox:10.x or newer
sig = *:Host,User-Agent:Accept=[,*/*;q=]:Firefox/
`
	s, err := Parse("f.fp", []byte(src), "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Request) != 0 || len(s.Response) != 2 {
		t.Fatalf("%d request, %d response", len(s.Request), len(s.Response))
	}
	e := s.Response[0]
	l := e.Label
	if !l.Generic || l.Class != "unix" || l.Name != "Linux" || l.Flavor != "" || l.Confidence != ConfHigh || l.Line != 7 || e.Line != 9 {
		t.Errorf("label %+v line %d", *l, e.Line)
	}
	if e.ver != 4 || e.ttl != 64 || e.badTTL || e.optLen != 4 || e.mss != 1460 || e.wt != winMod || e.win != 8192 ||
		e.scale != -1 || e.opts.N != 3 || e.opts.Kind[1] != 9 || e.opts.Kind[2] != optEOL || e.eolPad != 3 ||
		e.quirks != QuirkZeroID|QuirkECN || e.payload != 1 {
		t.Errorf("entry %+v", e)
	}
	e = s.Response[1]
	if e.ver != -1 || e.ttl != 64 || !e.badTTL || e.mss != -1 || e.wt != winMTU || e.win != 4 || e.scale != 14 ||
		e.opts.N != 0 || e.quirks != 0 || e.payload != -1 || e.Label != l {
		t.Errorf("entry %+v", e)
	}
}

func TestParseDebianP0F(t *testing.T) {
	s := loadP0F(t)
	// Counted with awk on the 3.09b file: sig lines in the two TCP sections.
	if len(s.Request) != 91 || len(s.Response) != 101 {
		t.Errorf("p0f.fp: %d request, %d response", len(s.Request), len(s.Response))
	}
}
