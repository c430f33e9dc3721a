package eos

import (
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
)

// asOf is the day the table is dated, the "now" of most tests.
var asOf = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestTableHeader(t *testing.T) {
	if !AsOf.Equal(day("2026-11-27")) {
		t.Errorf("AsOf = %v, want 2026-11-27", AsOf)
	}
	if n := len(Entries()); n != 97 {
		t.Errorf("%d entries, want 97", n)
	}
	for _, e := range Entries() {
		if e.Source == "" || e.Extended.IsZero() {
			t.Errorf("%s: no source or end date", e.Name())
		}
		if !e.Mainstream.IsZero() && e.Mainstream.After(e.Extended) || !e.ESU.IsZero() && e.ESU.Before(e.Extended) {
			t.Errorf("%s: dates out of order", e.Name())
		}
		// Microsoft ends support on Patch Tuesday (the second Tuesday),
		// with a few older exceptions on a month's last day.
		if strings.HasPrefix(e.Source, "MS:") {
			for _, d := range []time.Time{e.Mainstream, e.Extended, e.ESU} {
				if !d.IsZero() && d.Weekday() != time.Tuesday && d.AddDate(0, 0, 1).Day() != 1 {
					t.Errorf("%s: %s is a %s", e.Name(), date(d), d.Weekday())
				}
			}
		}
	}
}

// Exact dates of a set of editions, each checked against the source
// named in its row.
func TestEntryDates(t *testing.T) {
	for _, tc := range []struct {
		product, edition, version string
		mainstream, extended, esu string
	}{
		{"Windows XP", "", "", "2009-04-14", "2014-04-08", ""},
		{"Windows XP", "POSReady 2009", "", "2014-04-08", "2019-04-09", ""},
		{"Windows 7", "", "", "2015-01-13", "2020-01-14", "2023-01-10"},
		{"Windows 7", "Embedded Standard 7", "", "2015-10-13", "2020-10-13", "2023-10-10"},
		{"Windows 7", "POSReady 7", "", "2016-10-11", "2021-10-12", "2024-10-08"},
		{"Windows 10", "Home/Pro", "1809", "", "2020-11-10", ""},
		{"Windows 10", "Enterprise LTSC 2019/IoT Enterprise LTSC 2019", "1809", "2024-01-09", "2029-01-09", ""},
		{"Windows 10", "IoT Enterprise LTSC 2021", "21H2", "2027-01-12", "2032-01-13", ""},
		{"Windows 10", "Enterprise LTSB 2016/IoT Enterprise LTSB 2016", "1607", "2021-10-12", "2026-10-13", ""},
		{"Windows Server 2012 R2", "", "", "2018-10-09", "2023-10-10", "2026-10-13"},
		{"Windows Server 2022", "", "", "2026-10-13", "2031-10-14", ""},
		{"Windows Embedded Compact", "", "2013", "2018-10-09", "2023-10-10", ""},
		{"Windows CE", "", "6.0", "2013-04-09", "2018-04-10", ""},
		{"Debian", "", "11", "2024-08-14", "2026-08-31", ""},
		{"Ubuntu", "", "18.04", "", "2023-05-31", "2028-04-30"},
		{"Linux kernel", "", "4.19", "", "2024-12-31", ""},
		{"Red Hat Enterprise Linux", "", "8", "2024-05-31", "2029-05-31", "2032-05-31"},
	} {
		var found *Entry
		for _, e := range Entries() {
			if e.Product == tc.product && strings.Join(e.Edition, "/") == tc.edition && e.Version == tc.version {
				found = &e
				break
			}
		}
		if found == nil {
			t.Errorf("no row %s %s %s", tc.product, tc.edition, tc.version)
			continue
		}
		for _, d := range []struct {
			got  time.Time
			want string
		}{{found.Mainstream, tc.mainstream}, {found.Extended, tc.extended}, {found.ESU, tc.esu}} {
			if got := optDate(d.got); got != d.want {
				t.Errorf("%s: date %s, want %s", found.Name(), got, d.want)
			}
		}
	}
}

func optDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return date(t)
}

// lookupCase looks up the estimate Combine makes of some evidence.
type lookupCase struct {
	name  string
	ev    []osguess.Evidence
	now   time.Time
	state State
	cands string // candidate names and phases, "; "-separated
}

