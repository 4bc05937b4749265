package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

var (
	_ resource.Resource                   = &clientSecretResource{}
	_ resource.ResourceWithIdentity       = &clientSecretResource{}
	_ resource.ResourceWithConfigure      = &clientSecretResource{}
	_ resource.ResourceWithModifyPlan     = &clientSecretResource{}
	_ resource.ResourceWithMoveState      = &clientSecretResource{}
	_ resource.ResourceWithImportState    = &clientSecretResource{}
	_ resource.ResourceWithValidateConfig = &clientSecretResource{}
)

func newClientSecretResource() resource.Resource { return &clientSecretResource{} }

type clientSecretResource struct {
	data *providerData
}

type clientSecretModel struct {
	ID                types.String   `tfsdk:"id"`
	ApplicationID     types.String   `tfsdk:"application_id"`
	DisplayName       types.String   `tfsdk:"display_name"`
	EndDate           types.String   `tfsdk:"end_date"`
	Lifetime          types.String   `tfsdk:"lifetime"`
	RotateBefore      types.String   `tfsdk:"rotate_before"`
	RotateWhenChanged types.Map      `tfsdk:"rotate_when_changed"`
	KeyID             types.String   `tfsdk:"key_id"`
	Value             types.String   `tfsdk:"value"`
	StartDate         types.String   `tfsdk:"start_date"`
	KeepPreviousFor   types.String   `tfsdk:"keep_previous_for"`
	PreviousKeyID     types.String   `tfsdk:"previous_key_id"`
	PreviousEndDate   types.String   `tfsdk:"previous_end_date"`
	PreviousRemoval   types.String   `tfsdk:"previous_removed_after"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (r *clientSecretResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client_secret"
	// A rotation with keep_previous_for adds the new secret in place: the
	// identity (its key ID) changes with it.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *clientSecretResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	duration := durationValidator("must be a duration in hours or days, e.g. \"8760h\" or \"365d\"")
	resp.Schema = schema.Schema{
		MarkdownDescription: "A client secret (password credential) of an app registration, with its expiry and planned rotation. " +
			"When Entra's clock plus `rotate_before` passes the end date, `terraform plan` replaces the secret and warns when it expires; " +
			"a secret deleted out of band is created again. Use `lifecycle { create_before_destroy = true }` so the app always has a valid secret.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "`<application object id>/<key id>`."},
			"application_id": schema.StringAttribute{Required: true, PlanModifiers: replace,
				MarkdownDescription: "Object ID of the app registration (`onboard_entra_app.<name>.id`).", Validators: []validator.String{guidValidator()}},
			"display_name": schema.StringAttribute{Optional: true, PlanModifiers: replace, MarkdownDescription: "Description of the secret shown in the Entra admin center.",
				Validators: []validator.String{notBlank("terraform")}},
			"end_date": schema.StringAttribute{Optional: true, Computed: true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
				MarkdownDescription: "When the secret expires (RFC 3339). Set it, or `lifetime`; computed from `lifetime` otherwise. A new secret's `end_date` must be in the future by the clock of the machine that runs plan.",
				Validators:          []validator.String{rfc3339Validator(), stringvalidator.ConflictsWith(path.MatchRoot("lifetime"))}},
			"lifetime": schema.StringAttribute{Optional: true, PlanModifiers: replace,
				MarkdownDescription: "How long the secret is valid from its creation, e.g. `8760h` or `365d`. Entra allows at most two years. Without `lifetime` or `end_date`, Entra's default (two years) applies.",
				Validators:          []validator.String{duration}},
			"rotate_before": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Replace the secret when it is within this long of its end date, e.g. `720h` or `30d`; shorter than `lifetime`, or every apply would replace it. Rotation needs `lifetime` (a fixed `end_date` only warns).",
				Validators:          []validator.String{duration}},
			"rotate_when_changed": schema.MapAttribute{ElementType: types.StringType, Optional: true,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
				MarkdownDescription: "Arbitrary values that replace the secret when they change (e.g. a rotation counter or a date)."},
			"key_id":     schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The secret's key ID."},
			"value":      schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: keep, MarkdownDescription: "The secret value. Entra shows it only once, when the secret is created; it is null after import."},
			"start_date": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "When the secret became valid (RFC 3339)."},
			"keep_previous_for": schema.StringAttribute{Optional: true,
				MarkdownDescription: "How long a rotated secret stays valid beside its successor, e.g. `168h` (the default) or `3d`. When `rotate_before` triggers, " +
					"apply adds the new secret in place (`value` and `key_id` change, and resources that use them switch in the same apply) and keeps the previous one " +
					"until this long after, for systems outside this configuration to pick up the new value; the first apply after that removes it, and plan says so. " +
					"`0s` replaces the secret at once instead (with `create_before_destroy`, the new one exists before the old one goes).",
				Validators: []validator.String{durationValidator("must be a duration such as \"168h\", \"7d\" or \"0s\""), durationBetween(0, onboarding.MaxSecretLifetime, "168h")}},
			"previous_key_id": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "Key ID of the rotated secret kept beside this one, null when none."},
			"previous_end_date": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "When the kept previous secret would expire (RFC 3339), null when none."},
			"previous_removed_after": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "When the kept previous secret is removed (RFC 3339): by the first apply after this time. Null when none."},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, false, "")},
	}
}

func (r *clientSecretResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = clientSecretIdentity.schema()
}

func (r *clientSecretResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *clientSecretResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m clientSecretModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if m.Lifetime.IsNull() || m.Lifetime.IsUnknown() {
		return
	}
	d, err := onboarding.ParseDuration(m.Lifetime.ValueString())
	if err == nil && !onboarding.SecretLifetimeAllowed(d) {
		resp.Diagnostics.AddAttributeError(path.Root("lifetime"), "Unsupported secret lifetime",
			fmt.Sprintf("lifetime %s is outside what Entra accepts for client secrets (more than an hour, at most two years); Microsoft recommends less than 12 months.", m.Lifetime.ValueString()))
	}
	if err != nil || m.RotateBefore.IsNull() || m.RotateBefore.IsUnknown() {
		return
	}
	if before, err := onboarding.ParseDuration(m.RotateBefore.ValueString()); err == nil {
		if msg := onboarding.CheckRotateBefore(d, before); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "rotate_before not shorter than lifetime",
				fmt.Sprintf("%s (rotate_before = %q, lifetime = %q).", msg, m.RotateBefore.ValueString(), m.Lifetime.ValueString()))
		}
	}
}

// checkNewEndDate refuses a new secret whose configured end_date has
// passed. Only for a secret about to be created: an existing one keeps
// planning (it warns when expired) and can still be destroyed.
func checkNewEndDate(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan clientSecretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if plan.EndDate.IsNull() || plan.EndDate.IsUnknown() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state clientSecretModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.EndDate.Equal(plan.EndDate) {
			return
		}
	}
	end, err := parseRFC3339(plan.EndDate.ValueString())
	if err != nil {
		return // rfc3339Validator says so
	}
	if msg := onboarding.CheckEndDate(end, time.Now()); msg != "" {
		resp.Diagnostics.AddAttributeError(path.Root("end_date"), "end_date in the past", msg+".")
	}
}

// ModifyPlan plans a rotation when the secret is within rotate_before of its
// end date by Entra's clock, and warns either way.
func (r *clientSecretResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Plan.Raw.IsNull() {
		checkNewEndDate(ctx, req, resp)
	}
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var state, plan clientSecretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.RotateBefore.IsUnknown() {
		return
	}
	end, err := time.Parse(time.RFC3339, state.EndDate.ValueString())
	if err != nil {
		return
	}
	before := time.Duration(0)
	if !plan.RotateBefore.IsNull() {
		before, _ = onboarding.ParseDuration(plan.RotateBefore.ValueString())
	}
	// Reading the app sets the client's clock to Entra's: at apply, or
	// with -refresh=false, no refresh has done it before this plan.
	appName := state.ApplicationID.ValueString()
	if app, err := r.data.Graph.GetApplication(ctx, appName); err == nil {
		appName = fmt.Sprintf("%q (client ID %s)", app.DisplayName, app.AppID)
	}
	now := r.data.Graph.Now()
	removal, _ := time.Parse(time.RFC3339, state.PreviousRemoval.ValueString())
	previousDue := !state.PreviousKeyID.IsNull() && onboarding.PreviousDue(now, removal)
	decision := onboarding.PlanSecret(now, end, before, !plan.Lifetime.IsNull())
	if decision.Action == onboarding.SecretKeep && !previousDue {
		return
	}
	if previousDue {
		resp.Diagnostics.AddWarning(onboarding.PreviousRemovalWarning(state.DisplayName.ValueString(), state.PreviousKeyID.ValueString(), appName, removal))
		for _, p := range []string{"previous_key_id", "previous_end_date", "previous_removed_after"} {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.StringNull())...)
		}
	}
	if decision.Action == onboarding.SecretKeep {
		return
	}
	summary, detail := onboarding.SecretWarning(decision, state.DisplayName.ValueString(), state.KeyID.ValueString(), appName, end, plan.RotateBefore.ValueString())
	overlap := onboarding.PlanOverlap(now, end, keepPrevious(plan))
	if decision.Action == onboarding.SecretReplace && overlap.Keep {
		detail += onboarding.OverlapNote(state.KeyID.ValueString(), overlap.RemoveAfter)
	}
	resp.Diagnostics.AddWarning(summary, detail)
	if decision.Action != onboarding.SecretReplace {
		return
	}
	for _, p := range []string{"end_date", "key_id", "value", "start_date", "id"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.StringUnknown())...)
	}
	if !overlap.Keep {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("end_date"))
		return
	}
	// Rotated in place: the current secret becomes the previous one (a
	// previous one still kept goes now, Update removes it).
	for p, v := range map[string]string{"previous_key_id": state.KeyID.ValueString(), "previous_end_date": state.EndDate.ValueString()} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.StringValue(v))...)
	}
	// Counted from the apply that adds the new secret, by Entra's clock.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("previous_removed_after"), types.StringUnknown())...)
}

// keepPrevious is keep_previous_for, DefaultKeepPrevious when unset.
func keepPrevious(m clientSecretModel) time.Duration {
	if m.KeepPreviousFor.IsNull() || m.KeepPreviousFor.IsUnknown() {
		return onboarding.DefaultKeepPrevious
	}
	d, _ := onboarding.ParseDuration(m.KeepPreviousFor.ValueString())
	return d
}

func (r *clientSecretResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "create", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan clientSecretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.PreviousKeyID, plan.PreviousEndDate, plan.PreviousRemoval = types.StringNull(), types.StringNull(), types.StringNull()
	if !r.add(ctx, &plan, &resp.Diagnostics) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(clientSecretIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

// add adds a new secret to the app as planned and sets its attributes in
// plan; false after an error.
func (r *clientSecretResource) add(ctx context.Context, plan *clientSecretModel, diags *diag.Diagnostics) bool {
	app := plan.ApplicationID.ValueString()
	// Reading the app first checks it exists and sets the client's clock to
	// Entra's, which the lifetime counts from.
	current, err := r.data.Graph.WaitForApplication(ctx, app)
	if err != nil {
		if graph.IsNotFound(err) {
			diags.AddAttributeError(path.Root("application_id"), "App registration not found",
				"No app registration with object ID "+app+" exists in tenant "+r.data.TenantID+". Use onboard_entra_app.<name>.id (the object ID, not the client ID).")
			return false
		}
		apiError(diags, "reading app "+app, err)
		return false
	}
	pc := graph.PasswordCredential{DisplayName: plan.DisplayName.ValueString()}
	switch {
	case !plan.EndDate.IsNull() && !plan.EndDate.IsUnknown():
		pc.EndDateTime, _ = time.Parse(time.RFC3339, plan.EndDate.ValueString())
	case !plan.Lifetime.IsNull():
		d, _ := onboarding.ParseDuration(plan.Lifetime.ValueString())
		pc.StartDateTime, pc.EndDateTime = onboarding.SecretWindow(r.data.Graph.Now(), d)
	}
	created, err := r.data.Graph.AddPassword(ctx, app, pc)
	if graph.IsAmbiguous(err) {
		// Entra may have made the secret and lost the answer: remove what
		// that call left, so no live secret goes untracked, and try once
		// more.
		if r.removeLost(ctx, app, current, pc, diags) {
			created, err = r.data.Graph.AddPassword(ctx, app, pc)
		}
	}
	if err != nil {
		if graph.IsNotFound(err) {
			diags.AddAttributeError(path.Root("application_id"), "App registration not found",
				"No app registration with object ID "+app+" exists in tenant "+r.data.TenantID+". Use onboard_entra_app.<name>.id (the object ID, not the client ID).")
			return false
		}
		apiError(diags, "adding a client secret to app "+app, err)
		return false
	}
	plan.ID = types.StringValue(app + "/" + created.KeyID)
	plan.KeyID = types.StringValue(created.KeyID)
	plan.Value = types.StringValue(created.SecretText)
	plan.StartDate = types.StringValue(created.StartDateTime.Format(time.RFC3339))
	plan.EndDate = types.StringValue(created.EndDateTime.Format(time.RFC3339))
	r.data.credentials.holdSecret(current.AppID, created.KeyID, created.SecretText, created.EndDateTime)
	r.data.credentials.manage(created.KeyID, plan.PreviousKeyID.ValueString())
	return true
}

// removeLost removes the secrets a failed addPassword left on the app;
// before is the app as read just before the call.
func (r *clientSecretResource) removeLost(ctx context.Context, app string, before graph.Application, pc graph.PasswordCredential, diags *diag.Diagnostics) bool {
	after, err := r.data.Graph.GetApplication(ctx, app)
	if err != nil {
		apiError(diags, "reading app "+app+" after a failed addPassword", err)
		return false
	}
	lost := onboarding.LostSecrets(secretKeys(before), secretKeys(after), pc.DisplayName, pc.EndDateTime)
	for _, keyID := range lost {
		if err := r.data.Graph.RemovePassword(ctx, app, keyID); err != nil {
			apiError(diags, "removing client secret "+keyID+", which a failed addPassword left on app "+app, err)
			return false
		}
	}
	return true
}

func secretKeys(app graph.Application) []onboarding.SecretKey {
	var out []onboarding.SecretKey
	for _, p := range app.PasswordCredentials {
		out = append(out, onboarding.SecretKey{KeyID: p.KeyID, DisplayName: p.DisplayName, End: p.EndDateTime})
	}
	return out
}

func (r *clientSecretResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "read", defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	// The identity never changes, so the prior state's is the answer; set
	// first, as a Read that removes the resource still owes Terraform
	// (before 1.12, which keeps no identity) the identity it had.
	resp.Diagnostics.Append(clientSecretIdentity.fromState(ctx, req.State, resp.Identity)...)
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state clientSecretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app, err := r.data.Graph.GetApplication(ctx, state.ApplicationID.ValueString())
	if graph.IsNotFound(err) {
		// An app in deleted items keeps its secrets: onboard_entra_app
		// restores it on apply, and this secret with it. Otherwise plan
		// creates the secret again on whatever app replaces it.
		app, err = r.data.Graph.GetDeletedApplication(ctx, state.ApplicationID.ValueString())
		if err != nil {
			resp.State.RemoveResource(ctx)
			return
		}
	}
	if err != nil {
		apiError(&resp.Diagnostics, "reading the secrets of app "+state.ApplicationID.String(), err)
		return
	}
	if !state.PreviousKeyID.IsNull() && !slices.ContainsFunc(app.PasswordCredentials, func(pc graph.PasswordCredential) bool {
		return strings.EqualFold(pc.KeyID, state.PreviousKeyID.ValueString())
	}) {
		// The kept previous secret was removed out of band: nothing left to remove.
		state.PreviousKeyID, state.PreviousEndDate, state.PreviousRemoval = types.StringNull(), types.StringNull(), types.StringNull()
	}
	for _, pc := range app.PasswordCredentials {
		if strings.EqualFold(pc.KeyID, state.KeyID.ValueString()) {
			state.StartDate = types.StringValue(pc.StartDateTime.Format(time.RFC3339))
			state.EndDate = types.StringValue(pc.EndDateTime.Format(time.RFC3339))
			if pc.DisplayName != "" || !state.DisplayName.IsNull() {
				state.DisplayName = nullableString(pc.DisplayName)
			}
			// Consumers refreshed after this one sign in with it, without
			// a copy in their state (app_credential.go).
			r.data.credentials.holdSecret(app.AppID, pc.KeyID, state.Value.ValueString(), pc.EndDateTime)
			r.data.credentials.manage(pc.KeyID, state.PreviousKeyID.ValueString())
			resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
			return
		}
	}
	// Removed out of band: plan creates a new one.
	resp.State.RemoveResource(ctx)
}

// Update rotates in place (keep_previous_for) and removes a kept previous
// secret once its window has passed; rotate_before and keep_previous_for
// themselves affect planning alone.
func (r *clientSecretResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan, state clientSecretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.KeyID.IsUnknown() {
		if !r.add(ctx, &plan, &resp.Diagnostics) {
			return
		}
		if plan.PreviousRemoval.IsUnknown() {
			end, _ := time.Parse(time.RFC3339, state.EndDate.ValueString())
			plan.PreviousRemoval = types.StringValue(onboarding.PlanOverlap(r.data.Graph.Now(), end, keepPrevious(plan)).RemoveAfter.Format(time.RFC3339))
		}
	} else {
		plan.ID, plan.KeyID, plan.Value, plan.StartDate, plan.EndDate = state.ID, state.KeyID, state.Value, state.StartDate, state.EndDate
		if app, err := r.data.Graph.GetApplication(ctx, state.ApplicationID.ValueString()); err == nil {
			end, _ := time.Parse(time.RFC3339, state.EndDate.ValueString())
			r.data.credentials.holdSecret(app.AppID, state.KeyID.ValueString(), state.Value.ValueString(), end)
		}
		r.data.credentials.manage(state.KeyID.ValueString(), plan.PreviousKeyID.ValueString())
	}
	if prev := state.PreviousKeyID; !prev.IsNull() && !prev.Equal(plan.PreviousKeyID) {
		err := r.data.Graph.RemovePassword(ctx, state.ApplicationID.ValueString(), prev.ValueString())
		if err != nil && !graph.IsNotFound(err) {
			// The new secret is saved either way; the next plan removes
			// the previous one again.
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			apiError(&resp.Diagnostics, "removing the previous client secret "+prev.String(), err)
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(clientSecretIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

func (r *clientSecretResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "delete", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state clientSecretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, key := range []types.String{state.PreviousKeyID, state.KeyID} {
		if key.IsNull() {
			continue
		}
		err := r.data.Graph.RemovePassword(ctx, state.ApplicationID.ValueString(), key.ValueString())
		if err != nil && !graph.IsNotFound(err) {
			apiError(&resp.Diagnostics, "removing client secret "+key.String(), err)
			return
		}
	}
}

// ImportState takes "<application object id>/<key id>". The secret's value
// cannot be read back from Entra, so it stays null.
func (r *clientSecretResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := clientSecretIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	req.ID = id
	app, key, ok := strings.Cut(req.ID, "/")
	if !ok || !onboarding.IsGUID(app) || !onboarding.IsGUID(key) {
		resp.Diagnostics.AddError("Invalid import ID", "Import onboard_client_secret as \"<application object id>/<key id>\", got \""+req.ID+"\".")
		return
	}
	resp.Diagnostics.Append(setAll(ctx, &resp.State, map[string]any{"id": req.ID, "application_id": app, "key_id": key})...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("value"), types.StringNull())...)
}

// MoveState takes `moved` blocks from azuread_application_password (see moved.go).
func (r *clientSecretResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{fromAzuread("azuread_application_password", movedPassword)}
}
