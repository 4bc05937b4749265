package auth

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// TokenFile is a token cache kept in a file between provider runs
// (token_cache_path), so that a plan within the tokens' lifetime asks for
// none: Terraform starts a new provider process for every command, and
// every process would otherwise ask again for a token per API and tenant.
//
// It holds access tokens, each under a key naming its credential (a hash:
// the client ID with a hash of its secret, certificate or refresh token),
// tenant and API, so the automation identity, onboarded apps and the
// partner share one file and never get each other's tokens. The file is
// read once when opened; new tokens are written back in the background
// (every few seconds, and by Flush when the provider stops), merged with
// what other processes wrote meanwhile, to a temporary file renamed over
// the old one, mode 0600.
//
// MSAL's own cache serialization (cache.ExportReplace) is not used: MSAL
// marshals and unmarshals its whole cache around every token request, which
// over 10,000 tenants is quadratic, and the partner's tokens are not
// MSAL's.
type TokenFile struct {
	path string

	mu      sync.Mutex
	entries map[string]fileToken
	dirty   bool
	timer   *time.Timer
	err     error // the last write's
	// written is the file as this process last wrote it: unchanged since,
	// a write need not merge what is on disk first.
	written fs.FileInfo
	// interval is the least time between writes.
	interval time.Duration
}

type fileToken struct {
	Value     string    `json:"access_token"`
	ExpiresOn time.Time `json:"expires_on"`
}

// tokenFileFormat is the file's content.
type tokenFileFormat struct {
	Version int                  `json:"version"`
	Tokens  map[string]fileToken `json:"tokens"`
}

const tokenFileVersion = 1

// flushEvery is how long a new token may wait to be written.
var flushEvery = 2 * time.Second

var (
	openFilesMu sync.Mutex
	openFiles   = map[string]*TokenFile{}
)

// OpenTokenFile reads the token cache at path (absent: empty) and returns
// it; the same path opened twice in a process is one TokenFile (until
// FlushTokenFiles). A file
// that is not a token cache is an error, so that a wrong path does not
// overwrite something else.
func OpenTokenFile(path string) (*TokenFile, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	openFilesMu.Lock()
	defer openFilesMu.Unlock()
	if f, ok := openFiles[abs]; ok {
		return f, nil
	}
	if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("the token cache's directory %s does not exist", filepath.Dir(abs))
	}
	entries, err := readTokenFile(abs)
	if err != nil {
		return nil, err
	}
	f := &TokenFile{path: abs, entries: entries}
	openFiles[abs] = f
	return f, nil
}

// Path is the file's absolute path.
func (f *TokenFile) Path() string { return f.path }

func readTokenFile(path string) (map[string]fileToken, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]fileToken{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the token cache: %w", err)
	}
	var c tokenFileFormat
	if err := json.Unmarshal(b, &c); err != nil || c.Version != tokenFileVersion {
		return nil, fmt.Errorf("%s is not a token cache of this provider (version %d): delete it or choose another token_cache_path", path, tokenFileVersion)
	}
	if c.Tokens == nil {
		c.Tokens = map[string]fileToken{}
	}
	now := time.Now()
	for k, t := range c.Tokens {
		if !t.ExpiresOn.After(now) {
			delete(c.Tokens, k)
		}
	}
	return c.Tokens, nil
}

// get returns the token under key, if it is valid for at least margin.
func (f *TokenFile) get(key string, margin time.Duration) (AccessToken, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.entries[key]
	if !ok || time.Until(t.ExpiresOn) <= margin {
		return AccessToken{}, false
	}
	return AccessToken(t), true
}

// put keeps a token and schedules a write.
func (f *TokenFile) put(key string, t AccessToken) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries[key] = fileToken(t)
	f.changed()
}

// drop forgets the token under key.
func (f *TokenFile) drop(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.entries[key]; ok {
		delete(f.entries, key)
		f.changed()
	}
}

// forget drops the tokens whose key starts with prefix.
func (f *TokenFile) forget(prefix string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.entries {
		if strings.HasPrefix(k, prefix) {
			delete(f.entries, k)
			f.changed()
		}
	}
}

