package einvoice

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/russellhaering/goxmldsig/etreeutils"
)

// Signer is the seller's signing key and its X.509 certificate (the
// digital signature certificate a licensed provider issues). The key must
// be RSA; it may live in a hardware module behind crypto.Signer.
type Signer struct {
	Key         crypto.Signer
	Certificate *x509.Certificate
}

// The algorithms of the seller's signature: XML-DSig over the DLHDon
// element referenced by its Id, canonical XML 1.0, SHA-256 digests and
// RSA-SHA256.
const (
	c14nAlgorithm      = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
	digestAlgorithm    = "http://www.w3.org/2001/04/xmlenc#sha256"
	signatureAlgorithm = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
)

// SignedXML writes the invoice (see XML) and signs it: the seller's
// XML-DSig signature over DLHDon goes into DSCKS/NBan, with the
// certificate in its KeyInfo. RSA PKCS#1 v1.5 signatures are
// deterministic, so the same invoice and key give the same bytes. Errors:
// an *InvoiceError for an invoice XML refuses, ErrSigner for a missing or
// non-RSA key or a certificate of another key.
func (inv Invoice) SignedXML(s Signer) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	doc, err := inv.XML()
	if err != nil {
		return nil, err
	}
	return SignXML(doc, s)
}

// check refuses a missing or non-RSA key or a certificate of another key.
func (s Signer) check() error {
	if s.Key == nil || s.Certificate == nil {
		return fmt.Errorf("%w: a key and its certificate are required", ErrSigner)
	}
	pub, ok := s.Key.Public().(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("%w: the key is not RSA", ErrSigner)
	}
	if cert, ok := s.Certificate.PublicKey.(*rsa.PublicKey); !ok || !cert.Equal(pub) {
		return fmt.Errorf("%w: the certificate is not the key's", ErrSigner)
	}
	return nil
}

// SignXML signs an e-invoice already written as XML (an HDon document
// with DLHDon Id="data" and an empty DSCKS/NBan, as Invoice.XML writes
// it): what an e-invoice provider holding the seller's key does with an
// invoice it receives unsigned. doc gets the signature. Errors: ErrSigner
// for the key, or for a document without DLHDon or DSCKS/NBan.
func SignXML(doc *etree.Document, s Signer) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	data := doc.FindElement("/HDon/DLHDon")
	slot := doc.FindElement("/HDon/DSCKS/NBan")
	if data == nil || slot == nil {
		return nil, fmt.Errorf("%w: the document has no HDon/DLHDon or HDon/DSCKS/NBan", ErrSigner)
	}
	ctx, err := dsig.NewSigningContext(s.Key, [][]byte{s.Certificate.Raw})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSigner, err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10RecCanonicalizer()
	// The data is referenced by its Id attribute ("#data"), and the
	// signature is written in the XML-DSig default namespace, unprefixed.
	ctx.IdAttribute = "Id"
	ctx.Prefix = ""
	if err := ctx.SetSignatureMethod(signatureAlgorithm); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSigner, err)
	}
	sig, err := ctx.ConstructSignature(data, false)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSigner, err)
	}
	slot.AddChild(sig)
	out, err := doc.WriteToBytes()
	if err != nil {
		return nil, fmt.Errorf("einvoice: writing the XML: %w", err)
	}
	return out, nil
}

// Verified is what Verify found in a signed invoice.
type Verified struct {
	// Certificate is the seller's certificate the signature verifies
	// with; the caller decides whether it trusts it.
	Certificate *x509.Certificate
	// Data is the signed DLHDon element.
	Data *etree.Element
}

