// Command gen builds vendors.tsv.gz, the MAC vendor table embedded by
// package macvendor, from the IEEE registry CSV files shipped by Debian's
// ieee-data package (/usr/share/ieee-data).
//
// It is run by go generate in the parent directory:
//
//	apt-get install ieee-data
//	go generate ./internal/fingerprint/macvendor
//
// The output is deterministic for a given ieee-data release: rows are
// sorted by (prefix bits, prefix, registry, organization) and the gzip header
// carries no name or modification time, so regenerating from the same input
// yields a byte-identical file and a reviewable diff-free commit.
//
// Output format (after gunzip), UTF-8, one record per line:
//
//	# otsight macvendor; ieee-data <version>; MA-L <n> MA-M <n> MA-S <n> IAB <n>
//	<registry> TAB <prefix bits> TAB <prefix hex, upper case> TAB <organization>
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// source describes one IEEE registry CSV file.
type source struct {
	file     string
	registry string // expected value of the Registry column
	bits     int    // prefix length; the Assignment column has bits/4 hex digits
}

// sources lists the registries in the order their counts appear in the header.
// IAB is the predecessor of MA-S (36-bit blocks under 00:50:C2 and 40:D8:55)
// and still identifies many deployed industrial devices, so it is included.
var sources = []source{
	{"oui.csv", "MA-L", 24},
	{"mam.csv", "MA-M", 28},
	{"oui36.csv", "MA-S", 36},
	{"iab.csv", "IAB", 36},
}

type record struct {
	registry string
	bits     int
	prefix   string
	org      string
}

func main() {
	dir := flag.String("ieee", "/usr/share/ieee-data", "directory holding the ieee-data CSV files")
	out := flag.String("o", "vendors.tsv.gz", "output file")
	version := flag.String("version", "", "ieee-data package version for the header (default: ask dpkg-query)")
	flag.Parse()

	if *version == "" {
		v, err := packageVersion()
		if err != nil {
			log.Fatalf("gen: %v (pass -version)", err)
		}
		*version = v
	}
	if err := run(*dir, *out, *version); err != nil {
		log.Fatalf("gen: %v", err)
	}
}

// packageVersion asks dpkg which ieee-data release is installed, so the
// table records exactly which registry snapshot it was built from.
func packageVersion() (string, error) {
	b, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "ieee-data").Output()
	if err != nil {
		return "", fmt.Errorf("dpkg-query ieee-data: %w", err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", errors.New("dpkg-query ieee-data: empty version")
	}
	return v, nil
}

func run(dir, out, version string) error {
	var all []record
	counts := make([]int, len(sources))
	for i, s := range sources {
		recs, err := readSource(filepath.Join(dir, s.file), s)
		if err != nil {
			return err
		}
		counts[i] = len(recs)
		all = append(all, recs...)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.bits != b.bits {
			return a.bits < b.bits
		}
		if a.prefix != b.prefix {
			return a.prefix < b.prefix
		}
		if a.registry != b.registry {
			return a.registry < b.registry
		}
		return a.org < b.org
	})

	tmp := out + ".tmp"
	if err := write(tmp, version, counts, all); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return fmt.Errorf("rename %s: %w", tmp, err)
	}
	return nil
}

func readSource(path string, s source) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open registry: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = 4
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	if header[0] != "Registry" || header[1] != "Assignment" || header[2] != "Organization Name" {
		return nil, fmt.Errorf("%s: unexpected header %q", path, header)
	}
	var recs []record
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if row[0] != s.registry {
			return nil, fmt.Errorf("%s: row registry %q, want %q", path, row[0], s.registry)
		}
		prefix := strings.ToUpper(strings.TrimSpace(row[1]))
		if len(prefix) != s.bits/4 || strings.Trim(prefix, "0123456789ABCDEF") != "" {
			return nil, fmt.Errorf("%s: bad assignment %q for %d-bit prefix", path, row[1], s.bits)
		}
		recs = append(recs, record{registry: s.registry, bits: s.bits, prefix: prefix, org: cleanOrg(row[2])})
	}
	return recs, nil
}

// cleanOrg collapses whitespace (the registry has trailing blanks and a few
// embedded tabs/newlines) so every name fits on one TSV line.
func cleanOrg(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func write(path, version string, counts []int, recs []record) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return fmt.Errorf("gzip writer: %w", err)
	}
	w := bufio.NewWriter(zw)
	fmt.Fprintf(w, "# otsight macvendor; ieee-data %s;", version)
	for i, s := range sources {
		fmt.Fprintf(w, " %s %d", s.registry, counts[i])
	}
	w.WriteString("\n")
	for _, r := range recs {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", r.registry, r.bits, r.prefix, r.org)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return fmt.Errorf("gzip close %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}
