package casework

import (
	"reflect"
	"testing"
)

// TestSettingsCloneSharesNothing fills every list and map of Settings (found by reflection,
// so a field added later is checked too) and asserts that Clone's copy has its own.
func TestSettingsCloneSharesNothing(t *testing.T) {
	var s Settings
	v := reflect.ValueOf(&s).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Map:
			m := reflect.MakeMap(f.Type())
			m.SetMapIndex(reflect.Zero(f.Type().Key()), reflect.Zero(f.Type().Elem()))
			f.Set(m)
		case reflect.Pointer, reflect.Interface, reflect.Func, reflect.Chan:
			t.Fatalf("Settings.%s is a %s: Clone must copy what it points to", v.Type().Field(i).Name, f.Kind())
		}
	}
	c := reflect.ValueOf(s.Clone())
	for i := range v.NumField() {
		a, b := v.Field(i), c.Field(i)
		if (a.Kind() == reflect.Slice || a.Kind() == reflect.Map) && a.Pointer() == b.Pointer() {
			t.Errorf("Settings.%s is shared by Clone's copy", v.Type().Field(i).Name)
		}
	}
}
