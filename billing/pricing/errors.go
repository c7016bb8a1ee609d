package pricing

import (
	"errors"
	"fmt"
)

// Sentinel errors name the class of a failure; match them with errors.Is.
// The concrete errors returned carry the details (see the *Error types below)
// and can be extracted with errors.As.
var (
	// ErrInvalidModel is matched by every error about a charge model that
	// cannot price anything: unknown kind, tiers out of order, a last tier
	// with an upper bound, a non-positive package size, a negative price.
	ErrInvalidModel = errors.New("pricing: invalid charge model")

	// ErrInvalidQuantity is matched by every error about a quantity that is
	// negative, outside a component's allowed range, or above the quote's
	// per-item limit.
	ErrInvalidQuantity = errors.New("pricing: invalid quantity")

	// ErrInvalidCatalog is matched by every error NewCatalog returns for a
	// definition it refuses: missing or duplicate ids, bad models, bad tax
	// policy, bad term discounts.
	ErrInvalidCatalog = errors.New("pricing: invalid catalog")

	// ErrUnknownProduct is matched by *UnknownProductError.
	ErrUnknownProduct = errors.New("pricing: unknown product")

	// ErrUnknownComponent is matched by *UnknownComponentError.
	ErrUnknownComponent = errors.New("pricing: unknown component")

	// ErrUnknownPlan is matched by *UnknownPlanError.
	ErrUnknownPlan = errors.New("pricing: unknown plan")

	// ErrInvalidConfiguration is matched by *ConfigurationError: a
	// configuration that chooses nothing, or lacks a required component.
	ErrInvalidConfiguration = errors.New("pricing: invalid configuration")

	// ErrInvalidPeriod is matched by errors about how long an item is billed
	// for: neither or both of Term and Span given, an empty span, negative
	// minutes, or a period longer than the catalog allows.
	ErrInvalidPeriod = errors.New("pricing: invalid billing period")

	// ErrInvalidDiscount is matched by *DiscountError: a negative order
	// discount or one with more digits than its currency.
	ErrInvalidDiscount = errors.New("pricing: invalid discount")

	// ErrInvalidRate is matched by errors about a tax or discount rate
	// outside 0..1.
	ErrInvalidRate = errors.New("pricing: invalid rate")

	// ErrInvalidPrice is matched by errors about a price that is negative.
	ErrInvalidPrice = errors.New("pricing: invalid price")

	// ErrEmptyQuote is returned by Catalog.Quote for a request
	// without items.
	ErrEmptyQuote = errors.New("pricing: quote has no items")
)

// ModelError says why a charge model was rejected. It matches
// ErrInvalidModel.
type ModelError struct {
	// Kind is the model's kind as given (possibly not a declared constant).
	Kind ModelKind
	// Reason names the broken rule, e.g. "tier 2 bound 50 is not above 100".
	Reason string
}

// Error reports the model kind and the broken rule.
func (e *ModelError) Error() string {
	return fmt.Sprintf("pricing: invalid %s model: %s", e.Kind, e.Reason)
}

// Unwrap returns ErrInvalidModel so the class matches with errors.Is.
func (e *ModelError) Unwrap() error { return ErrInvalidModel }

// QuantityError reports a quantity that was refused. It matches
// ErrInvalidQuantity.
type QuantityError struct {
	// ProductID and ComponentID locate the quantity; both are empty when a
	// charge model was called directly, ComponentID is empty for an item's
	// quantity in a quote.
	ProductID, ComponentID string
	// Quantity is the refused value as text, so fractional and integer
	// quantities report alike.
	Quantity string
	// Reason names the rule, e.g. "must be 1..64".
	Reason string
}

// Error reports where the quantity was, its value and the rule it broke.
func (e *QuantityError) Error() string {
	where := ""
	switch {
	case e.ProductID != "" && e.ComponentID != "":
		where = " for " + e.ProductID + "/" + e.ComponentID
	case e.ProductID != "":
		where = " for " + e.ProductID
	}
	return fmt.Sprintf("pricing: invalid quantity %s%s: %s", e.Quantity, where, e.Reason)
}

// Unwrap returns ErrInvalidQuantity so the class matches with errors.Is.
func (e *QuantityError) Unwrap() error { return ErrInvalidQuantity }

// UnknownProductError reports a product id the catalog does not have. It
// matches ErrUnknownProduct.
type UnknownProductError struct {
	// ProductID is the id that was asked for.
	ProductID string
}

