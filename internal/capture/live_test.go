package capture

import (
	"strings"
	"testing"
	"time"
)

func TestParseInterface(t *testing.T) {
	for in, want := range map[string]LiveInterface{
		"eth1":        {"eth1", "eth1"},
		"eth1=lineA":  {"eth1", "lineA"},
		"eth1=a=b":    {"eth1", "a=b"},
		"enp1s0=ライン1": {"enp1s0", "ライン1"},
	} {
		got, err := ParseInterface(in)
		if err != nil || got != want {
			t.Errorf("ParseInterface(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "=lineA", "eth1="} {
		if _, err := ParseInterface(in); err == nil {
			t.Errorf("ParseInterface(%q) accepted", in)
		}
	}
}

func TestLiveConfigValidate(t *testing.T) {
	ok := DefaultLiveConfig()
	ok.Interfaces = []LiveInterface{{Name: "eth1", Label: "lineA"}, {Name: "eth2"}}
	if err := ok.validate(4096); err != nil {
		t.Fatalf("default configuration rejected: %v", err)
	}
	for _, c := range []struct {
		change func(*LiveConfig)
		want   string
	}{
		{func(c *LiveConfig) { c.Interfaces = nil }, "no interface"},
		{func(c *LiveConfig) { c.Interfaces[1].Name = "eth1" }, "interface eth1 listed twice"},
		{func(c *LiveConfig) { c.Interfaces[1].Label = "lineA" }, "label lineA used twice"},
		{func(c *LiveConfig) { c.Interfaces[0].Label = "eth2" }, "label eth2 used twice"},
		{func(c *LiveConfig) { c.BlockSize = 4096*3 + 1 }, "block size 12289"},
		{func(c *LiveConfig) { c.NumBlocks = 1 }, "number of blocks 1"},
		{func(c *LiveConfig) { c.BlockTimeout = time.Microsecond }, "block timeout 1µs"},
		{func(c *LiveConfig) { c.Timeout = -time.Second }, "negative timeout"},
	} {
		cfg := ok
		cfg.Interfaces = append([]LiveInterface(nil), ok.Interfaces...)
		c.change(&cfg)
		if err := cfg.validate(4096); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}
