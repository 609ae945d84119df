package outbound

import (
	"context"
	"strings"

	"github.com/paydeck/paydeck"
)

// CreateAPIKey makes a key of mode for the admin createdBy, named and
// scoped; secret (pdk_<mode>_…) is returned only here: the store keeps its
// hash.
func (s *Service) CreateAPIKey(ctx context.Context, mode paydeck.APIKeyMode, createdBy, name string,
	scopes []paydeck.Scope) (key *paydeck.APIKey, secret string, err error) {
	secret, hash, hint := paydeck.NewAPIKeySecret(mode)
	key = &paydeck.APIKey{Name: strings.TrimSpace(name), Mode: mode, Hint: hint, Hash: hash, CreatedBy: createdBy,
		Scopes: scopes}
	if err := s.cfg.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateAPIKey(ctx, key) }); err != nil {
		return nil, "", err
	}
	return key, secret, nil
}

// RevokeAPIKey stops the key at once (revoking twice keeps the first
// time) and returns it.
func (s *Service) RevokeAPIKey(ctx context.Context, id string) (*paydeck.APIKey, error) {
	var k *paydeck.APIKey
	err := s.cfg.Store.Update(ctx, func(tx paydeck.Tx) (err error) {
		if k, err = tx.FindAPIKeyByID(ctx, id); err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return nil
		}
		now := tx.Now()
		k.RevokedAt = &now
		return tx.UpdateAPIKey(ctx, k)
	})
	return k, err
}