// Error names the missing product.
func (e *UnknownProductError) Error() string {
	return fmt.Sprintf("pricing: unknown product %q", e.ProductID)
}

// Unwrap returns ErrUnknownProduct so the class matches with errors.Is.
func (e *UnknownProductError) Unwrap() error { return ErrUnknownProduct }

// UnknownComponentError reports a component id the product does not have.
// It matches ErrUnknownComponent.
type UnknownComponentError struct {
	// ProductID is the product that was configured.
	ProductID string
	// ComponentID is the id that was asked for.
	ComponentID string
}

// Error names the product and the missing component.
func (e *UnknownComponentError) Error() string {
	return fmt.Sprintf("pricing: product %q has no component %q", e.ProductID, e.ComponentID)
}

// Unwrap returns ErrUnknownComponent so the class matches with errors.Is.
func (e *UnknownComponentError) Unwrap() error { return ErrUnknownComponent }

// UnknownPlanError reports a plan id the product does not have. It matches
// ErrUnknownPlan.
type UnknownPlanError struct {
	// ProductID is the product that was configured.
	ProductID string
	// PlanID is the id that was asked for.
	PlanID string
}

// Error names the product and the missing plan.
func (e *UnknownPlanError) Error() string {
	return fmt.Sprintf("pricing: product %q has no plan %q", e.ProductID, e.PlanID)
}

// Unwrap returns ErrUnknownPlan so the class matches with errors.Is.
func (e *UnknownPlanError) Unwrap() error { return ErrUnknownPlan }

// ConfigurationError reports a configuration that names only known things
// but still cannot be priced. It matches ErrInvalidConfiguration.
type ConfigurationError struct {
	// ProductID is the product that was configured.
	ProductID string
	// Reason names the rule, e.g. `component "vcpu" is required without a plan`.
	Reason string
}

// Error names the product and the broken rule.
func (e *ConfigurationError) Error() string {
	return fmt.Sprintf("pricing: invalid configuration for %q: %s", e.ProductID, e.Reason)
}

// Unwrap returns ErrInvalidConfiguration so the class matches with errors.Is.
func (e *ConfigurationError) Unwrap() error { return ErrInvalidConfiguration }

// CatalogError reports why NewCatalog refused a definition. It matches
// ErrInvalidCatalog and, through Err, the cause (for example
// ErrInvalidModel or money.ErrUnknownCurrency).
type CatalogError struct {
	// ProductID is the product at fault; empty for catalog-wide problems.
	ProductID string
	// Field locates the problem inside the product, e.g. `component "vcpu"`.
	Field string
	// Reason names the broken rule.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

// Error reports the location and the rule (and the cause when there is one).
func (e *CatalogError) Error() string {
	msg := "pricing: invalid catalog"
	if e.ProductID != "" {
		msg += ": product " + fmt.Sprintf("%q", e.ProductID)
	}
	if e.Field != "" {
		msg += ": " + e.Field
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrInvalidCatalog and the cause, so errors.Is matches both.
func (e *CatalogError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidCatalog}
	}
	return []error{ErrInvalidCatalog, e.Err}
}

// ItemError wraps the reason one item of a quote request was refused with
// the item's position, so a caller can point at the offending row. It
// unwraps to the cause (ErrUnknownProduct, ErrInvalidQuantity, …).
type ItemError struct {
	// Index is the item's position in QuoteRequest.Items, from 0.
	Index int
	// ProductID is the item's product id as given.
	ProductID string
	// Err is the cause.
	Err error
}

// Error reports the item position and the cause.
func (e *ItemError) Error() string {
	return fmt.Sprintf("pricing: item %d (%s): %v", e.Index, e.ProductID, e.Err)
}

// Unwrap returns the cause.
func (e *ItemError) Unwrap() error { return e.Err }

// DiscountError reports an order discount that was refused. It matches
// ErrInvalidDiscount and, through Err, the cause (for example
// money.ErrCurrencyMismatch).
type DiscountError struct {
	// Index is the discount's position in QuoteRequest.Discounts, from 0.
	Index int
	// Code is the discount's code as given.
	Code string
	// Reason names the broken rule.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

// Error reports the discount position, code and rule.
func (e *DiscountError) Error() string {
	msg := fmt.Sprintf("pricing: discount %d (%s): %s", e.Index, e.Code, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrInvalidDiscount and the cause, so errors.Is matches both.
func (e *DiscountError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidDiscount}
	}
	return []error{ErrInvalidDiscount, e.Err}
}
