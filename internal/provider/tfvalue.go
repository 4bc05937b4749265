package provider

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// terraformValue converts a framework value to the protocol's value of type
// typ, sharing typ (and the types inside it) among all the values it builds.
//
// Why not v.ToTerraformValue: the framework builds each object's type anew
// for every object value (ObjectValue.ToTerraformValue calls
// Type(ctx).TerraformType(ctx), a new attribute-type map per object and per
// nested object). For onboard_sync's results over 10,000 tenants that was
// 153 MiB of live heap out of 198 (TestSyncResultMemory); with one shared
// type it is a fraction of that. Only the kinds the sync's results use are
// handled; any other is an error, never a guess.
func terraformValue(v attr.Value, typ tftypes.Type) (tftypes.Value, error) {
	if v.IsNull() {
		return tftypes.NewValue(typ, nil), nil
	}
	if v.IsUnknown() {
		return tftypes.NewValue(typ, tftypes.UnknownValue), nil
	}
	switch x := v.(type) {
	case basetypes.StringValue:
		return tftypes.NewValue(typ, x.ValueString()), nil
	case basetypes.BoolValue:
		return tftypes.NewValue(typ, x.ValueBool()), nil
	case basetypes.Int64Value:
		return tftypes.NewValue(typ, new(big.Float).SetInt64(x.ValueInt64())), nil
	case basetypes.Float64Value:
		return tftypes.NewValue(typ, big.NewFloat(x.ValueFloat64())), nil
	case basetypes.ListValue:
		lt, ok := typ.(tftypes.List)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("list value for type %s", typ)
		}
		elems := make([]tftypes.Value, 0, len(x.Elements()))
		for _, e := range x.Elements() {
			tv, err := terraformValue(e, lt.ElementType)
			if err != nil {
				return tftypes.Value{}, err
			}
			elems = append(elems, tv)
		}
		return tftypes.NewValue(typ, elems), nil
	case basetypes.MapValue:
		mt, ok := typ.(tftypes.Map)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("map value for type %s", typ)
		}
		elems := make(map[string]tftypes.Value, len(x.Elements()))
		for k, e := range x.Elements() {
			tv, err := terraformValue(e, mt.ElementType)
			if err != nil {
				return tftypes.Value{}, err
			}
			elems[k] = tv
		}
		return tftypes.NewValue(typ, elems), nil
	case basetypes.ObjectValue:
		ot, ok := typ.(tftypes.Object)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("object value for type %s", typ)
		}
		attrs := x.Attributes()
		vals := make(map[string]tftypes.Value, len(ot.AttributeTypes))
		for name, at := range ot.AttributeTypes {
			a, ok := attrs[name]
			if !ok {
				return tftypes.Value{}, fmt.Errorf("object lacks attribute %q", name)
			}
			tv, err := terraformValue(a, at)
			if err != nil {
				return tftypes.Value{}, fmt.Errorf("%s: %w", name, err)
			}
			vals[name] = tv
		}
		return tftypes.NewValue(typ, vals), nil
	}
	return tftypes.Value{}, fmt.Errorf("unhandled value kind %T", v)
}
