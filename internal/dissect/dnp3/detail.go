package dnp3

import "strconv"

// detailKey is the content of a Detail string, comparable so that the text
// can be cached: steady polling costs no formatting and no allocation.
type detailKey struct {
	src, dst         uint16
	hasObj           bool
	group, variation uint8
	iin              uint8 // IIN2 request-error bits
}

// maxDetails bounds the cache; odd traffic just refills it.
const maxDetails = 256

type detailCache map[detailKey]string

func (c *detailCache) text(k detailKey) string {
	if s, ok := (*c)[k]; ok {
		return s
	}
	if *c == nil || len(*c) >= maxDetails {
		*c = make(detailCache, 16)
	}
	s := k.format()
	(*c)[k] = s
	return s
}

// format renders "src=S dst=D gGvV iin=FLAG|FLAG".
func (k detailKey) format() string {
	b := make([]byte, 0, 64)
	b = append(b, "src="...)
	b = strconv.AppendUint(b, uint64(k.src), 10)
	b = append(b, " dst="...)
	b = strconv.AppendUint(b, uint64(k.dst), 10)
	if k.hasObj {
		b = append(b, " g"...)
		b = strconv.AppendUint(b, uint64(k.group), 10)
		b = append(b, 'v')
		b = strconv.AppendUint(b, uint64(k.variation), 10)
	}
	if k.iin != 0 {
		b = append(b, " iin="...)
		sep := false
		for _, f := range [...]struct {
			bit  uint8
			name string
		}{
			{iinNoFuncCodeSupport, "NO_FUNC_CODE_SUPPORT"},
			{iinObjectUnknown, "OBJECT_UNKNOWN"},
			{iinParameterError, "PARAMETER_ERROR"},
		} {
			if k.iin&f.bit != 0 {
				if sep {
					b = append(b, '|')
				}
				b = append(b, f.name...)
				sep = true
			}
		}
	}
	return string(b)
}
