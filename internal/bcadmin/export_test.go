package bcadmin

import (
	"context"
	"time"
)

// SetSleep replaces the wait between attempts so tests never sleep.
func (c *Client) SetSleep(f func(ctx context.Context, d time.Duration) error) { c.sleep = f }
