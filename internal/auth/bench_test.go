package auth

import "testing"

// BenchmarkVerifyDefault is the cost of one password check with the
// production parameters (RFC 9106, 64 MiB): the floor of every login.
func BenchmarkVerifyDefault(b *testing.B) {
	h, err := hashPassword("correct horse battery staple", RFC9106Second)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !h.verify("correct horse battery staple") {
			b.Fatal("no match")
		}
	}
}

func BenchmarkParseToken(b *testing.B) {
	s := TokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseToken(s); err != nil {
			b.Fatal(err)
		}
	}
}
