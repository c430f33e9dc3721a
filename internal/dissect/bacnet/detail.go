package bacnet

import "strconv"

// maxCached bounds the Detail cache; a peer sending ever new
// object/property pairs only makes it start over.
const maxCached = 512

// details builds Detail strings once and caches them so that polling the
// same objects does not allocate.
type details struct {
	cache map[uint64]string
}

// object returns "analog-input" or "analog-input prop=85" (prop < 0: none).
func (d *details) object(objType uint16, prop int64) string {
	k := uint64(objType)<<33 | uint64(prop+1)&(1<<33-1)
	if s, ok := d.cache[k]; ok {
		return s
	}
	if d.cache == nil || len(d.cache) >= maxCached {
		d.cache = map[uint64]string{}
	}
	s := objectTypeName(objType)
	if prop >= 0 {
		s += " prop=" + strconv.FormatInt(prop, 10)
	}
	d.cache[k] = s
	return s
}

// objectTypeName names an object type; 128 and above are proprietary.
func objectTypeName(t uint16) string {
	if int(t) < len(objectTypes) && objectTypes[t] != "" {
		return objectTypes[t]
	}
	if t >= 128 {
		return "proprietary-" + strconv.Itoa(int(t))
	}
	return "object-type-" + strconv.Itoa(int(t))
}
