package mms

// Services whose requests name variables.
const (
	serviceRead  = 4
	serviceWrite = 5
)

// maxDomains bounds the per-connection cache of domain detail strings.
const maxDomains = 256

// domainDetail returns the domain (IEC 61850 logical device) of the first
// variable a read or write request names, "" when it names a VMD-specific
// or AA-specific object. Read-Request: specificationWithResult [0]
// (optional), variableAccessSpecification [1]; Write-Request: the
// VariableAccessSpecification CHOICE itself, then listOfData [0].
func (d *Decoder) domainDetail(service uint32, b []byte) string {
	if service == serviceRead {
		t, rest, ok := next(b)
		if ok && t.class == 2 && t.tag == 0 && !t.constructed {
			t, _, ok = next(rest)
		}
		if !ok || t.id() != 0xa1 {
			return ""
		}
		b = t.content
	}
	spec, _, ok := next(b)
	if !ok {
		return ""
	}
	var name tlv
	switch spec.id() {
	case 0xa0: // listOfVariable: SEQUENCE { variableSpecification, … }
		item, ok := find(spec.content, 0x30)
		if !ok {
			return ""
		}
		vs, ok := find(item.content, 0xa0) // name [0] ObjectName
		if !ok {
			return ""
		}
		name = vs
	case 0xa1: // variableListName ObjectName
		name = spec
	default:
		return ""
	}
	ds, ok := find(name.content, 0xa1) // domain-specific [1]
	if !ok {
		return ""
	}
	dom, ok := find(ds.content, 0x1a) // domainId VisibleString
	if !ok {
		return ""
	}
	return d.intern(visibleBytes(dom.content))
}

// intern returns a string for b, cached per connection so that repeated
// domains cost no allocation.
func (d *Decoder) intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := d.domains[string(b)]; ok {
		return s
	}
	s := string(b)
	if d.domains == nil {
		d.domains = make(map[string]string)
	}
	if len(d.domains) < maxDomains {
		d.domains[s] = s
	}
	return s
}

// visibleBytes returns the printable prefix of b, bounded.
func visibleBytes(b []byte) []byte {
	if len(b) > maxText {
		b = b[:maxText]
	}
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			return b[:i]
		}
	}
	return b
}
