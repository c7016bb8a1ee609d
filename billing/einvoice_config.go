package billing

import (
	"crypto/rsa"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
)

// EInvoiceConfig turns on legal e-invoices: an XML invoice in the tax
// authority's format (package invoice/einvoice) for every issued VND
// invoice or group of invoices, an adjustment for every credit note, each
// numbered in its symbol's series and year without gaps, signed by the
// seller when the System holds the key, and handed to the host's
// e-invoice provider. Documents in other currencies get none: their
// e-invoice would have to state the day's exchange rate.
type EInvoiceConfig struct {
	// Form is the invoice form: einvoice.FormVAT (1, the default) for a
	// VAT invoice, einvoice.FormSales (2) for a sales invoice.
	Form einvoice.Form
	// Symbol is the series the authority registered, such as "C26TAA"
	// (C: with the authority's code, 26: the year, T: registered by an
	// enterprise, AA: the seller's letters); its year part follows the
	// year of issue, so "C26TAA" issues as C27TAA from 1 January 2027.
	// Required.
	Symbol string
	// Grouping is which records produce an e-invoice of their own: per
	// invoice (the default) or per order.
	Grouping EInvoiceGrouping
	// TimeZone is the seller's zone, whose date is the date of issue and
	// whose year the symbol and numbering follow. Default:
	// "Asia/Ho_Chi_Minh".
	TimeZone string
	// PaymentMethod is how buyers pay, as the e-invoice states it.
	// Default: "TM/CK" (cash or transfer).
	PaymentMethod string
	// ZeroRate is how a line taxed at 0 % is declared: einvoice.VAT0 (the
	// default), VATNotTaxable or VATNotDeclared.
	ZeroRate einvoice.VATRate
	// Signer is the seller's key and certificate. With it, every e-invoice
	// is signed when it is issued (status signed); without, it is issued
	// as a draft for the provider to sign (see RecordEInvoiceStatus).
	Signer *einvoice.Signer
	// Provider, when set, receives every e-invoice as the System delivers
	// its einvoice.issued event (DeliverEvents, RunWorker), and the
	// receipt it gives is recorded. Without it, the host submits from its
	// EventHandler and reports with RecordEInvoiceStatus.
	Provider EInvoiceProvider
}

// settings checks c against the System's seller and returns what the
// internal packages use.
func (c *EInvoiceConfig) settings(seller invoice.Party) (*core.EInvoiceSettings, error) {
	if c == nil {
		return nil, nil
	}
	form := c.Form
	if form == 0 {
		form = einvoice.FormVAT
	}
	if !form.Valid() {
		return nil, &ConfigError{Field: "EInvoice.Form", Reason: fmt.Sprintf("%d is neither 1 (VAT invoice) nor 2 (sales invoice)", form)}
	}
	sym, err := einvoice.ParseSymbol(c.Symbol)
	if err != nil {
		return nil, &ConfigError{Field: "EInvoice.Symbol", Reason: err.Error()}
	}
	zone := c.TimeZone
	if zone == "" {
		zone = "Asia/Ho_Chi_Minh"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, &ConfigError{Field: "EInvoice.TimeZone", Reason: err.Error()}
	}
	if c.Grouping != EInvoicePerInvoice && c.Grouping != EInvoiceGrouped {
		return nil, &ConfigError{Field: "EInvoice.Grouping", Reason: fmt.Sprintf("%d is not a grouping", c.Grouping)}
	}
	zero := c.ZeroRate
	if zero == "" {
		zero = einvoice.VAT0
	}
	if zero != einvoice.VAT0 && zero != einvoice.VATNotTaxable && zero != einvoice.VATNotDeclared {
		return nil, &ConfigError{Field: "EInvoice.ZeroRate", Reason: fmt.Sprintf("%q is not 0%%, KCT or KKKNT", zero)}
	}
	if seller.Name == "" || !einvoice.ValidTaxCode(seller.TaxCode) {
		return nil, &ConfigError{Field: "Seller", Reason: "needs a name and a valid tax code to issue e-invoices"}
	}
	if c.Signer != nil {
		if c.Signer.Key == nil || c.Signer.Certificate == nil {
			return nil, &ConfigError{Field: "EInvoice.Signer", Reason: "needs a key and its certificate"}
		}
		rk, ok := c.Signer.Key.Public().(*rsa.PublicKey)
		ck, ok2 := c.Signer.Certificate.PublicKey.(*rsa.PublicKey)
		if !ok || !ok2 || !rk.Equal(ck) {
			return nil, &ConfigError{Field: "EInvoice.Signer", Reason: "the key must be RSA and the certificate's"}
		}
	}
	method := c.PaymentMethod
	if method == "" {
		method = "TM/CK"
	}
	signer := c.Signer
	if signer != nil {
		cp := *signer
		signer = &cp
	}
	return &core.EInvoiceSettings{Form: form, Symbol: sym, Grouping: c.Grouping, Zone: loc, PaymentMethod: method, ZeroRate: zero,
		Signer: signer, Provider: c.Provider}, nil
}

