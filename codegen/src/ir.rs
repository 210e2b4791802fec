//! The intermediate model: a checked spec with every name settled, ready to emit.

use std::collections::{BTreeMap, BTreeSet};

/// The string formats a spec can name: the runtime's list, the one the generated validators
/// check, so the generator and the generated crate agree on every format.
pub use crate::constraint::{Applies, Bounds, Constraint, Constraints, ItemRules};
pub use specgen_runtime::Format;

use crate::diag::Place;

#[derive(Debug)]
pub struct Model {
    pub api: Api,
    /// One module per spec file, in file-name order.
    pub modules: Vec<Module>,
    pub operations: Vec<Operation>,
    /// Every type, in id order: the modules' types one module after another.
    types: Vec<TypeDef>,
    /// Type name -> id, for `find_type`.
    by_name: BTreeMap<String, TypeId>,
    /// The strongly connected component of each type, by id.
    component: Vec<usize>,
    /// Object types that cannot derive `Default`.
    no_default: BTreeSet<TypeId>,
    /// Type id -> the operations it is the request or the response of, in spec order.
    operations_by_type: Vec<Vec<usize>>,
    /// Types whose `validate_at` checks something.
    validating: BTreeSet<TypeId>,
    /// Module name -> the cargo features of the other modules it needs (empty for the
    /// modules that are always compiled).
    module_features: BTreeMap<String, Vec<String>>,
}

/// A type of the model, by its position in [`Model::types`]; the type index hands ids out
/// before lowering, so a reference is an id from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(u32);

impl TypeId {
    pub(crate) fn new(position: usize) -> Self {
        Self(u32::try_from(position).unwrap_or(u32::MAX))
    }

    fn index(self) -> usize {
        self.0 as usize
    }
}

impl Model {
    /// Whether a multipart field of this kind travels as a text part or a file part (a
    /// scalar, an enum, a file), rather than as one JSON part (OpenAPI's default for a value
    /// that is not a scalar).
    pub fn is_text_or_file_part(&self, kind: &TyKind) -> bool {
        match kind {
            TyKind::String | TyKind::Integer | TyKind::Number | TyKind::Boolean | TyKind::File => {
                true
            }
            TyKind::Named(id) => matches!(self.def(*id).kind, TypeKind::Enum(_)),
            TyKind::Any | TyKind::Array { .. } | TyKind::Map { .. } => false,
        }
    }

    pub fn types(&self) -> impl Iterator<Item = &TypeDef> {
        self.types.iter()
    }

    /// The types a module defines, in spec order.
    pub fn module_types(&self, module: &Module) -> &[TypeDef] {
        self.types.get(module.types.clone()).unwrap_or_default()
    }

