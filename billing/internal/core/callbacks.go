package core

func OrDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
