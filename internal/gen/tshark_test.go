package gen

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tsharkFields are the fields the check reads per frame.
var tsharkFields = []string{"frame.protocols", "modbus.func_code", "s7comm.header.rosctr", "s7comm.param.func",
	"cotp.type", "enip.command", "cip.sc", "omron.command", "bacapp.type", "bacapp.confirmed_service",
	"bacapp.unconfirmed_service", "pn_dcp.service_id", "pn_dcp.service_type", "opcua.transport.type",
	"opcua.servicenodeid.numeric", "arp.opcode", "http.request.method", "http.response.code"}

func hexByte(s string) string {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 32)
	if err != nil {
		return "?" + s
	}
	return fmt.Sprintf("%02x", v)
}

// tsharkKind maps one frame's fields to the generator's message kind: the
// same names Stats.Messages uses.
func tsharkKind(f map[string]string) string {
	protos := ":" + f["frame.protocols"] + ":"
	has := func(p string) bool { return strings.Contains(protos, ":"+p+":") }
	switch {
	case f["modbus.func_code"] != "":
		return "modbus/" + f["modbus.func_code"]
	case f["s7comm.header.rosctr"] != "":
		return "s7comm/" + f["s7comm.header.rosctr"] + "/" + hexByte(f["s7comm.param.func"])
	case f["cotp.type"] == "0x0e":
		return "cotp/cr"
	case f["cotp.type"] == "0x0d":
		return "cotp/cc"
	case f["cip.sc"] != "":
		v, _ := strconv.ParseUint(strings.TrimPrefix(f["cip.sc"], "0x"), 16, 8)
		return "enip/" + hexByte(f["enip.command"]) + "/" + fmt.Sprintf("%02x", v&0x7f)
	case f["enip.command"] != "":
		return "enip/" + hexByte(f["enip.command"])
	case f["omron.command"] != "":
		v, _ := strconv.ParseUint(strings.TrimPrefix(f["omron.command"], "0x"), 16, 16)
		return fmt.Sprintf("fins/%04x", v)
	case f["bacapp.type"] == "0" || f["bacapp.type"] == "3":
		return "bacnet/" + f["bacapp.type"] + "/" + f["bacapp.confirmed_service"]
	case f["bacapp.type"] == "1":
		return "bacnet/1/" + f["bacapp.unconfirmed_service"]
	case f["pn_dcp.service_id"] != "":
		return "pn_dcp/" + f["pn_dcp.service_id"] + "/" + f["pn_dcp.service_type"]
	case f["opcua.transport.type"] == "OPN" || f["opcua.transport.type"] == "MSG":
		return "opcua/" + f["opcua.servicenodeid.numeric"]
	case f["opcua.transport.type"] != "":
		return "opcua/" + f["opcua.transport.type"]
	case f["arp.opcode"] != "":
		return "arp/" + f["arp.opcode"]
	case has("lldp"):
		return "lldp"
	case has("dhcp"):
		return "dhcp"
	case has("dns"):
		return "dns"
	case has("nbns"):
		return "nbns"
	case has("browser"):
		return "cifs_browser"
	case has("ssdp"):
		return "ssdp"
	case f["http.request.method"] != "" || f["http.response.code"] != "":
		return "http"
	}
	return ""
}

// Kinds tshark cannot name: SLMP and CC-Link IE Field Basic have no
// dissector in tshark 4.0.
var noTshark = []string{"slmp/0401", "slmp/1002", "cclink_ief_basic/0e70"}

func TestTshark(t *testing.T) {
	if testing.Short() {
		t.Skip("tshark check reads 270k frames twice; skipped in -short mode")
	}
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed: the cleanliness check needs it")
	}
	p, err := Preset("small")
	if err != nil {
		t.Fatal(err)
	}
	// A working morning, so the office side is busy, with every event.
	o := Options{Plant: p, Start: time.Date(2025, 3, 4, 9, 58, 0, 0, time.UTC), Duration: 10 * time.Minute, Seed: 3}
	var buf bytes.Buffer
	st, err := WritePackets(o, &buf, "gen.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "gen.pcapng")
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	bad, err := exec.Command("tshark", "-r", name, "-n", "-o", "ip.check_checksum:TRUE",
		"-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-Y", "_ws.malformed || _ws.expert.severity >= error").Output()
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("tshark finds malformed or erroneous frames:\n%s", head(strings.Split(string(bad), "\n"), 10))
	}
	args := []string{"-r", name, "-n", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"}
	for _, f := range tsharkFields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]uint64{}
	frames := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		frames++
		vals := strings.Split(sc.Text(), "\t")
		f := map[string]string{}
		for i, name := range tsharkFields {
			if i < len(vals) {
				f[name] = vals[i]
			}
		}
		if k := tsharkKind(f); k != "" {
			got[k]++
		}
	}
	if uint64(frames) != st.Packets {
		t.Errorf("tshark read %d frames, generator wrote %d", frames, st.Packets)
	}
	for _, k := range slices.Sorted(mapKeys(st.Messages)) {
		if slices.Contains(noTshark, k) {
			t.Logf("%-24s generator %7d (no tshark dissector)", k, st.Messages[k])
			continue
		}
		if got[k] != st.Messages[k] {
			t.Errorf("%-24s generator %7d tshark %7d", k, st.Messages[k], got[k])
		} else {
			t.Logf("%-24s generator %7d tshark %7d", k, st.Messages[k], got[k])
		}
	}
	for _, k := range slices.Sorted(mapKeys(got)) {
		if _, ok := st.Messages[k]; !ok {
			t.Errorf("tshark sees %d %s the generator did not write", got[k], k)
		}
	}
}