    /// The type an id stands for. Every id in a model comes from the index the model was
    /// lowered with, so each names a type of `types()`.
    pub fn def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.index()]
    }

    /// The Rust (and spec) name of a type.
    pub fn name(&self, id: TypeId) -> &str {
        &self.def(id).name
    }

    /// The operations a type is the request or the response of.
    pub fn operations_of(&self, id: TypeId) -> impl Iterator<Item = &Operation> {
        self.operations_by_type
            .get(id.index())
            .into_iter()
            .flatten()
            .filter_map(|&i| self.operations.get(i))
    }

    /// The webhook payload types, in id order (spec order).
    pub fn webhooks(&self) -> impl Iterator<Item = (&WebhookKey, &TypeDef)> {
        self.types
            .iter()
            .filter_map(|def| def.webhook.as_ref().map(|key| (key, def)))
    }

    pub fn find_type(&self, name: &str) -> Option<&TypeDef> {
        self.by_name.get(name).map(|&id| self.def(id))
    }

    /// The module (spec file stem) a type is defined in.
    pub fn module_of(&self, id: TypeId) -> &str {
        &self.modules[self.def(id).module].name
    }

    /// Builds the graph facts emission asks about, once, so that each question is a lookup
    /// rather than a walk of the type graph. `modules` hold their types in id order.
    pub fn new(api: Api, modules: Vec<(Module, Vec<TypeDef>)>, operations: Vec<Operation>) -> Self {
        let mut types = Vec::new();
        let modules = modules
            .into_iter()
            .enumerate()
            .map(|(m, (mut module, defs))| {
                let start = types.len();
                types.extend(defs.into_iter().map(|def| TypeDef { module: m, ..def }));
                module.types = start..types.len();
                module
            })
            .collect();
        debug_assert!(types.iter().enumerate().all(|(i, t)| t.id.index() == i));
        let by_name = types.iter().map(|t| (t.name.clone(), t.id)).collect();
        let mut operations_by_type = vec![Vec::new(); types.len()];
        for (i, op) in operations.iter().enumerate() {
            for id in std::iter::once(op.request).chain(op.json_types()) {
                if let Some(list) = operations_by_type.get_mut(id.index())
                    && list.last() != Some(&i)
                {
                    list.push(i);
                }
            }
        }
        let mut model = Self {
            api,
            modules,
            operations,
            types,
            by_name,
            component: Vec::new(),
            no_default: BTreeSet::new(),
            operations_by_type,
            validating: BTreeSet::new(),
            module_features: BTreeMap::new(),
        };
        model.component = model.components();
        model.no_default = model.types_without_default();
        model.validating = model.types_that_validate();
        model.module_features = model.optional_modules();
        model
    }

    /// Follows a dotted field path from an object type to the field it names.
    pub fn resolve(&self, owner: TypeId, path: &[String]) -> Result<&Field, String> {
        let mut current = owner;
        let mut found = None;
        for (i, segment) in path.iter().enumerate() {
            let TypeKind::Object(object) = &self.def(current).kind else {
                return Err(format!(
                    "`{}` does not lead to an object",
                    path[..i].join(".")
                ));
            };
            let Some(field) = object.fields.iter().find(|f| f.wire == *segment) else {
                let known = object.fields.iter().map(|f| f.wire.as_str());
                let hint = crate::names::closest(segment, known)
                    .map(|b| format!(" (did you mean `{b}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "`{}` has no field `{segment}`{hint}",
                    self.name(current)
                ));
            };
            if i + 1 < path.len() {
                match &field.ty.kind {
                    TyKind::Named(next) => current = *next,
                    other => {
                        return Err(format!(
                            "`{}` is {}, so the path cannot go further",
                            path[..=i].join("."),
                            self.describe(other)
                        ));
                    }
                }
            }
            found = Some(field);
        }
        found.ok_or_else(|| "empty field path".to_owned())
    }

    /// A kind as a diagnostic names it: `string`, `array of \`Address\``.
    pub fn describe(&self, kind: &TyKind) -> String {
        match kind {
            TyKind::String => "string".into(),
            TyKind::Integer => "integer".into(),
            TyKind::Number => "number".into(),
            TyKind::Boolean => "boolean".into(),
            TyKind::Any => "any".into(),
            TyKind::File => "file".into(),
            TyKind::Array { items, nullable } => {
                let or_null = if *nullable { " or null" } else { "" };
                format!("array of {}{or_null}", self.describe(&items.kind))
            }
            TyKind::Map { values, nullable } => {
                let or_null = if *nullable { " or null" } else { "" };
                format!("map of {}{or_null}", self.describe(&values.kind))
            }
            TyKind::Named(id) => format!("`{}`", self.name(*id)),
        }
    }

    /// Whether a field of `owner` whose type is `kind` leads back to `owner` without a `Vec`
    /// or a `BTreeMap` in between (a cycle of direct references, which needs a `Box`).
    pub fn is_cyclic(&self, owner: TypeId, kind: &TyKind) -> bool {
        let TyKind::Named(target) = kind else {
            return false;
        };
        self.component.get(owner.index()) == self.component.get(target.index())
    }

    /// Whether `Default` can be derived: no required, non-nullable field is an enum or an
    /// object without a default.
    pub fn has_default(&self, id: TypeId) -> bool {
        !self.no_default.contains(&id)
    }

    /// The cargo feature that compiles a module (`models-user` for `spec/user.yaml`), or
    /// `None` for the modules every build needs: the one with `api.error` and those it uses.
    pub fn module_feature(&self, module: &str) -> Option<String> {
        self.module_features
            .contains_key(module)
            .then(|| module_feature_name(module))
    }

    /// The feature that compiles a type's module, if it is optional.
    pub fn type_feature(&self, id: TypeId) -> Option<String> {
        self.module_feature(self.module_of(id))
    }

    /// Every optional module's feature and the features it turns on, in module order.
    pub fn features(&self) -> Vec<(String, &[String])> {
        self.modules
            .iter()
            .filter_map(|m| {
                let needs = self.module_features.get(&m.name)?;
                Some((module_feature_name(&m.name), needs.as_slice()))
            })
            .collect()
    }

    /// Whether validating a value of this type can find anything: a field of a type that
    /// cannot needs no call.
    pub fn validates(&self, id: TypeId) -> bool {
        self.validating.contains(&id)
    }

    /// Direct references between types, by id. A reference through an array or a map is
    /// none: the `Vec` or `BTreeMap` holds its values on the heap, so a cycle through one
    /// needs no `Box`.
    fn edges(&self) -> Vec<Vec<usize>> {
        self.types()
            .map(|def| match &def.kind {
                TypeKind::Object(object) => object
                    .fields
                    .iter()
                    .filter_map(|f| match &f.ty.kind {
                        TyKind::Named(id) => Some(id.index()),
                        _ => None,
                    })
                    .collect(),
                TypeKind::Enum(_) => Vec::new(),
                // A variant holds its member inline, so a member that leads back here needs
                // the `Box` on its own field.
                TypeKind::OneOf(one_of) => one_of.members.iter().map(|m| m.ty.index()).collect(),
            })
            .collect()
    }

    /// Strongly connected components (Tarjan's algorithm, iterative so that a long chain of
    /// references cannot overflow the stack): the component number of every type.
    fn components(&self) -> Vec<usize> {
        let edges = self.edges();
        let n = edges.len();
        let (mut order, mut low, mut component) =
            (vec![usize::MAX; n], vec![0; n], vec![usize::MAX; n]);
        let (mut on_stack, mut stack, mut counter, mut components) =
            (vec![false; n], Vec::new(), 0, 0);
        for start in 0..n {
            if order[start] != usize::MAX {
                continue;
            }
            let mut calls = vec![(start, 0)];
            order[start] = counter;
            low[start] = counter;
            counter += 1;
            stack.push(start);
            on_stack[start] = true;
            while let Some(&mut (v, ref mut next)) = calls.last_mut() {
                if let Some(&w) = edges[v].get(*next) {
                    *next += 1;
                    if order[w] == usize::MAX {
                        order[w] = counter;
                        low[w] = counter;
                        counter += 1;
                        stack.push(w);
                        on_stack[w] = true;
                        calls.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(order[w]);
                    }
                    continue;
                }
                calls.pop();
                if let Some(&(u, _)) = calls.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == order[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component[w] = components;
                        if w == v {
                            break;
                        }
                    }
                    components += 1;
                }
            }
        }
        component
    }

    /// Which modules depend on which: through field types, and from an operation's request to
    /// its response. The module of `api.error` and everything it reaches are always compiled
    /// (the client and the server use the error type); every other module gets a feature.
    fn optional_modules(&self) -> BTreeMap<String, Vec<String>> {
        let mut needs: BTreeMap<&str, BTreeSet<&str>> = self
            .modules
            .iter()
            .map(|m| (m.name.as_str(), BTreeSet::new()))
            .collect();
        let mut edge = |from: TypeId, to: TypeId| {
            let (a, b) = (self.module_of(from), self.module_of(to));
            if a != b
                && let Some(set) = needs.get_mut(a)
            {
                set.insert(b);
            }
        };
        for def in self.types() {
            match &def.kind {
                TypeKind::Object(object) => {
                    for target in object.fields.iter().filter_map(|f| f.ty.kind.named()) {
                        edge(def.id, target);
                    }
                }
                TypeKind::OneOf(one_of) => {
                    for member in &one_of.members {
                        edge(def.id, member.ty);
                    }
                }
                TypeKind::Enum(_) => {}
            }
        }
        for op in &self.operations {
            for response in op.json_types().chain(op.error) {
                edge(op.request, response);
            }
        }
        let error_module = self.api.error.map(|e| self.module_of(e));
        let core = reachable(error_module, &needs);
        needs
            .iter()
            .filter(|(module, _)| !core.contains(*module))
            .map(|(module, needed)| {
                let features = needed
                    .iter()
                    .filter(|n| !core.contains(*n))
                    .map(|n| module_feature_name(n))
                    .collect();
                ((*module).to_owned(), features)
            })
            .collect()
    }

    /// Enums (a request may not carry a value unknown to the crate), objects with a
    /// constrained field or a cross-field rule, and objects with a field of such a type.
    fn types_that_validate(&self) -> BTreeSet<TypeId> {
        fn constrained(ty: &Ty) -> bool {
            !ty.constraints.is_empty()
                || match &ty.kind {
                    TyKind::Array { items, .. } => constrained(items),
                    TyKind::Map { values, .. } => constrained(values),
                    _ => false,
                }
        }
        let mut users: BTreeMap<TypeId, Vec<TypeId>> = BTreeMap::new();
        let mut seeds = Vec::new();
        for def in self.types() {
            match &def.kind {
                TypeKind::Enum(_) => seeds.push(def.id),
                TypeKind::OneOf(one_of) => {
                    for member in &one_of.members {
                        users.entry(member.ty).or_default().push(def.id);
                    }
                }
                TypeKind::Object(object) => {
                    if !object.rules.is_empty() || object.fields.iter().any(|f| constrained(&f.ty))
                    {
                        seeds.push(def.id);
                    }
                    for target in object.fields.iter().filter_map(|f| f.ty.kind.named()) {
                        users.entry(target).or_default().push(def.id);
                    }
                }
            }
        }
        reachable(seeds, &users)
    }

    /// Types that cannot derive `Default`, found by spreading from the enums backwards along
    /// required, non-nullable references (an array or a map of them defaults to empty).
    fn types_without_default(&self) -> BTreeSet<TypeId> {
        let mut users: BTreeMap<TypeId, Vec<TypeId>> = BTreeMap::new();
        for def in self.types() {
            let TypeKind::Object(object) = &def.kind else {
                continue;
            };
            for field in object
                .fields
                .iter()
                .filter(|f| f.presence == Presence::Required)
            {
                if let TyKind::Named(target) = field.ty.kind {
                    users.entry(target).or_default().push(def.id);
                }
            }
        }
        // A `one_of` has no value to default to.
        let enums = self
            .types()
            .filter(|t| matches!(t.kind, TypeKind::Enum(_) | TypeKind::OneOf(_)))
            .map(|t| t.id);
        reachable(enums, &users)
            .into_iter()
            .filter(|&id| matches!(self.def(id).kind, TypeKind::Object(_)))
            .collect()
    }
}

