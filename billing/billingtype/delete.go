package billingtype

// DeleteRequest deletes a resource at the customer's request.
type DeleteRequest struct {
	AccountID  string `json:"account_id"`
	ResourceID string `json:"resource_id"`
	Reason     string `json:"reason,omitempty"`
	// Actor is who deleted it, for the action log; default the account.
	Actor string `json:"actor,omitempty"`
}
