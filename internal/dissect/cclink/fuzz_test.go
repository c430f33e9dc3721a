package cclink

import (
	"encoding/hex"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
)

// FuzzParse feeds arbitrary bytes to every parser of the package as a UDP
// datagram in both directions and as an Ethernet frame payload.
func FuzzParse(f *testing.F) {
	for _, s := range []string{basicReq, basicResp, ieTransient2, tsnSLMPResp, tsnSLMPReq, tsnTestData, tsnC1, ptpSync} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	c2 := make([]byte, 186)
	c2[0] = 0xC2
	f.Add(c2)
	f.Fuzz(func(t *testing.T, data []byte) {
		out := discard{}
		for _, s := range []*dissect.Spec{SpecFieldBasic, SpecIE, SpecTSN} {
			for _, tr := range []dissect.Transport{dissect.UDP, dissect.Ether} {
				ps := s.New()
				ep := &dissect.Endpoints{Transport: tr}
				for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
					ps.Parse(&dissect.Context{Dir: dir, Ep: ep, Out: out}, data)
				}
			}
			if s.Detect != nil {
				s.Detect(0, data)
			}
		}
	})
}

// BenchmarkParse measures one Field frame, one PTP frame and one Field
// Basic request per iteration (three messages).
func BenchmarkParse(b *testing.B) {
	ep := &dissect.Endpoints{Transport: dissect.Ether}
	ctx := &dissect.Context{Ep: ep, Out: discard{}}
	frame, _ := hex.DecodeString(ieTransient2)
	ptp, _ := hex.DecodeString(ptpSync)
	req, _ := hex.DecodeString(basicReq)
	ie, tsn, basic := SpecIE.New(), SpecTSN.New(), SpecFieldBasic.New()
	b.ReportAllocs()
	for b.Loop() {
		ie.Parse(ctx, frame)
		tsn.Parse(ctx, ptp)
		basic.Parse(ctx, req)
	}
}