/// The order in which a `one_of` without a discriminator tries its members: the members with
/// more required fields first, those with as many in the spec's order. Generated structs skip
/// keys they do not know, so a member whose required fields are a subset of another's would
/// decode the other's values too if it came first; the more demanding member must get its
/// chance before.
pub fn tried_order(model: &Model, one_of: &OneOf) -> Vec<TypeId> {
    let required = |id: TypeId| match &model.def(id).kind {
        TypeKind::Object(object) => object
            .fields
            .iter()
            .filter(|f| f.presence.is_required())
            .count(),
        TypeKind::Enum(_) | TypeKind::OneOf(_) => 0,
    };
    let mut members: Vec<TypeId> = one_of.members.iter().map(|m| m.ty).collect();
    // Stable: ties keep the spec's order.
    members.sort_by_key(|&id| std::cmp::Reverse(required(id)));
    members
}

/// The feature of an optional module: `models-user` for `spec/user.yaml`.
fn module_feature_name(module: &str) -> String {
    format!("models-{module}")
}

/// Every node reachable from `seeds` along `next`, the seeds included.
fn reachable<K: Copy + Ord, N>(
    seeds: impl IntoIterator<Item = K>,
    next: &BTreeMap<K, N>,
) -> BTreeSet<K>
where
    for<'n> &'n N: IntoIterator<Item = &'n K>,
{
    let mut reached = BTreeSet::new();
    let mut pending: Vec<K> = seeds.into_iter().collect();
    while let Some(node) = pending.pop() {
        if reached.insert(node) {
            pending.extend(next.get(&node).into_iter().flatten().copied());
        }
    }
    reached
}

