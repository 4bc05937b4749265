package auth

import (
	"crypto"
	"crypto/x509"
	"errors"

	"software.sslmate.com/src/go-pkcs12"
)

func fromPKCS12(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, nil, errors.New("the client certificate is neither PEM (certificate and private key) nor PKCS#12 readable with the given password")
	}
	return append([]*x509.Certificate{cert}, chain...), key, nil
}