func candString(cs []Candidate) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name() + "=" + string(c.Phase)
	}
	return strings.Join(parts, "; ")
}

func TestLookup(t *testing.T) {
	ntlm := func(v string) []osguess.Evidence { return []osguess.Evidence{{Source: osguess.SourceNTLM, Raw: v}} }
	for _, tc := range []lookupCase{
		// The XP host of modbus/mb2.pcap.
		{"xp", ntlm("5.1.2600"), asOf, Unsupported,
			"Windows XP=ended; Windows XP Embedded=ended; Windows XP POSReady 2009=ended"},
		// The 1809 build cannot tell Pro from LTSC: Ambiguous, never the
		// worst guess.
		{"1809", ntlm("10.0.17763"), asOf, Ambiguous,
			"Windows 10 1809 Home/Pro=ended; Windows 10 1809 Enterprise/Education=ended; " +
				"Windows 10 1809 Enterprise LTSC 2019/IoT Enterprise LTSC 2019=extended; Windows Server 2019=extended"},
		{"server 2022", ntlm("10.0.20348"), asOf, Supported, "Windows Server 2022=extended"},
		{"server 2022 in mainstream", ntlm("10.0.20348"), day("2026-10-13"), Supported, "Windows Server 2022=mainstream"},
		// Server 2012 R2 paid updates ended 2026-10-13.
		{"2012 R2 in ESU", ntlm("6.3.9600"), day("2026-10-13"), Unsupported,
			"Windows 8.1=ended; Windows 8.1 Embedded 8.1 Industry=ended; Windows Server 2012 R2=esu"},
		// The Server 2008 host of mb2.pcap, pinned down by SMB.
		{"server 2008", []osguess.Evidence{
			{Source: osguess.SourceSMB, Raw: "Windows Server (R) 2008 Standard 6002 Service Pack 2|Windows Server (R) 2008 Standard 6.0"},
			{Source: osguess.SourceNTLM, Raw: "6.0.6002"},
		}, asOf, Unsupported, "Windows Server 2008=ended"},
		{"embedded standard 7", []osguess.Evidence{{Source: osguess.SourceSMB, Raw: "Windows Embedded Standard 7601 Service Pack 1|Windows Embedded Standard 6.1"}},
			day("2022-01-01"), Unsupported, "Windows 7 Embedded Standard 7=esu"},
		{"LTSB 2016 on its last day", ntlm("10.0.14393"), day("2026-10-13"), Ambiguous,
			"Windows 10 1607 Home/Pro=ended; Windows 10 1607 Enterprise/Education=ended; " +
				"Windows 10 1607 Enterprise LTSB 2016/IoT Enterprise LTSB 2016=extended; Windows Server 2016=extended"},
		{"LTSB 2016 the day after", ntlm("10.0.14393"), day("2026-10-14"), Ambiguous,
			"Windows 10 1607 Home/Pro=ended; Windows 10 1607 Enterprise/Education=ended; " +
				"Windows 10 1607 Enterprise LTSB 2016/IoT Enterprise LTSB 2016=ended; Windows Server 2016=extended"},
		// The SSDP device of it/nttcom_ssdp_test.pcap: kernel 4.14, whose
		// longterm support ended in January 2024.
		{"kernel 4.14", []osguess.Evidence{{Source: osguess.SourceSSDPServer, Raw: "Linux/4.14.76+ UPnP/1.0 CyberLinkJava/1.8"}},
			asOf, Unsupported, "Linux kernel 4.14=ended"},
		// 4.18 is no longterm series, but RHEL 8 ships it.
		{"kernel 4.18", []osguess.Evidence{{Source: osguess.SourceLLDP, Raw: "Linux 4.18.0-477.el8.x86_64"}},
			asOf, Ambiguous, "Red Hat Enterprise Linux 8=extended; CentOS 8=ended; Linux kernel 4.18=ended"},
		{"ubuntu 18.04 web server", []osguess.Evidence{{Source: osguess.SourceHTTPServer, Raw: "Apache/2.4.29 (Ubuntu)"}},
			asOf, Unsupported, "Ubuntu 18.04=esu"},
		{"ubuntu 10.04 not in table", []osguess.Evidence{{Source: osguess.SourceHTTPUserAgent, Raw: "Mozilla/5.0 (X11; U; Linux x86_64) Gecko/20110303 Ubuntu/10.04 (lucid) Firefox/3.6.15"}},
			asOf, Unknown, ""},
		{"family only", []osguess.Evidence{{Source: osguess.SourceHTTPServer, Raw: "Microsoft-HTTPAPI/2.0"}}, asOf, Unknown, ""},
		{"nothing", nil, asOf, Unknown, ""},
		{"wince hmi", []osguess.Evidence{{Source: osguess.SourceHTTPServer, Raw: "Microsoft-WinCE/6.00"}}, asOf, Unsupported, "Windows CE 6.0=ended"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := Lookup(osguess.Combine(tc.ev), tc.now)
			if st.State != tc.state || candString(st.Candidates) != tc.cands {
				t.Errorf("Lookup = %s [%s]\nwant %s [%s]\n%s", st.State, candString(st.Candidates), tc.state, tc.cands, st.Sentence)
			}
			if st.Sentence == "" {
				t.Error("no sentence")
			}
		})
	}
}