#[derive(Debug)]
pub struct Api {
    pub title: String,
    pub version: String,
    /// The generated crate's package name (`api.package`, else the title in kebab case).
    pub package: String,
    /// The generated crate's license expression (`api.license`).
    pub license: Option<String>,
    pub error: Option<TypeId>,
    /// The error's one-line summary: literal text and field names, in order.
    pub error_summary: Vec<SummaryPart>,
    /// The wire name of the field that carries the request id.
    pub request_id: Option<String>,
    /// The error type's fields a server fills in when it builds an error.
    pub error_fields: Option<ErrorFields>,
    /// Environment name and base URL, in spec order.
    pub servers: Vec<(String, String)>,
    /// The spec's security schemes, in spec order.
    pub security_schemes: Vec<SecurityScheme>,
    /// The default requirement: alternatives of scheme names.
    pub security: Vec<Vec<String>>,
    /// The error type and code of each of [`SERVER_SITUATIONS`], in that order.
    pub server_errors: Vec<ServerErrorCode>,
    pub docs: String,
    pub place: Place,
}

/// The wire names of the error type's fields that carry its kind, code, message and HTTP
/// status: what a server fills in when it builds an error, and what a client logs of one.
#[derive(Clone, Debug)]
pub struct ErrorFields {
    /// `None` for an error type without a kind field.
    pub kind: Option<String>,
    pub code: String,
    pub message: String,
    pub status: Option<String>,
}

