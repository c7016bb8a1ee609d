package momo

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
)

// aesKeyLen is the key length of AES-256, with which MoMo encrypts the
// token it returns for a linked wallet.
const aesKeyLen = 32

// minRSABits is the smallest RSA public key accepted; MoMo's keys are 4096
// bits.
const minRSABits = 2048

// parseRSAPublicKey reads MoMo's RSA public key: a PEM block of type
// "PUBLIC KEY" (PKIX) or "RSA PUBLIC KEY" (PKCS #1), or the bare base64 of
// the PKIX DER, which is how MoMo's portal and sample code show it.
func parseRSAPublicKey(s string) (*rsa.PublicKey, error) {
	bad := func(reason string) (*rsa.PublicKey, error) {
		return nil, &ConfigError{Field: "RSAPublicKey", Reason: reason}
	}
	var der []byte
	var pkcs1 bool
	if block, _ := pem.Decode([]byte(s)); block != nil {
		switch block.Type {
		case "PUBLIC KEY":
		case "RSA PUBLIC KEY":
			pkcs1 = true
		default:
			return bad("is a PEM block that is not a public key")
		}
		der = block.Bytes
	} else {
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return bad("is neither PEM nor base64 DER")
		}
		der = b
	}
	var pub *rsa.PublicKey
	if pkcs1 {
		k, err := x509.ParsePKCS1PublicKey(der)
		if err != nil {
			return bad("is not a PKCS #1 RSA public key")
		}
		pub = k
	} else {
		k, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return bad("is not a PKIX public key")
		}
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return bad("is not an RSA key")
		}
		pub = rk
	}
	if pub.N.BitLen() < minRSABits {
		return bad("is shorter than 2048 bits")
	}
	return pub, nil
}

// tokenPlain is the JSON MoMo encrypts in a linked wallet's token, both
// ways: in the aesToken it returns (value and initialOrderId, and the
// wallet's alias when MoMo gives it) and in the RSA-encrypted token of a
// payment (value and initialOrderId).
type tokenPlain struct {
	Value          string `json:"value"`
	InitialOrderID string `json:"initialOrderId,omitempty"`
	UserAlias      string `json:"userAlias,omitempty"`
}

// encryptToken returns the token field of a payment with a linked wallet:
// base64 of RSA PKCS #1 v1.5 encryption, under MoMo's public key, of
// {"value":...,"initialOrderId":...}. Each call gives a different
// ciphertext (the padding is random).
func encryptToken(pub *rsa.PublicKey, value, initialOrderID string) (string, error) {
	plain, err := json.Marshal(tokenPlain{Value: value, InitialOrderID: initialOrderID})
	if err != nil { // unreachable: a struct of strings always marshals
		return "", err
	}
	//lint:ignore SA1019 MoMo's protocol requires PKCS #1 v1.5 (see the package documentation); only MoMo decrypts.
	ct, err := rsa.EncryptPKCS1v15(rand.Reader, pub, plain)
	if err != nil {
		return "", errors.New("momo: the token does not fit MoMo's RSA key")
	}
	return base64.StdEncoding.EncodeToString(ct), nil
}

// errBadAESToken: an aesToken that does not decrypt to MoMo's JSON. The
// message never quotes the input.
var errBadAESToken = errors.New("momo: aesToken does not decrypt under the AES key")

// decryptAESToken reads the aesToken of a bind answer: AES-256-CBC under
// key with an IV of 16 zero bytes and PKCS #7 padding, of the JSON
// tokenPlain. MoMo's samples carry the ciphertext as base64, some
// integrations as hex; both are accepted, and only a decryption that ends
// in valid padding and parses as JSON with a value counts.
func decryptAESToken(key []byte, s string) (tokenPlain, error) {
	var candidates [][]byte
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		candidates = append(candidates, b)
	}
	if b, err := hex.DecodeString(s); err == nil {
		candidates = append(candidates, b)
	}
	block, err := aes.NewCipher(key)
	if err != nil { // unreachable: the key's length is checked by New
		return tokenPlain{}, errBadAESToken
	}
	for _, ct := range candidates {
		if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
			continue
		}
		plain := make([]byte, len(ct))
		cipher.NewCBCDecrypter(block, make([]byte, aes.BlockSize)).CryptBlocks(plain, ct)
		plain, ok := unpad(plain)
		if !ok {
			continue
		}
		var t tokenPlain
		dec := json.NewDecoder(bytes.NewReader(plain))
		if dec.Decode(&t) != nil || dec.More() || t.Value == "" {
			continue
		}
		return t, nil
	}
	return tokenPlain{}, errBadAESToken
}

// unpad removes PKCS #7 padding.
func unpad(b []byte) ([]byte, bool) {
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize || n > len(b) {
		return nil, false
	}
	for _, c := range b[len(b)-n:] {
		if int(c) != n {
			return nil, false
		}
	}
	return b[:len(b)-n], true
}
