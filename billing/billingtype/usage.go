package billingtype

import (
	"github.com/cloudbill/cloudbill/storage"
)

// MaxUsageBatch is the most events one RecordUsage call takes (1,000).
const MaxUsageBatch = storage.MaxUsageBatch