impl ErrorFields {
    /// Every field named, the status when given.
    pub fn named(&self) -> impl Iterator<Item = &String> {
        [
            self.kind.as_ref(),
            Some(&self.code),
            Some(&self.message),
            self.status.as_ref(),
        ]
        .into_iter()
        .flatten()
    }
}

/// A named way of carrying a credential (`api.security_schemes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    pub name: String,
    pub kind: SchemeKind,
    pub docs: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// `api_version`: the value is the API version, not a credential the user gives.
    ApiKey {
        location: KeyLocation,
        name: String,
        api_version: bool,
    },
    HttpBearer,
    HttpBasic,
    /// A bearer token the user obtained through an OAuth 2 flow.
    OAuth2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// Where a security scheme's key travels, as the spec's `in` names it.
pub const KEY_LOCATIONS: [&str; 3] = ["header", "query", "cookie"];
/// The spec's scheme kinds.
pub const SCHEME_KINDS: [&str; 4] = ["api_key", "http_bearer", "http_basic", "oauth2"];

impl Api {
    pub fn scheme(&self, name: &str) -> Option<&SecurityScheme> {
        self.security_schemes.iter().find(|s| s.name == name)
    }

    /// The header that carries the API version, when a scheme says one does.
    pub fn version_header(&self) -> Option<&str> {
        self.security_schemes.iter().find_map(|s| match &s.kind {
            SchemeKind::ApiKey {
                location: KeyLocation::Header,
                name,
                api_version: true,
            } => Some(name.as_str()),
            _ => None,
        })
    }

    /// The two header keys a generated server reads as a client id and a secret: the first
    /// two credential header keys of the default requirement's first alternative (Plaid's
    /// `clientId` and `secret`). The server's authentication model is still this one; see
    /// README's unsupported table.
    pub fn server_credential_headers(&self) -> (String, String) {
        let mut headers =
            self.security
                .first()
                .into_iter()
                .flatten()
                .filter_map(|name| match &self.scheme(name)?.kind {
                    SchemeKind::ApiKey {
                        location: KeyLocation::Header,
                        name,
                        api_version: false,
                    } => Some(name.clone()),
                    _ => None,
                });
        let id = headers.next().unwrap_or_default();
        (id, headers.next().unwrap_or_default())
    }
}

/// A situation in which a generated server refuses a request before the implementation sees
/// it, and the error type and code it answers with when `api.server_errors` does not say.
/// The defaults are what the server answered before the spec could say, so that a spec
/// without the key is served as before.
#[derive(Debug)]
pub struct ServerSituation {
    /// The key in `api.server_errors`, and the field of the generated `SERVER_ERRORS`.
    pub key: &'static str,
    pub default_type: &'static str,
    pub default_code: &'static str,
}

/// Every situation, in the order the server meets them (spec/README.md describes each).
pub const SERVER_SITUATIONS: &[ServerSituation] = &[
    situation(
        "origin_not_allowed",
        "INVALID_REQUEST",
        "ORIGIN_NOT_ALLOWED",
    ),
    situation(
        "invalid_content_type",
        "INVALID_REQUEST",
        "INVALID_CONTENT_TYPE",
    ),
    situation("invalid_credentials", "INVALID_INPUT", "INVALID_API_KEYS"),
    situation("missing_credentials", "INVALID_INPUT", "INVALID_API_KEYS"),
    situation("request_too_large", "INVALID_REQUEST", "REQUEST_TOO_LARGE"),
    situation("request_timeout", "INVALID_REQUEST", "REQUEST_TIMEOUT"),
    situation("invalid_body", "INVALID_REQUEST", "INVALID_BODY"),
    situation("missing_fields", "INVALID_REQUEST", "MISSING_FIELDS"),
    situation("invalid_field", "INVALID_REQUEST", "INVALID_FIELD"),
    situation("not_found", "INVALID_REQUEST", "NOT_FOUND"),
    situation(
        "method_not_allowed",
        "INVALID_REQUEST",
        "METHOD_NOT_ALLOWED",
    ),
    situation("not_implemented", "API_ERROR", "NOT_IMPLEMENTED"),
];

const fn situation(
    key: &'static str,
    default_type: &'static str,
    default_code: &'static str,
) -> ServerSituation {
    ServerSituation {
        key,
        default_type,
        default_code,
    }
}