// Verify checks the seller's signature of a signed invoice: the digest of
// DLHDon (canonical XML 1.0, SHA-256) is the one signed, and the
// signature of SignedInfo verifies with the RSA key of the certificate in
// KeyInfo. Any change to the signed data — an amount, a name, a digit of
// the number — fails it. Errors: ErrSignature with the reason.
func Verify(signed []byte) (Verified, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(signed); err != nil {
		return Verified{}, fmt.Errorf("%w: not XML: %v", ErrSignature, err)
	}
	data := doc.FindElement("/HDon/DLHDon")
	sig := doc.FindElement("/HDon/DSCKS/NBan/Signature")
	if data == nil || sig == nil {
		return Verified{}, fmt.Errorf("%w: no HDon/DLHDon or no seller's signature", ErrSignature)
	}
	info := sig.FindElement("SignedInfo")
	ref := sig.FindElement("SignedInfo/Reference")
	if info == nil || ref == nil {
		return Verified{}, fmt.Errorf("%w: no SignedInfo/Reference", ErrSignature)
	}
	for _, want := range []struct{ path, alg string }{
		{"SignedInfo/CanonicalizationMethod", c14nAlgorithm},
		{"SignedInfo/SignatureMethod", signatureAlgorithm},
		{"SignedInfo/Reference/DigestMethod", digestAlgorithm},
	} {
		el := sig.FindElement(want.path)
		if el == nil || el.SelectAttrValue("Algorithm", "") != want.alg {
			return Verified{}, fmt.Errorf("%w: %s is not %s", ErrSignature, want.path, want.alg)
		}
	}
	if uri := ref.SelectAttrValue("URI", ""); uri != "#"+data.SelectAttrValue("Id", "") || uri == "#" {
		return Verified{}, fmt.Errorf("%w: the signature references %q, not the invoice data", ErrSignature, uri)
	}
	for _, tr := range ref.FindElements("Transforms/Transform") {
		if alg := tr.SelectAttrValue("Algorithm", ""); alg != c14nAlgorithm {
			return Verified{}, fmt.Errorf("%w: unexpected transform %q", ErrSignature, alg)
		}
	}
	c14n := dsig.MakeC14N10RecCanonicalizer()
	canonical, err := c14n.Canonicalize(data)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	digest := sha256.Sum256(canonical)
	if got := strings.TrimSpace(elementText(ref, "DigestValue")); got != base64.StdEncoding.EncodeToString(digest[:]) {
		return Verified{}, fmt.Errorf("%w: the invoice data does not match the signed digest", ErrSignature)
	}
	certText := strings.Join(strings.Fields(elementText(sig, "KeyInfo/X509Data/X509Certificate")), "")
	der, err := base64.StdEncoding.DecodeString(certText)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: the certificate is not base64: %v", ErrSignature, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: the certificate: %v", ErrSignature, err)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return Verified{}, fmt.Errorf("%w: the certificate's key is not RSA", ErrSignature)
	}
	nsCtx, err := etreeutils.NSBuildParentContext(info)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	detached, err := etreeutils.NSDetatch(nsCtx, info)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	canonicalInfo, err := c14n.Canonicalize(detached)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	value, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(elementText(sig, "SignatureValue")), ""))
	if err != nil {
		return Verified{}, fmt.Errorf("%w: the signature value is not base64: %v", ErrSignature, err)
	}
	infoDigest := sha256.Sum256(canonicalInfo)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, infoDigest[:], value); err != nil {
		return Verified{}, fmt.Errorf("%w: the signature does not verify with the certificate's key", ErrSignature)
	}
	return Verified{Certificate: cert, Data: data}, nil
}

// elementText is the text of the element at path under el, "" if none.
func elementText(el *etree.Element, path string) string {
	if found := el.FindElement(path); found != nil {
		return found.Text()
	}
	return ""
}

// VerifyAgainst is Verify, and checks that the signed invoice states
// exactly what issued does (the invoice as its seller's system wrote it,
// signed or not): the canonical DLHDon of both are the same bytes. It is
// how an invoice signed elsewhere (by an e-invoice provider holding the
// seller's certificate) is accepted as the one that was issued. Errors:
// ErrSignature, also when the content differs.
func VerifyAgainst(signed, issued []byte) (Verified, error) {
	v, err := Verify(signed)
	if err != nil {
		return Verified{}, err
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(issued); err != nil {
		return Verified{}, fmt.Errorf("%w: the issued invoice is not XML: %v", ErrSignature, err)
	}
	data := doc.FindElement("/HDon/DLHDon")
	if data == nil {
		return Verified{}, fmt.Errorf("%w: the issued invoice has no HDon/DLHDon", ErrSignature)
	}
	c14n := dsig.MakeC14N10RecCanonicalizer()
	want, err := c14n.Canonicalize(data)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	got, err := c14n.Canonicalize(v.Data)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if !bytes.Equal(got, want) {
		return Verified{}, fmt.Errorf("%w: the signed invoice does not state what was issued", ErrSignature)
	}
	return v, nil
}
