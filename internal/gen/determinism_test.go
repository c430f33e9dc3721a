package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
)

// digest runs the three outputs of one configuration and hashes them.
func digest(t *testing.T, o Options, name string) (pcap, recs, truth string) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := WritePackets(o, &buf, name); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(buf.Bytes())
	pcap = hex.EncodeToString(h[:])
	rh := sha256.New()
	if _, err := WriteRecords(o, 0, func(b *record.Batch) error {
		data, err := record.Marshal(b)
		rh.Write(data)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	recs = hex.EncodeToString(rh.Sum(nil))
	ev, err := Truth(o)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteTruth(&buf, ev); err != nil {
		t.Fatal(err)
	}
	h = sha256.Sum256(buf.Bytes())
	return pcap, recs, hex.EncodeToString(h[:])
}

func TestDeterministic(t *testing.T) {
	p, err := Preset("small")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Plant: p, Start: time.Date(2025, 3, 4, 9, 57, 0, 0, time.UTC), Duration: 9 * time.Minute, Seed: 11}
	a1, b1, c1 := digest(t, o, "x.pcapng")
	a2, b2, c2 := digest(t, o, "x.pcapng")
	if a1 != a2 || b1 != b2 || c1 != c2 {
		t.Errorf("same options, different output: pcap %s/%s records %s/%s truth %s/%s", a1, a2, b1, b2, c1, c2)
	}
	o.Seed = 12
	a3, b3, _ := digest(t, o, "x.pcapng")
	if a3 == a1 || b3 == b1 {
		t.Error("another seed gave the same packets or records")
	}
}