func TestLookupSentences(t *testing.T) {
	for _, tc := range []struct {
		ev   osguess.Evidence
		now  time.Time
		want string
	}{
		{osguess.Evidence{Source: osguess.SourceNTLM, Raw: "10.0.20348"}, asOf,
			"Windows Server 2022 is supported until 2031-10-14 (extended support)."},
		{osguess.Evidence{Source: osguess.SourceHTTPServer, Raw: "Microsoft-WinCE/6.00"}, asOf,
			"Windows CE 6.0 left support on 2018-04-10."},
		{osguess.Evidence{Source: osguess.SourceHTTPServer, Raw: "Apache/2.4.29 (Ubuntu)"}, asOf,
			"Ubuntu 18.04 left free support on 2023-05-31; paid Extended Security Updates run until 2028-04-30."},
		{osguess.Evidence{Source: osguess.SourceNTLM, Raw: "10.0.17763"}, asOf,
			"The evidence cannot tell these apart: Windows 10 1809 Home/Pro (ended 2020-11-10), Windows 10 1809 Enterprise/Education (ended 2021-05-11), " +
				"Windows 10 1809 Enterprise LTSC 2019/IoT Enterprise LTSC 2019 (supported until 2029-01-09), Windows Server 2019 (supported until 2029-01-09)."},
	} {
		if got := Lookup(osguess.Combine([]osguess.Evidence{tc.ev}), tc.now).Sentence; got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.ev.Raw, got, tc.want)
		}
	}
}

func TestParseTableErrors(t *testing.T) {
	for _, text := range []string{
		"Windows XP\t-\t-\t-\t-\t2014-04-08\t-\tMS\n",                     // no as-of line
		"# as of 2026-11-27\nWindows XP\t-\t-\t-\t-\t2014-04-08\tMS\n",    // 7 fields
		"# as of 2026-11-27\nWindows XP\t-\t-\t-\t-\t2014-4-8\t-\tMS\n",   // bad date
		"# as of 2026-11-27\nWindows XP\t-\t-\t-\t2009-04-14\t-\t-\tMS\n", // no end
		"# as of 27.11.2026\n", // bad as-of
	} {
		if _, _, err := parseTable(text); err == nil {
			t.Errorf("parseTable(%q): no error", text)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	est := osguess.Combine([]osguess.Evidence{{Source: osguess.SourceNTLM, Raw: "10.0.17763"}})
	b.ReportAllocs()
	for b.Loop() {
		Lookup(est, asOf)
	}
}

func FuzzParseTable(f *testing.F) {
	f.Add(tableText)
	f.Add("# as of 2026-11-27\nDebian\t-\t12\t6.1\t2026-06-10\t2028-06\t-\tDEB\n")
	f.Add("# as of 2026-11-27\nX\t-\t-\t-\t-\t-\t-\t-\n")
	f.Fuzz(func(t *testing.T, text string) {
		asOf, es, err := parseTable(text)
		if err != nil {
			return
		}
		if asOf.IsZero() {
			t.Fatal("no error and no as-of date")
		}
		for _, e := range es {
			if e.Extended.IsZero() {
				t.Fatalf("%s: no error and no end date", e.Name())
			}
		}
	})
}
