package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type storeCfg struct {
	Dir           string        `yaml:"dir"`
	RetentionDays int           `yaml:"retention_days"`
	SizeCap       int64         `yaml:"size_cap"`
	Interval      time.Duration `yaml:"interval"`
}

type testCfg struct {
	Listen string   `yaml:"listen"`
	Hosts  []string `yaml:"hosts"`
	Debug  bool     `yaml:"debug"`
	Store  storeCfg `yaml:"store"`
}

func defaults() testCfg {
	return testCfg{Listen: "127.0.0.1:8080", Store: storeCfg{Dir: "data", RetentionDays: 365, Interval: time.Hour}}
}

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsWithoutFile(t *testing.T) {
	c := defaults()
	if err := Load(&c, "", "OTSIGHT", nil); err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || c.Store.RetentionDays != 365 {
		t.Fatalf("defaults changed: %+v", c)
	}
}

func TestFileThenEnvironment(t *testing.T) {
	c := defaults()
	p := write(t, "listen: 0.0.0.0:9000\nstore:\n  retention_days: 30\n  interval: 10m\n")
	env := []string{
		"PATH=/usr/bin",
		"OTSIGHT_STORE_RETENTION_DAYS=7",
		"OTSIGHT_HOSTS=[a.example, 10.0.0.1]",
		"OTSIGHT_DEBUG=true",
		"OTSIGHT_STORE_SIZE_CAP=119000000000",
	}
	if err := Load(&c, p, "OTSIGHT", env); err != nil {
		t.Fatal(err)
	}
	want := testCfg{Listen: "0.0.0.0:9000", Hosts: []string{"a.example", "10.0.0.1"}, Debug: true,
		Store: storeCfg{Dir: "data", RetentionDays: 7, SizeCap: 119_000_000_000, Interval: 10 * time.Minute}}
	if c.Listen != want.Listen || strings.Join(c.Hosts, ",") != "a.example,10.0.0.1" || !c.Debug || c.Store != want.Store {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
}

func TestSingleListValue(t *testing.T) {
	c := defaults()
	if err := Load(&c, "", "OTSIGHT", []string{"OTSIGHT_HOSTS=plant.example"}); err != nil {
		t.Fatal(err)
	}
	if len(c.Hosts) != 1 || c.Hosts[0] != "plant.example" {
		t.Fatalf("hosts %q", c.Hosts)
	}
}

func TestErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		file string
		env  []string
		want string
	}{
		{file: "listen: x\nlisen: y\n", want: "lisen"},
		{file: "store:\n  retention_days: many\n", want: "retention_days"},
		{env: []string{"OTSIGHT_STORE_RETENTON_DAYS=3"}, want: "OTSIGHT_STORE_RETENTON_DAYS"},
		{env: []string{"OTSIGHT_STORE_INTERVAL=soon"}, want: "OTSIGHT_STORE_INTERVAL"},
		{env: []string{"OTSIGHT_DEBUG=perhaps"}, want: "OTSIGHT_DEBUG"},
	}
	for _, tc := range cases {
		c := defaults()
		path := ""
		if tc.file != "" {
			path = write(t, tc.file)
		}
		err := Load(&c, path, "OTSIGHT", tc.env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("file %q env %v: error %v, want one naming %q", tc.file, tc.env, err, tc.want)
		}
	}
	c := defaults()
	if err := Load(&c, filepath.Join(t.TempDir(), "missing.yaml"), "OTSIGHT", nil); err == nil {
		t.Error("missing file accepted")
	}
}

func TestPrintRoundTrip(t *testing.T) {
	c := defaults()
	c.Hosts = []string{"h1"}
	out, err := Print(&c)
	if err != nil {
		t.Fatal(err)
	}
	back := testCfg{}
	if err := Load(&back, write(t, string(out)), "OTSIGHT", nil); err != nil {
		t.Fatalf("printed config does not load: %v\n%s", err, out)
	}
	if back.Listen != c.Listen || back.Store != c.Store || back.Hosts[0] != "h1" {
		t.Fatalf("round trip: %+v\n%s", back, out)
	}
}

func TestVariables(t *testing.T) {
	vars := Variables(&testCfg{}, "OTSIGHT")
	var names []string
	for _, v := range vars {
		names = append(names, v.Name+"="+v.Path)
	}
	got := strings.Join(names, " ")
	want := "OTSIGHT_DEBUG=debug OTSIGHT_HOSTS=hosts OTSIGHT_LISTEN=listen OTSIGHT_STORE_DIR=store.dir " +
		"OTSIGHT_STORE_INTERVAL=store.interval OTSIGHT_STORE_RETENTION_DAYS=store.retention_days OTSIGHT_STORE_SIZE_CAP=store.size_cap"
	if got != want {
		t.Fatalf("variables\n got %s\nwant %s", got, want)
	}
}
