// Package store is the emulated directory: every tenant with its directory
// objects, seeded users, partner relationships and Business Central state.
// Services read it in View transactions and change it in Update
// transactions; nothing outside this package holds its lock.
package store

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"
)

// ErrNotFound is what a lookup of a missing tenant, object or record wraps;
// services compare with errors.Is and answer their own 404.
var ErrNotFound = errors.New("not found")

// NotFoundError names what was missing (the ID a service echoes in its
// error message) and matches ErrNotFound.
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string        { return e.ID + ": not found" }
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// NotFound returns a not-found error for id.
func NotFound(id string) error { return &NotFoundError{ID: id} }

// Store holds the directory. The zero value is not usable; call New.
type Store struct {
	mu      sync.RWMutex
	tenants map[string]*Tenant // by lower-case tenant ID
	domains map[string]string  // lower-case domain name -> tenant ID
	// apps indexes every application object by appId across tenants, because
	// a multi-tenant app registered in one tenant is instantiated (as a
	// service principal) in others.
	apps map[string]*Application

	clock *Clock
	repl  replication
}

// New returns an empty directory on clock c.
func New(c *Clock) *Store {
	s := &Store{clock: c}
	s.clear()
	return s
}

func (s *Store) clear() {
	s.tenants, s.domains, s.apps = map[string]*Tenant{}, map[string]string{}, map[string]*Application{}
}

// Tx is one transaction. Objects reached through it are only valid inside
// the function that received it; in a View they must not be changed.
type Tx struct {
	s     *Store
	write bool
}

