package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// Default timeouts of an operation that calls Microsoft; a resource's
// timeouts block overrides them. The operation's deadline bounds all of
// its retries and waits: a wait that would pass it is not started.
const (
	defaultWriteTimeout = 20 * time.Minute
	defaultReadTimeout  = 10 * time.Minute
)

// timeoutsBlock is a resource's timeouts block for the operations that
// call Microsoft (Update only where it does); writeNote is added to the
// create and update descriptions.
func timeoutsBlock(ctx context.Context, update bool, writeNote string) schema.Block {
	const each = " Every retry and wait of the operation (Retry-After up to the provider's `max_retry_wait`, Entra's replication delay) stops at this deadline, which fails the operation with \"Timed out\"."
	b := timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: update, Delete: true,
		CreateDescription: "How long a create may take, e.g. `30m` (default `20m`" + writeNote + ")." + each,
		ReadDescription:   "How long a refresh may take (default `10m`)." + each,
		UpdateDescription: "How long an update may take (default `20m`" + writeNote + ")." + each,
		DeleteDescription: "How long a destroy may take (default `20m`)." + each,
	})
	nested, ok := b.(schema.SingleNestedBlock)
	if !ok {
		return b
	}
	nested.MarkdownDescription = "Deadlines of the operations that call Microsoft, as durations such as `30m` or `1h`."
	return nested
}

// attributeGetter is a plan, state or configuration.
type attributeGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target interface{}) diag.Diagnostics
}

// withTimeout bounds ctx by the timeouts block's value for op ("create",
// "read", "update" or "delete") in from, or by def.
func withTimeout(ctx context.Context, from attributeGetter, op string, def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	var t timeouts.Value
	diags.Append(from.GetAttribute(ctx, path.Root("timeouts"), &t)...)
	get := map[string]func(context.Context, time.Duration) (time.Duration, diag.Diagnostics){
		"create": t.Create, "read": t.Read, "update": t.Update, "delete": t.Delete,
	}[op]
	d, dd := get(ctx, def)
	diags.Append(dd...)
	return context.WithTimeout(ctx, d)
}
