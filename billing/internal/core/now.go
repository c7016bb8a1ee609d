package core

import (
	"time"
)

// Now reads the injected clock; the only place System learns the time.
func (s *Env) Now() time.Time { return s.Clock.Now() }
