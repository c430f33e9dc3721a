// Package config loads a component tree's configuration: defaults in code,
// then an optional YAML file, then environment variables, in that order, so
// a fresh machine needs no file and a container needs no file either.
//
// Environment variables are named after the YAML path of a field, upper-cased,
// with "_" between levels and a prefix: with prefix OTSIGHT, the field at
// `store.retention_days` is set by OTSIGHT_STORE_RETENTION_DAYS. Values are
// parsed as YAML scalars of the field's type (durations as Go durations,
// lists as YAML flow sequences such as "[a, b]").
package config

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Load fills cfg (a pointer to a struct already holding the defaults) from
// the YAML file at path (skipped when path is empty) and then from the
// environment variables starting with prefix+"_". Unknown YAML keys and
// unknown variables with the prefix are errors: a misspelt setting must not
// be silently ignored.
func Load(cfg any, path, prefix string, environ []string) error {
	rv := reflect.ValueOf(cfg)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("config: need a pointer to a struct, got %T", cfg)
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("config: %w", err)
		}
		if err := yaml.UnmarshalWithOptions(data, cfg, yaml.Strict()); err != nil {
			return fmt.Errorf("config %s: %s", path, yaml.FormatError(err, false, true))
		}
	}
	return applyEnv(rv.Elem(), prefix, environ)
}

// Print writes cfg as YAML, the effective configuration after Load.
func Print(cfg any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf, yaml.IndentSequence(true))
	if err := enc.Encode(cfg); err != nil {
		return nil, fmt.Errorf("config: print: %w", err)
	}
	return buf.Bytes(), nil
}

// Variables lists every environment variable that sets a field of cfg, with
// the field's YAML path, sorted: for documentation and --help.
func Variables(cfg any, prefix string) []Variable {
	var out []Variable
	walk(reflect.ValueOf(cfg).Elem(), prefix, nil, func(name string, path []string, _ reflect.Value) {
		out = append(out, Variable{Name: name, Path: strings.Join(path, ".")})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Variable is one environment variable Load understands.
type Variable struct {
	Name string // OTSIGHT_STORE_RETENTION_DAYS
	Path string // store.retention_days
}

func applyEnv(root reflect.Value, prefix string, environ []string) error {
	fields := map[string]reflect.Value{}
	walk(root, prefix, nil, func(name string, _ []string, v reflect.Value) { fields[name] = v })
	var errs []error
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, prefix+"_") {
			continue
		}
		field, known := fields[name]
		if !known {
			errs = append(errs, fmt.Errorf("config: unknown variable %s", name))
			continue
		}
		if err := setScalar(field, value); err != nil {
			errs = append(errs, fmt.Errorf("config: %s=%q: %w", name, value, err))
		}
	}
	return errors.Join(errs...)
}

var (
	durationType  = reflect.TypeFor[time.Duration]()
	unmarshalType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// walk calls leaf for every settable leaf field (not a nested struct) with
// its variable name and YAML path.
func walk(v reflect.Value, name string, path []string, leaf func(string, []string, reflect.Value)) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		key := yamlKey(f)
		if key == "-" {
			continue
		}
		fv := v.Field(i)
		n := name + "_" + strings.ToUpper(key)
		p := append(append([]string(nil), path...), key)
		if fv.Kind() == reflect.Struct && !reflect.PointerTo(fv.Type()).Implements(unmarshalType) {
			walk(fv, n, p, leaf)
			continue
		}
		leaf(n, p, fv)
	}
}

func yamlKey(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	key, _, _ := strings.Cut(tag, ",")
	if key == "" {
		return strings.ToLower(f.Name)
	}
	return key
}

func setScalar(v reflect.Value, s string) error {
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(s))
	}
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetFloat(n)
	case reflect.Slice:
		// A YAML flow sequence ("[a, b]") or one bare value.
		if !strings.HasPrefix(strings.TrimSpace(s), "[") {
			s = "[" + s + "]"
		}
		p := reflect.New(v.Type())
		if err := yaml.Unmarshal([]byte(s), p.Interface()); err != nil {
			return err
		}
		v.Set(p.Elem())
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}