/// What a generated server answers in one situation: the error type and code, and where the
/// spec gives each (`None` for a default).
#[derive(Debug)]
pub struct ServerErrorCode {
    pub situation: &'static ServerSituation,
    pub kind: String,
    pub code: String,
    pub kind_place: Option<Place>,
    pub code_place: Option<Place>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SummaryPart {
    Text(String),
    Field(String),
}

impl SummaryPart {
    /// Splits `"{error_type}: {error_message}"` into text and field names.
    pub fn parse(summary: &str) -> Result<Vec<SummaryPart>, String> {
        let mut parts = Vec::new();
        let mut rest = summary;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(SummaryPart::Text(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err("an unclosed `{` in `error_summary`".to_owned());
            };
            parts.push(SummaryPart::Field(rest[open + 1..open + close].to_owned()));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(SummaryPart::Text(rest.to_owned()));
        }
        Ok(parts)
    }
}

#[derive(Debug)]
pub struct Module {
    /// The spec file's stem (`user` for `spec/user.yaml`): the Rust module name.
    pub name: String,
    /// The spec file as reported (`spec/user.yaml`).
    pub source: String,
    /// Its types' ids (see [`Model::module_types`]).
    pub types: std::ops::Range<usize>,
}

#[derive(Debug)]
pub struct Operation {
    /// The spec's operation id (`user_create`), also the Rust method name.
    pub id: String,
    /// As sent: without the spec's fragment (`variant`).
    pub path: String,
    /// The spec's path fragment (`/files/{id}#add_shared_link`): the operation is a variant
    /// of the one on its route without a fragment, the same request on the wire with types of
    /// its own. The client sends it; the server routes its requests to that other operation.
    pub variant: Option<String>,
    pub method: HttpMethod,
    pub summary: String,
    pub docs: String,
    pub request: TypeId,
    pub response: Response,
    /// The status of a successful answer (the spec's `status`, 200 by default).
    pub status: u16,
    /// Safe to send twice: the client may retry it after a 5xx or a timeout.
    pub idempotent: bool,
    pub deprecated: bool,
    /// The API wants the client's credentials on it (all but a few public operations).
    pub authenticated: bool,
    /// The operation's own requirement (the spec's `security`), `None` for the API's.
    pub security: Option<Vec<Vec<String>>>,
    /// How the request body travels (the spec's `body`).
    pub body: BodyKind,
    /// The other success answers (the spec's `answers`), in the spec's order: with any, the
    /// operation answers an enum with a variant per status, its own answer's first.
    pub answers: Vec<Answer>,
    /// The type of its non-2xx bodies when it is not the API's (the spec's `error`).
    pub error: Option<TypeId>,
}

impl Operation {
    /// The types of its JSON answers: its own answer's and its other answers'.
    pub fn json_types(&self) -> impl Iterator<Item = TypeId> + '_ {
        std::iter::once(&self.response)
            .chain(self.answers.iter().map(|answer| &answer.response))
            .filter_map(Response::json_type)
    }

    /// Each answer with its status and docs, the operation's own first (docs empty).
    pub fn all_answers(&self) -> impl Iterator<Item = (u16, &Response, &str)> + '_ {
        std::iter::once((self.status, &self.response, "")).chain(
            self.answers
                .iter()
                .map(|a| (a.status, &a.response, a.docs.as_str())),
        )
    }
}

/// One of an operation's other success answers (the spec's `answers`).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub response: Response,
    pub docs: String,
    /// Where the spec says it.
    pub place: Place,
}

/// How an operation's request body travels, as the spec's `body` names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json` (the default).
    #[default]
    Json,
    /// `multipart/form-data`, one part per field; only these carry files.
    Multipart,
    /// `application/x-www-form-urlencoded`, nested fields in brackets (`card[number]`).
    Form,
}

impl BodyKind {
    /// Each kind under its name in the spec.
    pub const ALL: [(&'static str, BodyKind); 3] = [
        ("json", BodyKind::Json),
        ("multipart", BodyKind::Multipart),
        ("form", BodyKind::Form),
    ];

    pub fn from_spec(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(spec, _)| *spec == name)
            .map(|&(_, kind)| kind)
    }

    /// The media type the body is sent as.
    pub fn media_type(self) -> &'static str {
        match self {
            BodyKind::Json => "application/json",
            BodyKind::Multipart => "multipart/form-data",
            BodyKind::Form => "application/x-www-form-urlencoded",
        }
    }
}

/// What a successful answer carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// A JSON body of this type.
    Json(TypeId),
    /// A document of this media type (`application/pdf`), returned as bytes.
    Bytes(String),
    /// A JSON array of this type.
    JsonArray(TypeId),
    /// No body.
    Empty,
}

impl Response {
    /// The type of a JSON answer.
    pub fn json(&self) -> Option<TypeId> {
        match self {
            Self::Json(id) => Some(*id),
            Self::JsonArray(_) | Self::Bytes(_) | Self::Empty => None,
        }
    }

