package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestNotFoundMatchesWhenWrapped(t *testing.T) {
	err := fmt.Errorf("consent in %s: %w", "x", NotFound("tenant x"))
	var nf *NotFoundError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &nf) || nf.ID != "tenant x" {
		t.Fatalf("errors.Is/As(%v) = %v/%v", err, errors.Is(err, ErrNotFound), nf)
	}
	if errors.Is(errors.New("not found"), ErrNotFound) {
		t.Fatal("an error that only reads like not-found matched")
	}
}

func TestTransactions(t *testing.T) {
	s := New(&Clock{})
	err := s.Update(func(tx *Tx) error {
		tn := NewTenant("AAAA0000-0000-4000-8000-000000000001", "A")
		tn.Domains = []Domain{{Name: "a.example", IsDefault: true}}
		return tx.PutTenant(tn)
	})
	if err != nil {
		t.Fatal(err)
	}
	// A domain belongs to one tenant.
	err = s.Update(func(tx *Tx) error {
		tn := NewTenant("bbbb0000-0000-4000-8000-000000000002", "B")
		tn.Domains = []Domain{{Name: "a.example"}}
		return tx.PutTenant(tn)
	})
	if err == nil {
		t.Fatal("a second tenant took a.example")
	}
	name, err := ViewValue(s, func(tx *Tx) (string, error) {
		tn, err := tx.TenantErr("A.EXAMPLE")
		if err != nil {
			return "", err
		}
		return tn.DisplayName, nil
	})
	if err != nil || name != "A" {
		t.Fatalf("by domain = %q, %v", name, err)
	}
	if _, err := ViewValue(s, func(tx *Tx) (*Tenant, error) { return tx.TenantErr("nope") }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing tenant: %v", err)
	}
	// Writes need an Update.
	defer func() {
		if recover() == nil {
			t.Fatal("PutApp in a View did not panic")
		}
	}()
	_ = s.View(func(tx *Tx) error {
		tx.PutApp(tx.Tenant("a.example"), &Application{ID: "x", AppID: "y"})
		return nil
	})
}

func TestReplicationAndSavedClock(t *testing.T) {
	c := &Clock{}
	s := New(c)
	s.SetReplicationDelay(time.Minute)
	_ = s.Update(func(tx *Tx) error { tx.MarkCreated("obj"); return nil })
	replicating := func() (r bool) {
		_ = s.View(func(tx *Tx) error { r = tx.Replicating("obj"); return nil })
		return r
	}
	if !replicating() {
		t.Fatal("a new object is readable at once")
	}
	c.Advance(time.Minute)
	if replicating() {
		t.Fatal("still replicating after the delay")
	}
	b, err := s.Save(func(st State) ([]byte, error) { return json.Marshal(st) })
	if err != nil {
		t.Fatal(err)
	}
	other := New(&Clock{})
	if err := other.Load(b); err != nil || other.clock.Offset() != time.Minute {
		t.Fatalf("loaded offset = %v, %v", other.clock.Offset(), err)
	}
}
