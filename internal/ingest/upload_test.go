package ingest_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/ingest"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/store"
)

// spoolCapture runs a real capture through the sensor pipeline into sp and
// returns the number of records of each spooled batch.
func spoolCapture(t *testing.T, sp *sensor.Spool, sensorID, rel string) map[uint64]int {
	t.Helper()
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.OpenFile(pcaptest.Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	next, err := sp.NextSeq()
	if err != nil {
		t.Fatal(err)
	}
	b := sensor.NewBatcher(sensorID, next, sp.Put)
	cfg := sensor.DefaultConfig()
	cfg.UIDSeed = 1
	if err := sensor.Drain(src, sensor.NewPipeline(cfg, reg, b, nil)); err != nil {
		t.Fatal(err)
	}
	if b.Err != nil {
		t.Fatal(b.Err)
	}
	out := map[uint64]int{}
	for _, seq := range pending(t, sp) {
		data, err := sp.Read(seq)
		if err != nil {
			t.Fatal(err)
		}
		batch, err := record.Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		if batch.Header.Epoch != sp.Epoch() {
			t.Fatalf("batch %d epoch %d, spool %d", seq, batch.Header.Epoch, sp.Epoch())
		}
		out[seq] = len(batch.Records)
	}
	return out
}

// Enrol, capture a real pcap into the spool, upload: every batch is stored
// once under (sensor, epoch, seq) with all its records, the spool empties,
// and the system log, metrics, usage and health say so.
func TestEnrolUploadCapture(t *testing.T) {
	h := newHarness(t, nil)
	sn, id := h.enrol("line-1")
	if sn.CertSerial == "" || sn.CertSerial != pkiSerial(id) || !sn.CertNotAfter.Equal(id.Certificate().NotAfter) {
		t.Fatalf("store after enrolment: serial %q notAfter %v; certificate %s %v", sn.CertSerial, sn.CertNotAfter, pkiSerial(id), id.Certificate().NotAfter)
	}
	if id.SensorID() != "101" || id.Name().Tenant != int64(tenant) {
		t.Fatalf("identity %s %+v", id.SensorID(), id.Name())
	}
	sp := openSpool(t, t.TempDir())
	want := spoolCapture(t, sp, id.SensorID(), "bacnet/bacnet_example.pcap")
	if len(want) != 7 {
		t.Fatalf("spooled %d batches, want 7", len(want))
	}
	total := 0
	for _, n := range want {
		total += n
	}

	u := fastUploader(t, sp, id, "", nil)
	u.Start(context.Background())
	waitFor(t, "spool to drain", func() bool { return len(pending(t, sp)) == 0 })
	u.Stop()

	got, writes := h.st.stored()
	if writes != 7 || len(got) != 7 {
		t.Fatalf("store: %d writes, %d batches; want 7", writes, len(got))
	}
	for seq, n := range want {
		b, ok := got[store.BatchKey{Sensor: sn.ID, Epoch: sp.Epoch(), Seq: seq}]
		if !ok || len(b.records) != n {
			t.Errorf("batch %d: stored=%v with %d records, spooled %d", seq, ok, len(b.records), n)
		}
		if ok && (b.meta.Schema != record.SchemaVersion || b.meta.End.Sub(b.meta.Start) != time.Minute ||
			!strings.HasPrefix(b.meta.SensorVersion, "otsight-sensor/")) {
			t.Errorf("batch %d meta %+v", seq, b.meta)
		}
	}
	if st := u.Stats(); st.Stored != 7 || st.Duplicates != 0 || st.Refused != 0 {
		t.Errorf("uploader stats %+v", st)
	}
	if next, err := sp.NextSeq(); err != nil || next != 7 {
		t.Errorf("next seq after upload = %d, %v; want 7", next, err)
	}

	log := h.st.log(tenant)
	if len(log) != 7 {
		t.Fatalf("system log has %d entries, want 7", len(log))
	}
	var bytes, recs int
	for _, e := range log {
		if e.Result != ingest.ResultStored || e.Sensor != sn.ID || e.Epoch != sp.Epoch() || e.Remote == "" {
			t.Errorf("log entry %+v", e)
		}
		bytes += e.Bytes
		recs += e.Records
	}
	if recs != total {
		t.Errorf("system log counts %d records, spooled %d", recs, total)
	}
	if n := h.counter("otsight_ingest_uploads_total", map[string]string{"result": "stored"}); n != 7 {
		t.Errorf("uploads_total{stored} = %v", n)
	}
	if n := h.counter("otsight_ingest_records_total", nil); n != float64(total) {
		t.Errorf("records_total = %v, want %d", n, total)
	}
	use := h.srv.Usage(sn.ID, time.Now())
	// Seven replies of {"result":"stored"}\n, 20 bytes each.
	if use.Received != uint64(bytes) || use.Sent != 7*20 {
		t.Errorf("usage %+v, want received %d sent 140", use, bytes)
	}
	hl, ok := h.srv.Health(sn.ID)
	if !ok || hl.Stats == nil || !strings.HasPrefix(hl.Version, "otsight-sensor/") {
		t.Fatalf("health %+v", hl)
	}
}

// The same (epoch, seq) twice is stored once; the same seq in a new epoch
// (a rebuilt spool) is new data.
func TestDuplicateAndNewEpoch(t *testing.T) {
	h := newHarness(t, nil)
	sn, id := h.enrol("line-1")
	c := h.client(id.TLSConfig())
	body := marshal(t, testBatch(id.SensorID(), 11, 0, 3))
	if code, rep := h.put(c, 11, 0, body); code != 200 || rep["result"] != "stored" {
		t.Fatalf("first: %d %v", code, rep)
	}
	if code, rep := h.put(c, 11, 0, body); code != 200 || rep["result"] != "duplicate" {
		t.Fatalf("again: %d %v", code, rep)
	}
	body2 := marshal(t, testBatch(id.SensorID(), 12, 0, 5))
	if code, rep := h.put(c, 12, 0, body2); code != 200 || rep["result"] != "stored" {
		t.Fatalf("new epoch: %d %v", code, rep)
	}
	got, writes := h.st.stored()
	if writes != 2 || len(got[store.BatchKey{Sensor: sn.ID, Epoch: 11}].records) != 4 || len(got[store.BatchKey{Sensor: sn.ID, Epoch: 12}].records) != 6 {
		t.Fatalf("store: %d writes %v", writes, got)
	}
	var results []string
	for _, e := range h.st.log(tenant) {
		results = append(results, e.Result)
	}
	if strings.Join(results, ",") != "stored,duplicate,stored" {
		t.Errorf("system log results %v", results)
	}
	if n := h.counter("otsight_ingest_uploads_total", map[string]string{"result": "duplicate"}); n != 1 {
		t.Errorf("uploads_total{duplicate} = %v", n)
	}
}

// The server is down when the sensor starts uploading and comes back a
// while later: the uploader retries, and every batch arrives exactly once.
func TestServerDownThenBack(t *testing.T) {
	h := newHarness(t, nil)
	sn, id := h.enrol("line-1")
	sp := openSpool(t, t.TempDir())
	for seq := range uint64(5) {
		if err := sp.Put(testBatch(id.SensorID(), 0, seq, int(seq)+1)); err != nil {
			t.Fatal(err)
		}
	}
	h.stop()
	u := fastUploader(t, sp, id, h.url, nil)
	u.Start(context.Background())
	waitFor(t, "failed attempts", func() bool { return u.Stats().Failures >= 3 })
	if p := pending(t, sp); len(p) != 5 {
		t.Fatalf("spool lost batches while the server was down: %v", p)
	}
	h.start()
	waitFor(t, "spool to drain", func() bool { return len(pending(t, sp)) == 0 })
	u.Stop()
	got, writes := h.st.stored()
	if writes != 5 || len(got) != 5 {
		t.Fatalf("store: %d writes, %d batches", writes, len(got))
	}
	for seq := range uint64(5) {
		if b := got[store.BatchKey{Sensor: sn.ID, Epoch: sp.Epoch(), Seq: seq}]; len(b.records) != int(seq)+2 {
			t.Errorf("batch %d has %d records, want %d", seq, len(b.records), seq+2)
		}
	}
	if st := u.Stats(); st.Stored != 5 || st.Duplicates != 0 {
		t.Errorf("stats %+v", st)
	}
}

// The server dies during an ingest, after its commit (the reply is lost)
// or before it (the store fails): either way the sensor keeps the batch,
// sends it again, and the store ends with each batch once.
func TestServerDiesDuringIngest(t *testing.T) {
	h := newHarness(t, nil)
	sn, id := h.enrol("line-1")
	var killedAfter, failedBefore atomic.Bool
	h.st.hooks(func(k store.BatchKey) error {
		if k.Seq == 3 && !failedBefore.Swap(true) {
			return errStoreDown // the store fails before its commit
		}
		return nil
	}, func(k store.BatchKey) {
		if k.Seq == 1 && !killedAfter.Swap(true) {
			panic(http.ErrAbortHandler) // committed; the connection dies without a reply
		}
	})
	sp := openSpool(t, t.TempDir())
	for seq := range uint64(5) {
		if err := sp.Put(testBatch(id.SensorID(), 0, seq, 2)); err != nil {
			t.Fatal(err)
		}
	}
	u := fastUploader(t, sp, id, "", nil)
	u.Start(context.Background())
	waitFor(t, "spool to drain", func() bool { return len(pending(t, sp)) == 0 })
	u.Stop()
	got, writes := h.st.stored()
	if writes != 5 || len(got) != 5 {
		t.Fatalf("store: %d writes, %d batches; want 5", writes, len(got))
	}
	for seq := range uint64(5) {
		if _, ok := got[store.BatchKey{Sensor: sn.ID, Epoch: sp.Epoch(), Seq: seq}]; !ok {
			t.Errorf("batch %d missing", seq)
		}
	}
	// Batch 1 was stored before the crash, so its resend is a duplicate.
	if st := u.Stats(); st.Stored != 4 || st.Duplicates != 1 || st.Failures != 2 {
		t.Errorf("stats %+v, want 4 stored, 1 duplicate, 2 failures", st)
	}
	var refusedStore int
	for _, e := range h.st.log(tenant) {
		if e.Result == ingest.ResultRefused && strings.Contains(e.Reason, "storage unavailable") && e.Seq == 3 {
			refusedStore++
		}
	}
	if refusedStore != 1 {
		t.Errorf("store failure logged %d times, want 1", refusedStore)
	}
}

// An uploader closed in the middle of the stream (the sensor stopped or
// killed while a batch is in flight) and a new one on the same spool
// directory: nothing is lost and nothing stored twice.
func TestUploaderRestartMidStream(t *testing.T) {
	h := newHarness(t, nil)
	sn, id := h.enrol("line-1")
	dir := t.TempDir()
	sp := openSpool(t, dir)
	for seq := range uint64(6) {
		if err := sp.Put(testBatch(id.SensorID(), 0, seq, 1)); err != nil {
			t.Fatal(err)
		}
	}
	inFlight, release := make(chan struct{}), make(chan struct{})
	h.st.hooks(nil, func(k store.BatchKey) {
		if k.Seq == 2 {
			close(inFlight) // batch 2 is committed; the reply waits
			<-release
		}
	})
	u := fastUploader(t, sp, id, "", nil)
	u.Start(context.Background())
	<-inFlight
	u.Stop() // abandons batch 2, whose reply never arrives
	close(release)
	if p := pending(t, sp); len(p) != 4 || p[0] != 2 {
		t.Fatalf("after stop the spool holds %v, want 2..5", p)
	}
	h.st.hooks(nil, nil)

	sp2 := openSpool(t, dir) // as after a restart
	if sp2.Epoch() != sp.Epoch() {
		t.Fatal("reopened spool has another epoch")
	}
	u2 := fastUploader(t, sp2, id, "", nil)
	u2.Start(context.Background())
	waitFor(t, "spool to drain", func() bool { return len(pending(t, sp2)) == 0 })
	u2.Stop()
	got, writes := h.st.stored()
	if writes != 6 || len(got) != 6 {
		t.Fatalf("store: %d writes, %d batches; want 6", writes, len(got))
	}
	if st := u.Stats(); st.Stored != 2 {
		t.Errorf("first uploader %+v, want 2 stored", st)
	}
	if st := u2.Stats(); st.Stored != 3 || st.Duplicates != 1 {
		t.Errorf("second uploader %+v, want 3 stored + 1 duplicate", st)
	}
	for seq := range uint64(6) {
		if _, ok := got[store.BatchKey{Sensor: sn.ID, Epoch: sp.Epoch(), Seq: seq}]; !ok {
			t.Errorf("batch %d missing", seq)
		}
	}
	// The numbering survives the spool draining without a clean exit.
	if next, err := openSpool(t, dir).NextSeq(); err != nil || next != 6 {
		t.Errorf("next seq = %d, %v; want 6", next, err)
	}
}
