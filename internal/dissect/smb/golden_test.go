package smb_test

import (
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/smb"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// merged returns the results with the smb2 counts added to smb's: the
// golden (one snippet, one file) counts both; their codes cannot collide
// ("0x72" against "0x0000").
func merged(t *testing.T, all map[string]*sensortest.Result) map[string]*sensortest.Result {
	out := make(map[string]*sensortest.Result, len(all))
	for p, r := range all {
		sum := &sensor.ProtoSummary{Functions: map[string]uint64{}}
		for _, n := range []string{dissect.NameSMB, dissect.NameSMB2} {
			ps := r.Summary.Protocols[n]
			if ps == nil {
				continue
			}
			sum.Messages += ps.Messages
			sum.Errors += ps.Errors
			for c, k := range ps.Functions {
				if (len(c) == 6) != (n == dissect.NameSMB2) && c != "malformed" {
					t.Errorf("%s: %s code %q", p, n, c)
				}
				sum.Functions[c] += k
			}
		}
		s := *r.Summary
		s.Protocols = map[string]*sensor.ProtoSummary{}
		if sum.Messages > 0 {
			s.Protocols[dissect.NameSMB] = sum
		}
		out[p] = &sensortest.Result{Summary: &s, Records: r.Records}
	}
	return out
}

func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	// No known differences: every SMB1 and SMB2 header tshark decodes on
	// TCP is counted, with the same command and error.
	sensortest.CheckGolden(t, merged(t, all), dissect.NameSMB, "testdata/tshark.golden", map[string]string{})

	// The SMB2 captures count as smb2, the SMB1 ones as smb.
	if ps := all["it/smb3.pcap"].Summary.Protocols[dissect.NameSMB2]; ps == nil || ps.Messages != 10 {
		t.Errorf("smb3.pcap smb2 %+v", ps)
	}
	if ps := all["modbus/mb2.pcap"].Summary.Protocols[dissect.NameSMB]; ps == nil || ps.Messages != 20 {
		t.Errorf("mb2.pcap smb %+v", ps)
	}
}

func smbRecords(all map[string]*sensortest.Result, path string) (rs []*record.SMB, ids []*record.AssetID) {
	for _, r := range all[path].Records {
		switch v := r.(type) {
		case *record.SMB:
			rs = append(rs, v)
		case *record.AssetID:
			ids = append(ids, v)
		}
	}
	return rs, ids
}

