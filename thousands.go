package paydeck

import "strconv"

// GroupThousands writes n with a comma between each group of three digits
// (1234567 → "1,234,567"), as amounts of won are shown to people on pages
// and in mail.
func GroupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}
