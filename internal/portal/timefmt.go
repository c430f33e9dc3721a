package portal

import "time"

// Time layouts of the portal; both languages use ISO-like dates, which
// Japanese readers expect and English readers in plants read without doubt.
const (
	layoutMinute = "2006-01-02 15:04"
	layoutSecond = "2006-01-02 15:04:05"
	layoutShort  = "01/02 15:04"
	layoutInput  = "2006-01-02T15:04" // <input type=datetime-local>
)

// localTime formats t in loc, "" for the zero time.
func localTime(t time.Time, loc *time.Location, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(layout)
}