// TestRecords checks the records against tshark's reading of the same
// frames (fields smb.dialect.name, smb.dialect.index, smb2.dialect,
// smb.native_os, smb.native_lanman, ntlmssp.version.*, ntlmssp.auth.*,
// ntlmssp.challenge.target_info.*, smb.path, smb2.tree, smb2.share_type).
func TestRecords(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]*sensortest.Result{}
	for _, p := range []string{"it/smb3.pcap", "it/cifs_negotiate_lanman.pcap", "modbus/mb2.pcap"} {
		r, err := sensortest.Run(reg, pcaptest.Path(t, p))
		if err != nil {
			t.Fatal(err)
		}
		all[p] = r
	}

	// cifs_negotiate_lanman: four LAN Manager dialects, index 3 chosen
	rs, _ := smbRecords(all, "it/cifs_negotiate_lanman.pcap")
	if len(rs) != 1 || rs[0].Action != record.SMBNegotiate || rs[0].Version != "SMB1" ||
		strings.Join(rs[0].Dialects, ",") != "PC NETWORK PROGRAM 1.0,LANMAN1.0,LM1.2X002,LANMAN2.1" ||
		rs[0].Dialect != "LANMAN2.1" || !rs[0].ResponseSeen {
		t.Errorf("cifs_negotiate_lanman %+v", rs)
	}

	// smb3: SMB 3.0 negotiated; NTLM CHALLENGE from a Windows Server 2016
	// (10.0 build 14393) named WS2016 in suse.de; AUTHENTICATE as
	// SUSE\administrator without a host name; two tree connects.
	rs, ids := smbRecords(all, "it/smb3.pcap")
	if len(rs) != 4 {
		t.Fatalf("smb3 records %d", len(rs))
	}
	if r := rs[0]; r.Action != record.SMBNegotiate || r.Version != "SMB2" || strings.Join(r.Dialects, ",") != "3.0" || r.Dialect != "3.0" {
		t.Errorf("smb3 negotiate %+v", r)
	}
	if r := rs[1]; r.Action != record.SMBSessionSetup || r.Status != 0 || r.DomainName != "SUSE" || r.UserName != "administrator" ||
		r.HostName != "" || r.ServerNTLMVersion != "10.0.14393" || r.ClientNTLMVersion != "" || r.ServerNBComputerName != "WS2016" ||
		r.ServerNBDomainName != "SUSE" || r.ServerDNSComputerName != "WS2016.suse.de" || r.ServerDNSDomainName != "suse.de" {
		t.Errorf("smb3 session %+v", r)
	}
	if rs[2].Path != `\\WS2016\encrypted` || rs[2].ShareType != "disk" || rs[3].Path != `\\10.160.65.202\IPC$` || rs[3].ShareType != "pipe" {
		t.Errorf("smb3 trees %+v %+v", rs[2], rs[3])
	}
	if len(ids) != 1 || ids[0].Message != "ntlm version" || ids[0].Firmware != "10.0.14393" || ids[0].Name != "WS2016" ||
		ids[0].IP.String() != "10.160.65.202" {
		t.Errorf("smb3 identity %+v", ids)
	}

	// mb2: a Windows XP SP3 panel PC (PANELPC02) logs on to a Windows
	// Server 2008 SP2 (IAS01) over NetBIOS 139, anonymously first, then as
	// PANELPC02\Administrator; the second tree connect is refused with
	// STATUS_BAD_NETWORK_NAME (0xc00000cc).
	rs, ids = smbRecords(all, "modbus/mb2.pcap")
	if len(rs) != 5 {
		t.Fatalf("mb2 records %d", len(rs))
	}
	s := rs[1]
	if s.ClientNativeOS != "Windows 2002 Service Pack 3 2600" || s.ClientNativeLanMan != "Windows 2002 5.1" ||
		s.ServerNativeOS != "Windows Server (R) 2008 Standard 6002 Service Pack 2" ||
		s.ServerNativeLanMan != "Windows Server (R) 2008 Standard 6.0" || s.ClientNTLMVersion != "5.1.2600" ||
		s.ServerNTLMVersion != "6.0.6002" || s.UserName != "" || s.HostName != "PANELPC02" {
		t.Errorf("mb2 anonymous session %+v", s)
	}
	if s := rs[3]; s.UserName != "Administrator" || s.DomainName != "PANELPC02" {
		t.Errorf("mb2 session %+v", s)
	}
	if r := rs[4]; r.Action != record.SMBTreeConnect || r.Status != 0xc00000cc ||
		r.Path != `\\IAS01\ARCHESTRA-ENGWESTBURY-INTOUCHVIEWAPP_PANELPC02` {
		t.Errorf("mb2 tree %+v", r)
	}
	got := map[string]bool{}
	for _, id := range ids {
		if id.Protocol != dissect.NameSMB && id.Protocol != dissect.NameSMB2 {
			continue // the capture's LLDP switch names itself too
		}
		got[id.IP.String()+"|"+id.Message+"|"+id.Product+"|"+id.Firmware+"|"+id.Name] = true
	}
	for _, w := range []string{
		"141.81.0.182|smb native os|Windows 2002 Service Pack 3 2600||",
		"141.81.0.10|smb native os|Windows Server (R) 2008 Standard 6002 Service Pack 2||",
		"141.81.0.182|ntlm version|Windows|5.1.2600|PANELPC02",
		"141.81.0.10|ntlm version|Windows|6.0.6002|IAS01",
	} {
		if !got[w] {
			t.Errorf("mb2 identity %q missing in %v", w, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("mb2 identities %v", got)
	}
}

func payloads(tb testing.TB) []dissecttest.Chunk {
	var out []dissecttest.Chunk
	for _, rel := range []string{"it/smb3.pcap", "it/smb1.pcap", "modbus/mb2.pcap"} {
		out = append(out, sensortest.Payloads(tb, smb.Spec, rel)...)
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, c := range payloads(f) {
		f.Add(c.Data, uint8(c.Dir))
	}
	// an SMB2 header whose NextCommand (48) points inside itself
	compound := make([]byte, 4+72)
	compound[3] = 72
	copy(compound[4:], "\xfeSMB")
	compound[4+20] = 48
	f.Add(compound, uint8(0))
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 40000, RespP: 445}
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		p := smb.Spec.New()
		out := &dissecttest.Counter{}
		cut := 0
		if len(data) > 0 {
			cut = int(split) % (len(data) + 1)
		}
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			ctx := &dissect.Context{Dir: dir, Ep: ep, Out: out}
			p.Parse(ctx, data[:cut])
			if split&0x80 != 0 {
				p.(dissect.GapParser).Gap(ctx, int(split&0x3f))
			}
			p.Parse(ctx, data[cut:])
		}
		p.(dissect.Closer).Close(&dissect.Context{Ep: ep, Out: out})
		smb.Detect(dissect.FromOrig, data)
	})
}

func BenchmarkParse(b *testing.B) {
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 40000, RespP: 445}
	dissecttest.Replay(b, smb.Spec, ep, payloads(b))
}
