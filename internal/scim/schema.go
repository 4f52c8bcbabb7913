package scim

import "strings"

// Schema URNs (RFC 7643, RFC 7644 and Roster's own).
const (
	URNUser        = "urn:ietf:params:scim:schemas:core:2.0:User"
	URNGroup       = "urn:ietf:params:scim:schemas:core:2.0:Group"
	URNEnterprise  = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	URNRosterUser  = "urn:ietf:params:scim:schemas:extension:roster:2.0:User"
	URNRosterGroup = "urn:ietf:params:scim:schemas:extension:roster:2.0:Group"
	URNRole        = "urn:ietf:params:scim:schemas:roster:2.0:Role"
	URNListResp    = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	URNSearch      = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	URNPatchOp     = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	URNError       = "urn:ietf:params:scim:api:messages:2.0:Error"
	URNSPConfig    = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	URNResType     = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	URNSchema      = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	ContentType    = "application/scim+json"
	maxBodyBytes   = 1 << 20
	maxPatchOps    = 1000
	maxAttrListLen = 1024
)

// A list without count answers as many as W&B's SCIM does (its documented
// itemsPerPage and "Maximum results": 9999), so that W&B's scripts, which
// send no count, see every user (README).
const (
	defaultCount = 9999
	maxCount     = 9999
)

// Attribute types (RFC 7643 section 2.3).
const (
	tString   = "string"
	tBool     = "boolean"
	tDecimal  = "decimal"
	tInteger  = "integer"
	tDateTime = "dateTime"
	tBinary   = "binary"
	tRef      = "reference"
	tComplex  = "complex"
)

// Attr is an attribute definition as /Schemas publishes it (RFC 7643
// section 7); key names the sub-attribute that identifies a value of a
// multi-valued attribute when adding.
type Attr struct {
	Name            string   `json:"name"`
	Type            string   `json:"type"`
	SubAttributes   []*Attr  `json:"subAttributes,omitempty"`
	MultiValued     bool     `json:"multiValued"`
	Description     string   `json:"description"`
	Required        bool     `json:"required"`
	CanonicalValues []string `json:"canonicalValues,omitempty"`
	CaseExact       bool     `json:"caseExact"`
	Mutability      string   `json:"mutability"`
	Returned        string   `json:"returned"`
	Uniqueness      string   `json:"uniqueness"`
	ReferenceTypes  []string `json:"referenceTypes,omitempty"`
	key             string
	// shorthand: a single-valued complex attribute also taken as its
	// value alone ("id" for {"value": "id"}) or as a one-value array,
	// as Entra sends the enterprise manager.
	shorthand bool
	// replaceMerges makes a PATCH replace of the whole attribute set the
	// values it lists, by key, and keep the others (W&B's teamRoles); a
	// replace with no value still clears it.
	replaceMerges bool
}

// Sub finds a sub-attribute by name, case-insensitively.
func (a *Attr) Sub(name string) *Attr {
	for _, s := range a.SubAttributes {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

// Schema is a resource schema or extension (RFC 7643 section 7).
type Schema struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Attributes  []*Attr `json:"attributes"`
}

// Attr finds an attribute by name, case-insensitively.
func (s *Schema) Attr(name string) *Attr {
	for _, a := range s.Attributes {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// attribute builders keep the definitions below short.
func str(name, desc string) *Attr {
	return &Attr{Name: name, Type: tString, Description: desc, Mutability: "readWrite", Returned: "default", Uniqueness: "none"}
}

func boolean(name, desc string) *Attr {
	a := str(name, desc)
	a.Type = tBool
	return a
}

func ref(name, desc string, types ...string) *Attr {
	a := str(name, desc)
	a.Type, a.ReferenceTypes, a.CaseExact = tRef, types, true
	return a
}

func complexAttr(name, desc string, subs ...*Attr) *Attr {
	a := str(name, desc)
	a.Type, a.SubAttributes = tComplex, subs
	return a
}

func multi(a *Attr, key string) *Attr {
	a.MultiValued, a.key = true, key
	return a
}

func readOnly(a *Attr) *Attr {
	a.Mutability = "readOnly"
	for _, s := range a.SubAttributes {
		readOnly(s)
	}
	return a
}

func required(a *Attr) *Attr {
	a.Required = true
	return a
}

func canonical(a *Attr, vals ...string) *Attr {
	a.CanonicalValues = vals
	return a
}

// byValue lets a single-valued complex attribute be sent as its value.
func byValue(a *Attr) *Attr {
	a.shorthand = true
	return a
}

func caseExact(a *Attr) *Attr {
	a.CaseExact = true
	return a
}

// typed is one value of a multi-valued attribute with value, display,
// type and primary sub-attributes (RFC 7643 section 2.4).
func typed(name, desc, valueType string, types ...string) *Attr {
	v := str("value", "The value of "+name+".")
	v.Type = valueType
	return multi(complexAttr(name, desc, v,
		str("display", "A human-readable name, primarily used for display purposes."),
		canonical(str("type", "A label indicating the attribute's function."), types...),
		boolean("primary", "Whether this is the preferred value."),
	), "")
}

// commonAttrs are id, externalId and meta: every resource has them and
// filters may name them, though schemas do not list them (RFC 7643 3.1).
var commonAttrs = &Schema{ID: "common", Attributes: []*Attr{
	readOnly(caseExact(&Attr{Name: "id", Type: tString, Description: "Unique identifier assigned by Roster.",
		Mutability: "readOnly", Returned: "always", Uniqueness: "server"})),
	caseExact(str("externalId", "Identifier assigned by the provisioning client.")),
	readOnly(complexAttr("meta", "Resource metadata.",
		caseExact(str("resourceType", "The resource's type.")),
		&Attr{Name: "created", Type: tDateTime, Description: "When the resource was created.", Returned: "default", Uniqueness: "none"},
		&Attr{Name: "lastModified", Type: tDateTime, Description: "When the resource last changed.", Returned: "default", Uniqueness: "none"},
		ref("location", "The resource's URI.", "uri"),
		caseExact(str("version", "The resource's version (its ETag).")),
	)),
}}