// The e-invoice types of the API.
type (
	// EInvoice is a legal e-invoice as the System issued it.
	EInvoice = billingtype.EInvoice
	// EInvoiceStatus is where an e-invoice's submission stands.
	EInvoiceStatus = billingtype.EInvoiceStatus
	// EInvoiceKind says whether an e-invoice is an original, an
	// adjustment or a replacement.
	EInvoiceKind = billingtype.EInvoiceKind
	// EInvoiceGrouping is which records produce an e-invoice of their own.
	EInvoiceGrouping = billingtype.EInvoiceGrouping
	// EInvoiceProvider is the host's e-invoice provider.
	EInvoiceProvider = billingtype.EInvoiceProvider
	// EInvoiceSubmission is an e-invoice handed to the provider.
	EInvoiceSubmission = billingtype.EInvoiceSubmission
	// EInvoiceReceipt is the provider's answer to a submission.
	EInvoiceReceipt = billingtype.EInvoiceReceipt
	// RecordEInvoiceStatusRequest reports where an e-invoice stands.
	RecordEInvoiceStatusRequest = billingtype.RecordEInvoiceStatusRequest
	// ReplaceEInvoiceRequest asks for a replacement of an e-invoice.
	ReplaceEInvoiceRequest = billingtype.ReplaceEInvoiceRequest
	// EInvoicePayload is the body of the einvoice.issued and
	// einvoice.status events.
	EInvoicePayload = billingtype.EInvoicePayload
	// EInvoiceFailedPayload is the body of an einvoice.failed event.
	EInvoiceFailedPayload = billingtype.EInvoiceFailedPayload
)

// The e-invoice statuses, kinds, groupings, events and errors; see
// billingtype.
const (
	EInvoiceDraft       = billingtype.EInvoiceDraft
	EInvoiceSigned      = billingtype.EInvoiceSigned
	EInvoiceSent        = billingtype.EInvoiceSent
	EInvoiceAccepted    = billingtype.EInvoiceAccepted
	EInvoiceRejected    = billingtype.EInvoiceRejected
	EInvoiceOriginal    = billingtype.EInvoiceOriginal
	EInvoiceAdjustment  = billingtype.EInvoiceAdjustment
	EInvoiceReplacement = billingtype.EInvoiceReplacement
	EInvoicePerInvoice  = billingtype.EInvoicePerInvoice
	EInvoiceGrouped     = billingtype.EInvoiceGrouped
	EventEInvoiceIssued = billingtype.EventEInvoiceIssued
	EventEInvoiceStatus = billingtype.EventEInvoiceStatus
	EventEInvoiceFailed = billingtype.EventEInvoiceFailed
)

// The e-invoice errors.
var (
	ErrEInvoiceNotFound = billingtype.ErrEInvoiceNotFound
	ErrEInvoiceState    = billingtype.ErrEInvoiceState
	ErrEInvoicesOff     = billingtype.ErrEInvoicesOff
)