// View runs fn with the directory locked for reading.
func (s *Store) View(fn func(tx *Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(&Tx{s: s})
}

// Update runs fn with the directory locked for writing.
func (s *Store) Update(fn func(tx *Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(&Tx{s: s, write: true})
}

func (tx *Tx) mustWrite() {
	if !tx.write {
		panic("store: write in a View transaction")
	}
}

// Now is the emulator's clock.
func (tx *Tx) Now() time.Time { return tx.s.clock.Now() }

// Now is the emulator's clock, outside a transaction.
func (s *Store) Now() time.Time { return s.clock.Now() }

// Tenant resolves a tenant GUID or any of its domains. Deleted tenants are
// not found.
func (tx *Tx) Tenant(ref string) *Tenant {
	ref = strings.ToLower(ref)
	t := tx.s.tenants[ref]
	if t == nil {
		if id, ok := tx.s.domains[ref]; ok {
			t = tx.s.tenants[id]
		}
	}
	if t == nil || t.Deleted {
		return nil
	}
	return t
}

// TenantErr is Tenant with a not-found error naming the reference.
func (tx *Tx) TenantErr(ref string) (*Tenant, error) {
	if t := tx.Tenant(ref); t != nil {
		return t, nil
	}
	return nil, NotFound("tenant " + ref)
}

// TenantByID finds a tenant by GUID, deleted or not.
func (tx *Tx) TenantByID(id string) *Tenant { return tx.s.tenants[strings.ToLower(id)] }

// DomainTenant is the tenant ID a domain belongs to.
func (tx *Tx) DomainTenant(domain string) (string, bool) {
	id, ok := tx.s.domains[strings.ToLower(domain)]
	return id, ok
}

// Tenants lists every tenant, deleted ones included.
func (tx *Tx) Tenants() []*Tenant {
	out := make([]*Tenant, 0, len(tx.s.tenants))
	for _, t := range tx.s.tenants {
		out = append(out, t)
	}
	return out
}

// PutTenant creates or replaces a tenant; its domains must not belong to
// another tenant.
func (tx *Tx) PutTenant(t *Tenant) error {
	tx.mustWrite()
	if err := tx.DomainsFree(t); err != nil {
		return err
	}
	if old := tx.s.tenants[t.ID]; old != nil {
		for _, d := range old.Domains {
			delete(tx.s.domains, d.Name)
		}
	}
	tx.s.tenants[t.ID] = t
	for _, d := range t.Domains {
		tx.s.domains[d.Name] = t.ID
	}
	return nil
}

// DomainsFree checks that no other tenant holds one of t's domains.
func (tx *Tx) DomainsFree(t *Tenant) error {
	for _, d := range t.Domains {
		if other, ok := tx.s.domains[d.Name]; ok && other != t.ID {
			return errors.New("domain " + d.Name + " already belongs to tenant " + other)
		}
	}
	return nil
}

// App finds an application by appId in any tenant.
func (tx *Tx) App(appID string) *Application { return tx.s.apps[strings.ToLower(appID)] }

// PutApp adds an application to its home tenant.
func (tx *Tx) PutApp(t *Tenant, a *Application) {
	tx.mustWrite()
	t.Applications[a.ID] = a
	tx.s.apps[a.AppID] = a
}

// DeleteApp removes an application from its home tenant.
func (tx *Tx) DeleteApp(t *Tenant, a *Application) {
	tx.mustWrite()
	delete(t.Applications, a.ID)
	delete(tx.s.apps, a.AppID)
}

// SoftDeleteRetention is how long a deleted app stays restorable in
// directory/deletedItems ("A recently deleted item remains available for up
// to 30 days": api-reference/v1.0/resources/directory.md).
const SoftDeleteRetention = 30 * 24 * time.Hour

// SoftDeleteApp moves an application to the tenant's deleted items: Graph's
// DELETE /applications/{id} (api-reference/v1.0/api/application-delete.md).
func (tx *Tx) SoftDeleteApp(t *Tenant, a *Application) {
	tx.DeleteApp(t, a)
	if t.DeletedApplications == nil {
		t.DeletedApplications = map[string]*Application{}
	}
	a.DeletedDateTime = tx.Now()
	t.DeletedApplications[a.ID] = a
}

// DeletedApp finds a soft-deleted application by object ID; one older than
// SoftDeleteRetention on the emulator's clock is gone for good.
func (tx *Tx) DeletedApp(t *Tenant, id string) *Application {
	a := t.DeletedApplications[strings.ToLower(id)]
	if a == nil || tx.Now().Sub(a.DeletedDateTime) >= SoftDeleteRetention {
		return nil
	}
	return a
}

// DeletedApps lists the tenant's restorable applications.
func (tx *Tx) DeletedApps(t *Tenant) []*Application {
	var out []*Application
	for id := range t.DeletedApplications {
		if a := tx.DeletedApp(t, id); a != nil {
			out = append(out, a)
		}
	}
	return out
}

// RestoreApp brings a soft-deleted application back with its object ID and
// client ID.
func (tx *Tx) RestoreApp(t *Tenant, a *Application) {
	tx.mustWrite()
	delete(t.DeletedApplications, a.ID)
	a.DeletedDateTime = time.Time{}
	tx.PutApp(t, a)
}

// PurgeApp deletes a soft-deleted application permanently.
func (tx *Tx) PurgeApp(t *Tenant, a *Application) {
	tx.mustWrite()
	delete(t.DeletedApplications, a.ID)
}

// SoftDeleteServicePrincipal moves a service principal to the tenant's
// deleted items, as Graph's DELETE and an application's delete do
// (api-reference/v1.0/api/directory-deleteditems-list.md lists
// microsoft.graph.servicePrincipal; "If you deleted an application
// registration in its home tenant ..., the enterprise application ... also
// got deleted", with its previous configuration recoverable:
// https://learn.microsoft.com/entra/identity/enterprise-apps/restore-application).
func (tx *Tx) SoftDeleteServicePrincipal(t *Tenant, sp *ServicePrincipal) {
	tx.mustWrite()
	d := &DeletedServicePrincipal{ServicePrincipal: sp, DeletedDateTime: tx.Now()}
	for _, a := range t.AppRoleAssignments {
		if a.PrincipalID == sp.ID || a.ResourceID == sp.ID {
			d.Assignments = append(d.Assignments, a)
		}
	}
	for _, g := range t.PermissionGrants {
		if g.ClientID == sp.ID || g.ResourceID == sp.ID {
			d.Grants = append(d.Grants, g)
		}
	}
	tx.DeleteServicePrincipal(t, sp.ID)
	if t.DeletedServicePrincipals == nil {
		t.DeletedServicePrincipals = map[string]*DeletedServicePrincipal{}
	}
	t.DeletedServicePrincipals[sp.ID] = d
}

// DeletedSP finds a soft-deleted service principal by object ID; one older
// than SoftDeleteRetention on the emulator's clock is gone for good.
func (tx *Tx) DeletedSP(t *Tenant, id string) *DeletedServicePrincipal {
	d := t.DeletedServicePrincipals[strings.ToLower(id)]
	if d == nil || tx.Now().Sub(d.DeletedDateTime) >= SoftDeleteRetention {
		return nil
	}
	return d
}

// DeletedSPs lists the tenant's restorable service principals.
func (tx *Tx) DeletedSPs(t *Tenant) []*DeletedServicePrincipal {
	var out []*DeletedServicePrincipal
	for id := range t.DeletedServicePrincipals {
		if d := tx.DeletedSP(t, id); d != nil {
			out = append(out, d)
		}
	}
	return out
}

// RestoreSP brings a soft-deleted service principal back with its object
// ID, and the assignments and grants whose other side still exists.
func (tx *Tx) RestoreSP(t *Tenant, d *DeletedServicePrincipal) {
	tx.mustWrite()
	delete(t.DeletedServicePrincipals, d.ID)
	t.ServicePrincipals[d.ID] = d.ServicePrincipal
	for _, a := range d.Assignments {
		userOrGroup := a.PrincipalType != "" && a.PrincipalType != "ServicePrincipal"
		if (userOrGroup || t.ServicePrincipals[a.PrincipalID] != nil) && t.ServicePrincipals[a.ResourceID] != nil {
			t.AppRoleAssignments[a.ID] = a
		}
	}
	for _, g := range d.Grants {
		if t.ServicePrincipals[g.ClientID] != nil && t.ServicePrincipals[g.ResourceID] != nil {
			t.PermissionGrants[g.ID] = g
		}
	}
}

// PurgeSP deletes a soft-deleted service principal permanently.
func (tx *Tx) PurgeSP(t *Tenant, d *DeletedServicePrincipal) {
	tx.mustWrite()
	delete(t.DeletedServicePrincipals, d.ID)
}

// Reset empties the directory.
func (tx *Tx) Reset() {
	tx.mustWrite()
	tx.s.clear()
}

// State is the directory as saved: the clock's offset and every tenant with
// everything in it.
type State struct {
	Offset  time.Duration      `json:"clockOffset"`
	Tenants map[string]*Tenant `json:"tenants"`
}

// Save hands the directory to marshal, which may add what else belongs in
// the saved state, with the directory locked for reading.
func (s *Store) Save(marshal func(State) ([]byte, error)) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return marshal(State{Offset: s.clock.Offset(), Tenants: s.tenants})
}

// Load replaces the directory (and the clock's offset) with saved state;
// fields other than State's are ignored.
func (s *Store) Load(b []byte) error {
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
	if st.Tenants != nil {
		s.tenants = st.Tenants
	}
	for id, t := range s.tenants {
		for _, d := range t.Domains {
			s.domains[d.Name] = id
		}
		for _, a := range t.Applications {
			s.apps[a.AppID] = a
		}
	}
	s.clock.SetOffset(st.Offset)
	return nil
}

// replication plays Entra's replicas: after a create, reads of the object
// answer 404 for delay on the emulator clock (0 = off).
type replication struct {
	mu        sync.Mutex
	delay     time.Duration
	createdAt map[string]time.Time
}

// SetReplicationDelay makes reads of an object miss for d after it was
// created.
func (s *Store) SetReplicationDelay(d time.Duration) {
	s.repl.mu.Lock()
	s.repl.delay = d
	s.repl.mu.Unlock()
}

// MarkCreated starts the replication delay of a new object.
func (tx *Tx) MarkCreated(id string) {
	r := &tx.s.repl
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.delay > 0 {
		if r.createdAt == nil {
			r.createdAt = map[string]time.Time{}
		}
		r.createdAt[id] = tx.Now()
	}
}

// Replicating reports whether a read of the object should still miss.
func (tx *Tx) Replicating(id string) bool {
	r := &tx.s.repl
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.createdAt[id]
	if !ok {
		return false
	}
	if tx.Now().Sub(at) >= r.delay {
		delete(r.createdAt, id)
		return false
	}
	return true
}

// ViewValue runs fn in a View transaction and returns its result.
func ViewValue[T any](s *Store, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := s.View(func(tx *Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// UpdateValue runs fn in an Update transaction and returns its result.
func UpdateValue[T any](s *Store, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := s.Update(func(tx *Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}
