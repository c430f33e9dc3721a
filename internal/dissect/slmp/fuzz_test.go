package slmp

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
)

// FuzzParse feeds arbitrary bytes to the SLMP and MELSOFT parsers as TCP
// chunks in both directions (split in two) and as datagrams, and to the
// heuristics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{binRead3E, binReadResp3E, binWriteIQR, binRun4E, binRun4EResp, binTypeNameResp, binErrResp,
		melsoftHello, melsoftHelloAns, melsoftOpenReq, melsoftOpenResp, melsoftErrResp} {
		f.Add(frameBytes(f, s))
	}
	f.Add([]byte(asciiRead3E[2:]))
	f.Add([]byte(asciiStop4E[2:]))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range []*dissect.Spec{Spec, SpecMELSOFT} {
			s.Detect(0, data)
			for _, tr := range []dissect.Transport{dissect.TCP, dissect.UDP} {
				p := s.New()
				ep := &dissect.Endpoints{Transport: tr}
				half := len(data) / 2
				for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
					ctx := &dissect.Context{Dir: dir, Ep: ep, Out: discard{}}
					p.Parse(ctx, data[:half])
					p.Parse(ctx, data[half:])
				}
			}
		}
	})
}

// BenchmarkParse measures one SLMP request/response pair and one MELSOFT
// request/response pair over TCP per iteration (four messages).
func BenchmarkParse(b *testing.B) {
	ep := &dissect.Endpoints{Transport: dissect.TCP}
	ctx := &dissect.Context{Ep: ep, Out: discard{}}
	sreq, sresp := frameBytes(b, binRead3E), frameBytes(b, binReadResp3E)
	mreq, mresp := frameBytes(b, melsoftOpenReq), frameBytes(b, melsoftErrResp)
	sp, mp := Spec.New(), SpecMELSOFT.New()
	b.ReportAllocs()
	for b.Loop() {
		ctx.Dir = 0
		sp.Parse(ctx, sreq)
		mp.Parse(ctx, mreq)
		ctx.Dir = 1
		sp.Parse(ctx, sresp)
		mp.Parse(ctx, mresp)
	}
}