// changed marks the file dirty and starts the write timer; f.mu is held.
func (f *TokenFile) changed() {
	f.dirty = true
	if f.timer == nil {
		f.timer = time.AfterFunc(max(f.interval, flushEvery), func() { _ = f.Flush() })
	}
}

// Flush writes the tokens now if any changed: merged with the file as it
// is when another provider process wrote it since (tokens of other tenants
// or credentials), to a temporary file in the same directory, mode 0600,
// renamed over it. Entries are written one by one, so a cache of 20,000
// tokens is not copied into one buffer.
func (f *TokenFile) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	if !f.dirty {
		return f.err
	}
	start := time.Now()
	if fi, err := os.Stat(f.path); err == nil && !sameFile(fi, f.written) {
		if onDisk, err := readTokenFile(f.path); err == nil {
			for k, t := range onDisk {
				if _, ok := f.entries[k]; !ok {
					f.entries[k] = t
				}
			}
		}
	}
	fi, err := writeTokenFile(f.path, f.entries)
	f.dirty, f.err, f.written = false, err, fi
	// A large cache is not rewritten more often than its writing costs
	// time twenty times over (2 s at first, 10 s when a write takes 0.5 s).
	f.interval = max(flushEvery, 20*time.Since(start))
	return err
}

// sameFile reports whether the file is as this process last wrote it.
func sameFile(now, written fs.FileInfo) bool {
	return written != nil && now.Size() == written.Size() && now.ModTime().Equal(written.ModTime())
}

// writeTokenFile writes entries to a temporary file renamed over path and
// returns what it wrote.
func writeTokenFile(path string, entries map[string]fileToken) (fs.FileInfo, error) {
	fail := func(err error) error { return fmt.Errorf("writing the token cache: %w", err) }
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fail(err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, nothing is there
	// CreateTemp makes the file 0600 already; Chmod says so for umasks
	// and platforms that differ.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fail(err)
	}
	w := bufio.NewWriter(tmp)
	fmt.Fprintf(w, "{\"version\":%d,\"tokens\":{", tokenFileVersion)
	now, first := time.Now(), true
	for k, t := range entries {
		if !t.ExpiresOn.After(now) {
			continue
		}
		kb, _ := json.Marshal(k)
		tb, err := json.Marshal(t)
		if err != nil {
			tmp.Close()
			return nil, fail(err)
		}
		if !first {
			_ = w.WriteByte(',')
		}
		first = false
		_, _ = w.Write(kb) // bufio keeps the first error for Flush
		_ = w.WriteByte(':')
		_, _ = w.Write(tb)
	}
	_, _ = w.WriteString("}}\n")
	if err := w.Flush(); err != nil {
		tmp.Close()
		return nil, fail(err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fail(err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fail(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil // written; the next write merges first
	}
	return fi, nil
}

// FlushTokenFiles writes every open token cache and lets go of it: the
// next OpenTokenFile of its path reads the file again. The provider calls
// it when Terraform stops it. A TokenFile still in use goes on working
// (and writing) on its own.
func FlushTokenFiles() error {
	openFilesMu.Lock()
	files := make([]*TokenFile, 0, len(openFiles))
	for path, f := range openFiles {
		files = append(files, f)
		delete(openFiles, path)
	}
	openFilesMu.Unlock()
	var errs []error
	for _, f := range files {
		errs = append(errs, f.Flush())
	}
	return errors.Join(errs...)
}

// credentialID names a credential in cache keys without holding it: a
// hash of the kind, the login host, the client ID and the secret material.
func credentialID(kind, login, clientID string, secret ...[]byte) string {
	h := sha256.New()
	for _, part := range append([][]byte{[]byte(kind), []byte(strings.ToLower(strings.TrimSuffix(login, "/"))), []byte(strings.ToLower(clientID))}, secret...) {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// fileKey is a token's key in the file: credential, tenant, resource.
func fileKey(cred, tenant, resource string) string {
	return cred + " " + strings.ToLower(tenant) + " " + strings.TrimSuffix(resource, "/")
}

// tenantPrefix is the key prefix of a credential's tokens in a tenant.
func tenantPrefix(cred, tenant string) string { return cred + " " + strings.ToLower(tenant) + " " }
