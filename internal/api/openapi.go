package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)(\.\.\.)?\}`)

// openAPI generates the OpenAPI 3.1 document from the route declarations.
func (api *API) openAPI() ([]byte, error) {
	schemas := map[string]any{}
	paths := map[string]map[string]any{}
	problem := map[string]any{"$ref": "#/components/schemas/Problem"}
	schemaOf(reflect.TypeFor[Problem](), schemas)
	for _, rt := range api.routes {
		op := map[string]any{
			"summary":     rt.Summary,
			"operationId": operationID(rt),
			"tags":        []string{rt.Tag},
		}
		if rt.Public {
			op["security"] = []any{}
		}
		var params []any
		responses400 := false
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			schema := map[string]any{"type": "string"}
			if m[2] == "" && strings.HasSuffix(m[1], "id") {
				schema = map[string]any{"type": "integer", "format": "int64", "minimum": 1}
			}
			doc := "anything but a known id you may see answers 404"
			for _, pp := range rt.PathParams {
				if pp.Name == m[1] {
					schema, doc = map[string]any{"type": pp.Type}, pp.Doc
					if pp.Enum != nil {
						schema["enum"] = pp.Enum
					}
				}
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": schema, "description": doc})
		}
		for _, q := range rt.Query {
			s := map[string]any{"type": q.Type}
			if q.Enum != nil {
				s["enum"] = q.Enum
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": false, "description": q.Doc, "schema": s})
		}
		if isWrite(rt.Method) && !rt.Public {
			params = append(params, map[string]any{"name": IdempotencyHeader, "in": "header", "required": false,
				"description": "a key of your choice (1–255 visible ASCII characters, a UUID say) that makes the write safe to send again: within 24 hours the same key with the same request is done once and answered as the first time (with Idempotent-Replayed: true); with another request it is refused (422 idempotency.key_reused); while the first is running 409 idempotency.pending (Retry-After), and when it was saved but its answer lost (after a minute) 409 idempotency.answer_lost",
				"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": 255}})
			responses400 = true
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(rt.Request, schemas)}}}
		}
		if rt.RequestMedia != nil {
			op["requestBody"] = map[string]any{"required": true, "content": rawContent(rt.RequestMedia)}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if rt.Response != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(rt.Response, schemas)}}
		}
		if rt.ResponseMedia != nil {
			ok["content"] = rawContent(rt.ResponseMedia)
		}
		responses := map[string]any{strconv.Itoa(status): ok}
		problemResp := func(code int) map[string]any {
			return map[string]any{"description": http.StatusText(code), "content": map[string]any{"application/problem+json": map[string]any{"schema": problem}}}
		}
		if !rt.Public {
			responses["401"] = problemResp(401)
			responses["403"] = problemResp(403)
		}
		if rt.Request != nil || rt.RequestMedia != nil || rt.Query != nil || strings.Contains(rt.Path, "{") {
			responses["422"] = problemResp(422)
		}
		if strings.Contains(rt.Path, "{") {
			responses["404"] = problemResp(404)
		}
		if rt.Method != "GET" && !rt.Public {
			responses["409"] = problemResp(409)
		}
		if responses400 {
			responses["400"] = problemResp(400)
		}
		for _, code := range rt.Problems {
			responses[strconv.Itoa(code)] = problemResp(code)
		}
		op["responses"] = responses
		p := pathParam.ReplaceAllString(strings.TrimPrefix(rt.Path, "/api/v1"), "{$1}")
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.Method)] = op
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Lots API",
			"version":     "1",
			"description": "JSON API of Lots, case coordination for sociala insatsgrupper (SIG) and SSPF. Every call is subject to the same access rules as the web interface and is recorded in the audit log. Errors are RFC 9457 problem documents.",
		},
		"servers":  []any{map[string]any{"url": "/api/v1"}},
		"security": []any{map[string]any{"bearer": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "A personal API token (lots_…), created under Settings or with `lots token create`."},
			},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// rawContent is the content of a body that is a file of one of the media types, not JSON.
func rawContent(types []string) map[string]any {
	out := map[string]any{}
	for _, t := range types {
		out[t] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": t}}
	}
	return out
}

func operationID(rt Route) string {
	p := pathParam.ReplaceAllString(strings.TrimPrefix(rt.Path, "/api/v1/"), "by_$1")
	p = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
}

// schemaOf returns the JSON schema of t, registering named structs under components.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	if t.Kind() == reflect.Pointer {
		return schemaOf(t.Elem(), schemas)
	}
	if t == reflect.TypeFor[time.Time]() {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t == reflect.TypeFor[json.RawMessage]() {
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Struct:
		name := t.Name()
		if name == "" {
			return structSchema(t, schemas)
		}
		if _, ok := schemas[name]; !ok {
			schemas[name] = map[string]any{} // placeholder against recursion
			schemas[name] = structSchema(t, schemas)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		s := schemaOf(f.Type, schemas)
		if d := f.Tag.Get("doc"); d != "" {
			s = withDescription(s, d)
		}
		if e := f.Tag.Get("enum"); e != "" {
			s = withEnum(s, strings.Split(e, ","))
		}
		props[name] = s
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			required = append(required, name)
		}
	}
	sort.Strings(required)
	out := map[string]any{"type": "object", "properties": props}
	if required != nil {
		out["required"] = required
	}
	return out
}

func withDescription(s map[string]any, d string) map[string]any {
	c := map[string]any{}
	for k, v := range s {
		c[k] = v
	}
	c["description"] = d
	return c
}

func withEnum(s map[string]any, values []string) map[string]any {
	c := map[string]any{}
	for k, v := range s {
		c[k] = v
	}
	c["enum"] = values
	return c
}