    /// The type a JSON answer carries: the answer's, or its items'.
    pub fn json_type(&self) -> Option<TypeId> {
        match self {
            Self::Json(id) | Self::JsonArray(id) => Some(*id),
            Self::Bytes(_) | Self::Empty => None,
        }
    }
}

/// The HTTP methods an operation may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 7] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
        HttpMethod::Head,
        HttpMethod::Options,
    ];

    /// As written on the wire and in the spec (`POST`).
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }

    /// Whether a request of this method may carry a body: a GET or a HEAD carries its fields
    /// in the path, the query and the headers. (A DELETE may; one whose request has no body
    /// field sends none.)
    pub const fn may_have_body(self) -> bool {
        !matches!(self, HttpMethod::Get | HttpMethod::Head)
    }

    /// Whether a request of this method carries a body only when its request has body
    /// fields: a bare `DELETE /pets/{id}` or `OPTIONS /files/content` sends none.
    pub const fn body_only_with_fields(self) -> bool {
        matches!(self, HttpMethod::Delete | HttpMethod::Options)
    }

    /// Whether an answer to it carries a body: a HEAD's never does (RFC 9110, 9.3.2).
    pub const fn answer_has_body(self) -> bool {
        !matches!(self, HttpMethod::Head)
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug)]
pub struct TypeDef {
    pub id: TypeId,
    /// The spec name, which is also the Rust identifier (`UserCreateRequest`).
    pub name: String,
    /// Its module's position in `Model::modules`.
    pub module: usize,
    pub docs: String,
    pub kind: TypeKind,
    pub examples: Vec<Example>,
    pub deprecated: bool,
    /// On a webhook's payload type: the pair its body carries.
    pub webhook: Option<WebhookKey>,
    pub place: Place,
}

/// The `webhook_type` and `webhook_code` of one webhook; unique across the model.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct WebhookKey {
    pub kind: String,
    pub code: String,
}

#[derive(Debug)]
pub enum TypeKind {
    Object(Object),
    Enum(Enum),
    OneOf(OneOf),
}

/// A value that is one of several object types (OpenAPI's `oneOf`/`anyOf`): a Rust enum with
/// a variant per member.
#[derive(Debug)]
pub struct OneOf {
    /// In the spec's order.
    pub members: Vec<Member>,
    /// The property whose value selects the member; `None`: the members are tried in turn.
    pub discriminator: Option<String>,
    /// Where `one_of` is written, for the model's checks.
    pub place: Place,
}

#[derive(Debug)]
pub struct Member {
    pub ty: TypeId,
    /// The discriminator's values that select this member (with a discriminator: the
    /// mapping's, else the type's name); empty without one.
    pub tags: Vec<String>,
    pub place: Place,
}

#[derive(Debug)]
pub struct Example {
    pub value: serde_json::Value,
    pub place: Place,
}

#[derive(Debug)]
pub struct Object {
    pub fields: Vec<Field>,
    pub rules: Vec<Rule>,
}

impl Object {
    /// The field that is the whole JSON body (`in: whole_body`), if one is: the type's JSON is
    /// that field's value, in requests, answers and examples alike.
    pub fn whole_body(&self) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.location == Location::WholeBody)
    }
}

#[derive(Debug)]
pub struct Field {
    pub wire: String,
    pub ident: String,
    pub docs: String,
    pub presence: Presence,
    pub sensitive: bool,
    /// Documented as deprecated; nothing else changes.
    pub deprecated: bool,
    pub ty: Ty,
    /// Where the field travels in a request.
    pub location: Location,
    pub place: Place,
}

/// Where a request field travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// In the JSON body, under its wire name.
    Body,
    /// The JSON body itself (an array, a `one_of`, a map, any JSON): the spec's
    /// `in: whole_body`, for a body that is not an object. The request's other fields are
    /// parameters.
    WholeBody,
    /// In the `{wire}` segment of the operation's path.
    Path,
    /// In this HTTP header.
    Header(String),
    /// In the query string, under its wire name; an array as its items repeated
    /// (`?tags=a&tags=b`).
    Query,
    /// In the query string, under its wire name, an array's items joined by commas in one
    /// parameter (`?fields=a,b`: the spec's `explode: false`).
    QueryJoined,
}

impl Location {
    /// Whether the field travels in the body, as a member of it or as all of it.
    pub fn in_body(&self) -> bool {
        matches!(self, Location::Body | Location::WholeBody)
    }

    /// Whether the field travels in the query string.
    pub fn in_query(&self) -> bool {
        matches!(self, Location::Query | Location::QueryJoined)
    }
}

