package gen

import (
	"slices"
	"strings"
	"testing"
)

func TestPresetSizes(t *testing.T) {
	want := map[string]int{"small": 65, "factory": 401, "large": 1501, "huge": 10011}
	if got := Presets(); !slices.Equal(got, []string{"factory", "huge", "large", "small"}) {
		t.Errorf("presets %v", got)
	}
	for name, n := range want {
		p, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := DeviceCount(p); got != n {
			t.Errorf("%s: %d devices, want %d", name, got, n)
		}
	}
}

func TestPlantErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"name: x\noffice: {vlan: 10, subnet: 10.0.0.0/24}\nplant: {vlan: 20, subnet: 10.1.0.0/24}\nbuilding: {vlan: 30, subnet: 10.2.0.0/24}\ncells: [{vlan: 10, subnet: 192.168.1.0/24}]", "cells[0].vlan: VLAN 10 already used by office.vlan"},
		{"name: x\noffice: {vlan: 10, subnet: banana}\nplant: {vlan: 20, subnet: 10.1.0.0/24}\nbuilding: {vlan: 30, subnet: 10.2.0.0/24}", `office.subnet: "banana" is not an IPv4 prefix`},
		{"name: x\noffice: {vlan: 10, subnet: 10.0.0.0/24, windows: 300}\nplant: {vlan: 20, subnet: 10.1.0.0/24}\nbuilding: {vlan: 30, subnet: 10.2.0.0/24}", `office.subnet: "10.0.0.0/24" has room for 244 hosts, 304 needed`},
		{"name: x\noffice: {vlan: 10, subnet: 10.0.0.0/24}\nplant: {vlan: 20, subnet: 10.1.0.0/24}\nbuilding: {vlan: 30, subnet: 10.2.0.0/24}\ncells: [{vlan: 100, subnet: 192.168.1.0/24, plcs: {abb: 1}}]", `cells[0].plcs: unknown maker "abb"`},
		{"name: x\noffice: {vlan: 10, subnet: 10.0.0.0/24}\nplant: {vlan: 20, subnet: 10.1.0.0/24}\nbuilding: {vlan: 30, subnet: 10.2.0.0/24}\ncells: [{vlan: 100, subnet: 192.168.1.0/24, poll: fast}]", `duration "fast"`},
		{"name: x\noffice: {vlan: 10, subnet: 10.0.0.0/24}\nplant: {vlan: 20, subnet: 10.1.0.0/24}\nbuilding: {vlan: 30, subnet: 10.2.0.0/24}\ncells: [{vlan: 100, subnet: 192.168.1.0/24}]\nevents: [{at: 1m, kind: meteor}]", `events[0].kind: unknown kind "meteor"`},
		{"name: x\nofice: {}", `unknown field "ofice"`},
	} {
		_, err := ParsePlant([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want it to contain %q", err, c.want)
		}
	}
}

func FuzzParsePlant(f *testing.F) {
	for _, name := range Presets() {
		data, err := presetFS.ReadFile("presets/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("cells: [{count: -1}]"))
	f.Add([]byte("office: {subnet: 10.0.0.0/31}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePlant(data)
		if err != nil {
			return
		}
		if p == nil {
			t.Fatal("no plant and no error")
		}
	})
}
