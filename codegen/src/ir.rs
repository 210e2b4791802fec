//! The intermediate model: a checked spec with every name settled, ready to emit.

use std::collections::{BTreeMap, BTreeSet};

/// The string formats a spec can name: the runtime's list, the one the generated validators
/// check, so the generator and the generated crate agree on every format.
pub use specgen_runtime::Format;
use specgen_runtime::validate::StringRules;

use crate::diag::Place;

#[derive(Debug)]
pub struct Model {
    pub api: Api,
    /// One module per spec file, in file-name order.
    pub modules: Vec<Module>,
    pub operations: Vec<Operation>,
    /// Type name -> (module, position), for `find_type`.
    index: BTreeMap<String, (usize, usize)>,
    /// Where each module's types start in `types()`.
    offsets: Vec<usize>,
    /// The strongly connected component of each type, by position in `types()`.
    component: Vec<usize>,
    /// Object types that cannot derive `Default`.
    no_default: BTreeSet<String>,
    /// Type name -> the operations it is the request or the response of, in spec order.
    operations_by_type: BTreeMap<String, Vec<usize>>,
    /// Types whose `validate_at` checks something.
    validating: BTreeSet<String>,
    /// Module name -> the cargo features of the other modules it needs (empty for the
    /// modules that are always compiled).
    module_features: BTreeMap<String, Vec<String>>,
}

impl Model {
    pub fn types(&self) -> impl Iterator<Item = &TypeDef> {
        self.modules.iter().flat_map(|m| &m.types)
    }