/// How a field appears on the wire: the four combinations of the spec's `required` and
/// `nullable`, each with its own Rust type (see the table in spec/README.md and
/// `emit::presence`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Always there, never null: `T`.
    Required,
    /// Always there, possibly null: `Option<T>`, written as `null` when `None`.
    RequiredNullable,
    /// Possibly absent, never null: `Option<T>`, left out when `None`.
    Optional,
    /// Possibly absent and possibly null, which mean different things: `Nullable<T>`.
    OptionalNullable,
}

impl Presence {
    pub const fn new(required: bool, nullable: bool) -> Self {
        match (required, nullable) {
            (true, false) => Self::Required,
            (true, true) => Self::RequiredNullable,
            (false, false) => Self::Optional,
            (false, true) => Self::OptionalNullable,
        }
    }

    /// The key is always in the JSON object.
    pub const fn is_required(self) -> bool {
        matches!(self, Self::Required | Self::RequiredNullable)
    }

    /// The value may be `null`.
    pub const fn is_nullable(self) -> bool {
        matches!(self, Self::RequiredNullable | Self::OptionalNullable)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ty {
    pub kind: TyKind,
    pub constraints: Constraints,
    /// The width an `integer` or a `number` is documented with; nothing checks it.
    pub number_format: Option<NumberFormat>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TyKind {
    String,
    Integer,
    Number,
    Boolean,
    Any,
    /// A file sent as one part of a multipart request (`specgen_runtime::FilePart`); only
    /// the fields of a `body: multipart` request have it.
    File,
    /// A JSON array: `Vec<T>`, or `Vec<Option<T>>` when an item may be `null`.
    Array {
        items: Box<Ty>,
        nullable: bool,
    },
    /// A JSON object with arbitrary keys: `BTreeMap<String, T>`, or `BTreeMap<String,
    /// Option<T>>` when a value may be `null`.
    Map {
        values: Box<Ty>,
        nullable: bool,
    },
    Named(TypeId),
}

impl TyKind {
    /// The named type a value of this kind holds, directly or as the items of (nested) arrays
    /// and the values of maps.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            Self::Named(id) => Some(*id),
            Self::Array { items, .. } => items.kind.named(),
            Self::Map { values, .. } => values.kind.named(),
            _ => None,
        }
    }

    /// Strings, numbers and booleans, or arrays of them: what `sensitive` applies to.
    pub fn is_scalar_or_scalars(&self) -> bool {
        match self {
            Self::String | Self::Integer | Self::Number | Self::Boolean => true,
            Self::Array { items, .. } => items.kind.is_scalar_or_scalars(),
            // The runtime's redaction does not reach into maps.
            Self::Any | Self::File | Self::Map { .. } | Self::Named(_) => false,
        }
    }

    pub const BUILTINS: [&'static str; 8] = [
        "string", "integer", "number", "boolean", "any", "file", "array", "map",
    ];
}

/// The formats of numbers: OpenAPI's widths, kept for the docs. They are not string formats
/// (`Format`, checked at run time), and the Rust type stays `i64` or `f64` whatever the width:
/// a narrower type would turn a value wider than documented into a decoding error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberFormat {
    Int32,
    Int64,
    Float,
    Double,
}

impl NumberFormat {
    pub const ALL: [NumberFormat; 4] = [Self::Int32, Self::Int64, Self::Float, Self::Double];

    /// As the spec writes it (`int32`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Int32 => "int32",
            Self::Int64 => "int64",
            Self::Float => "float",
            Self::Double => "double",
        }
    }

    /// Whether it describes integers (else numbers).
    pub const fn is_integer(self) -> bool {
        matches!(self, Self::Int32 | Self::Int64)
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

#[derive(Debug)]
pub struct Enum {
    pub values: Vec<EnumValue>,
}

#[derive(Debug)]
pub struct EnumValue {
    pub wire: String,
    pub ident: String,
    pub docs: String,
    pub deprecated: bool,
}

/// A rule over several fields of one object.
#[derive(Debug)]
pub struct Rule {
    pub kind: RuleKind,
    pub docs: String,
    pub place: Place,
}

#[derive(Debug)]
pub enum RuleKind {
    /// At least one of these fields is present and not null.
    OneOfRequired(Vec<String>),
    /// `field` (a dotted path) passes `check` whenever `when` holds (or always).
    Require {
        when: Option<Condition>,
        field: Vec<String>,
        check: Check,
    },
}

#[derive(Debug)]
pub struct Condition {
    pub field: Vec<String>,
    pub equals: String,
}

#[derive(Debug)]
pub enum Check {
    Equals(String),
    Constraints(Constraints),
}