    /// The operations a type is the request or the response of.
    pub fn operations_of(&self, name: &str) -> impl Iterator<Item = &Operation> {
        self.operations_by_type
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.operations.get(i))
    }

    pub fn find_type(&self, name: &str) -> Option<&TypeDef> {
        let &(module, index) = self.index.get(name)?;
        self.modules.get(module)?.types.get(index)
    }

    /// The module (spec file stem) a type is defined in.
    pub fn module_of(&self, name: &str) -> Option<&str> {
        let &(module, _) = self.index.get(name)?;
        self.modules.get(module).map(|m| m.name.as_str())
    }

    /// Builds the name index and the graph facts emission asks about, once, so that each
    /// question is a lookup rather than a walk of the type graph.
    pub fn new(api: Api, modules: Vec<Module>, operations: Vec<Operation>) -> Self {
        let mut index = BTreeMap::new();
        for (m, module) in modules.iter().enumerate() {
            for (t, def) in module.types.iter().enumerate() {
                index.entry(def.name.clone()).or_insert((m, t));
            }
        }
        let offsets = modules.iter().scan(0, |sum, m| {
            let start = *sum;
            *sum += m.types.len();
            Some(start)
        });
        let offsets = offsets.collect();
        let mut operations_by_type: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, op) in operations.iter().enumerate() {
            operations_by_type
                .entry(op.request.clone())
                .or_default()
                .push(i);
            if op.response != op.request {
                operations_by_type
                    .entry(op.response.clone())
                    .or_default()
                    .push(i);
            }
        }
        let mut model = Self {
            api,
            modules,
            operations,
            index,
            offsets,
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
    pub fn resolve(&self, type_name: &str, path: &[String]) -> Result<&Field, String> {
        let mut current = type_name;
        let mut found = None;
        for (i, segment) in path.iter().enumerate() {
            let Some(TypeKind::Object(object)) = self.find_type(current).map(|t| &t.kind) else {
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
                return Err(format!("`{current}` has no field `{segment}`{hint}"));
            };
            if i + 1 < path.len() {
                match &field.ty.kind {
                    TyKind::Named(next) => current = next,
                    other => {
                        return Err(format!(
                            "`{}` is {}, so the path cannot go further",
                            path[..=i].join("."),
                            other.describe()
                        ));
                    }
                }
            }
            found = Some(field);
        }
        found.ok_or_else(|| "empty field path".to_owned())
    }

    /// Whether a field of `owner` whose type is `kind` leads back to `owner` without a `Vec`
    /// in between (a cycle of direct references, which needs a `Box`).
    pub fn is_cyclic(&self, owner: &str, kind: &TyKind) -> bool {
        let TyKind::Named(target) = kind else {
            return false;
        };
        match (self.position(owner), self.position(target)) {
            (Some(a), Some(b)) => self.component.get(a) == self.component.get(b),
            _ => false,
        }
    }

    /// Whether `Default` can be derived: no required, non-nullable field is an enum or an
    /// object without a default.
    pub fn has_default(&self, name: &str) -> bool {
        !self.no_default.contains(name)
    }

    /// The cargo feature that compiles a module (`models-user` for `spec/user.yaml`), or
    /// `None` for the modules every build needs: the one with `api.error` and those it uses.
    pub fn module_feature(&self, module: &str) -> Option<String> {
        self.module_features
            .contains_key(module)
            .then(|| module_feature_name(module))
    }

    /// The feature that compiles a type's module, if it is optional.
    pub fn type_feature(&self, name: &str) -> Option<String> {
        self.module_feature(self.module_of(name)?)
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
    pub fn validates(&self, name: &str) -> bool {
        self.validating.contains(name)
    }

    fn position(&self, name: &str) -> Option<usize> {
        let &(m, t) = self.index.get(name)?;
        Some(self.offsets.get(m).copied().unwrap_or_default() + t)
    }

    /// Direct references between types, by position in `types()`.
    fn edges(&self) -> Vec<Vec<usize>> {
        self.types()
            .map(|def| match &def.kind {
                TypeKind::Object(object) => object
                    .fields
                    .iter()
                    .filter_map(|f| match &f.ty.kind {
                        TyKind::Named(name) => self.position(name),
                        _ => None,
                    })
                    .collect(),
                TypeKind::Enum(_) => Vec::new(),
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
        let mut edge = |from: &str, to: &str| {
            if let (Some(a), Some(b)) = (self.module_of(from), self.module_of(to))
                && a != b
                && let Some(set) = needs.get_mut(a)
            {
                set.insert(b);
            }
        };
        for def in self.types() {
            if let TypeKind::Object(object) = &def.kind {
                for target in object.fields.iter().filter_map(|f| f.ty.kind.named()) {
                    edge(&def.name, target);
                }
            }
        }
        for op in &self.operations {
            edge(&op.request, &op.response);
        }
        let error_module = self.api.error.as_deref().and_then(|e| self.module_of(e));
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
    fn types_that_validate(&self) -> BTreeSet<String> {
        fn constrained(ty: &Ty) -> bool {
            !ty.constraints.is_empty()
                || matches!(&ty.kind, TyKind::Array(item) if constrained(item))
        }
        let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut seeds: Vec<&str> = Vec::new();
        for def in self.types() {
            match &def.kind {
                TypeKind::Enum(_) => seeds.push(&def.name),
                TypeKind::Object(object) => {
                    if !object.rules.is_empty() || object.fields.iter().any(|f| constrained(&f.ty))
                    {
                        seeds.push(&def.name);
                    }
                    for target in object.fields.iter().filter_map(|f| f.ty.kind.named()) {
                        users.entry(target).or_default().push(&def.name);
                    }
                }
            }
        }
        reachable(seeds, &users)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// Types that cannot derive `Default`, found by spreading from the enums backwards along
    /// required, non-nullable references.
    fn types_without_default(&self) -> BTreeSet<String> {
        let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for def in self.types() {
            let TypeKind::Object(object) = &def.kind else {
                continue;
            };
            for field in object
                .fields
                .iter()
                .filter(|f| f.presence == Presence::Required)
            {
                if let TyKind::Named(target) = &field.ty.kind {
                    users.entry(target).or_default().push(&def.name);
                }
            }
        }
        let enums = self
            .types()
            .filter(|t| matches!(t.kind, TypeKind::Enum(_)))
            .map(|t| t.name.as_str());
        reachable(enums, &users)
            .into_iter()
            .filter(|name| {
                matches!(
                    self.find_type(name).map(|t| &t.kind),
                    Some(TypeKind::Object(_))
                )
            })
            .map(str::to_owned)
            .collect()
    }
}

/// The feature of an optional module: `models-user` for `spec/user.yaml`.
fn module_feature_name(module: &str) -> String {
    format!("models-{module}")
}

/// Every node reachable from `seeds` along `next`, the seeds included.
fn reachable<'a, N>(
    seeds: impl IntoIterator<Item = &'a str>,
    next: &BTreeMap<&'a str, N>,
) -> BTreeSet<&'a str>
where
    for<'n> &'n N: IntoIterator<Item = &'n &'a str>,
{
    let mut reached = BTreeSet::new();
    let mut pending: Vec<&str> = seeds.into_iter().collect();
    while let Some(node) = pending.pop() {
        if reached.insert(node) {
            pending.extend(next.get(node).into_iter().flatten().copied());
        }
    }
    reached
}

#[derive(Debug)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub error: Option<String>,
    /// The error's one-line summary: literal text and field names, in order.
    pub error_summary: Vec<SummaryPart>,
    /// The wire name of the field that carries the request id.
    pub request_id: Option<String>,
    /// The error type's fields a server fills in when it builds an error.
    pub error_fields: Option<ErrorFields>,
    /// Environment name and base URL, in spec order.
    pub servers: Vec<(String, String)>,
    pub headers: Headers,
    /// The error type and code of each of [`SERVER_SITUATIONS`], in that order.
    pub server_errors: Vec<ServerErrorCode>,
    pub docs: String,
    pub place: Place,
}

/// The wire names of the error type's fields that carry its kind, code, message and HTTP
/// status: what a server fills in when it builds an error, and what a client logs of one.
#[derive(Clone, Debug)]
pub struct ErrorFields {
    pub kind: String,
    pub code: String,
    pub message: String,
    pub status: Option<String>,
}

impl ErrorFields {
    /// Every field named, the status when given.
    pub fn named(&self) -> impl Iterator<Item = &String> {
        [
            Some(&self.kind),
            Some(&self.code),
            Some(&self.message),
            self.status.as_ref(),
        ]
        .into_iter()
        .flatten()
    }
}

/// The names of the headers that carry the credentials and the API version.
#[derive(Debug)]
pub struct Headers {
    pub client_id: String,
    pub secret: String,
    pub version: String,
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
    pub types: Vec<TypeDef>,
}

#[derive(Debug)]
pub struct Operation {
    /// The spec's operation id (`user_create`), also the Rust method name.
    pub id: String,
    pub path: String,
    pub method: HttpMethod,
    pub summary: String,
    pub docs: String,
    pub request: String,
    pub response: String,
    /// Safe to send twice: the client may retry it after a 5xx or a timeout.
    pub idempotent: bool,
}

/// The HTTP methods an operation may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub const ALL: [HttpMethod; 5] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
    ];

    /// As written on the wire and in the spec (`POST`).
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
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
    /// The spec name, which is also the Rust identifier (`UserCreateRequest`).
    pub name: String,
    pub docs: String,
    pub kind: TypeKind,
    pub examples: Vec<Example>,
    pub place: Place,
}

#[derive(Debug)]
pub enum TypeKind {
    Object(Object),
    Enum(Enum),
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

#[derive(Debug)]
pub struct Field {
    pub wire: String,
    pub ident: String,
    pub docs: String,
    pub presence: Presence,
    pub sensitive: bool,
    pub ty: Ty,
    pub place: Place,
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
}

#[derive(Clone, Debug, PartialEq)]
pub enum TyKind {
    String,
    Integer,
    Number,
    Boolean,
    Any,
    Array(Box<Ty>),
    Named(String),
}

impl TyKind {
    /// The named type a value of this kind holds, directly or as the items of (nested) arrays.
    pub fn named(&self) -> Option<&str> {
        match self {
            Self::Named(name) => Some(name),
            Self::Array(item) => item.kind.named(),
            _ => None,
        }
    }

    pub const BUILTINS: [&'static str; 6] =
        ["string", "integer", "number", "boolean", "any", "array"];

    pub fn describe(&self) -> String {
        match self {
            Self::String => "string".into(),
            Self::Integer => "integer".into(),
            Self::Number => "number".into(),
            Self::Boolean => "boolean".into(),
            Self::Any => "any".into(),
            Self::Array(item) => format!("array of {}", item.kind.describe()),
            Self::Named(name) => format!("`{name}`"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub format: Option<Format>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub non_blank: bool,
    pub has_letter: bool,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The string constraints as the runtime's rules, which the generated validators build
    /// from the same constraints: the generator checks the spec's examples with them.
    pub fn string_rules(&self) -> StringRules<'_> {
        let length = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        let mut rules = StringRules::new();
        if let Some(min) = self.min_length {
            rules = rules.min_length(length(min));
        }
        if let Some(max) = self.max_length {
            rules = rules.max_length(length(max));
        }
        if self.non_blank {
            rules = rules.non_blank();
        }
        if self.has_letter {
            rules = rules.has_letter();
        }
        if let Some(pattern) = &self.pattern {
            rules = rules.pattern(pattern);
        }
        if let Some(format) = self.format {
            rules = rules.format(format);
        }
        rules
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
