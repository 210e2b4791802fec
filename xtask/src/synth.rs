//! A synthetic spec of any size, for measuring the generator at scale.
//!
//! `spec(n, per_file)` returns the files of a spec with `n` operations, written like the
//! hand-transcribed one: every operation has a request and a response object, nested objects
//! two and three levels deep, an enum, arrays with item constraints, string constraints and
//! formats, a `one_of_required` rule, a conditional `require` rule and a request example; the
//! responses share an error type defined in another file. The output depends on `n` and
//! `per_file` only (no randomness, no clock), so a measurement can be repeated exactly.
//!
//! `cargo xtask synth` uses it through the `xtask` library, as do the generator benchmark and
//! the tests (which check that the output passes the generator's checks and compiles).

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// Operations per file when the caller does not say: a resource group of realistic size.
pub const DEFAULT_PER_FILE: usize = 25;

/// Object and enum types written per operation (request, options, address, status enum,
/// response, item, balance).
pub const TYPES_PER_OPERATION: usize = 7;

const RESOURCES: [&str; 12] = [
    "account",
    "transfer",
    "payment",
    "invoice",
    "customer",
    "statement",
    "card",
    "loan",
    "payee",
    "merchant",
    "report",
    "webhook",
];

const VERBS: [&str; 5] = ["create", "get", "update", "list", "remove"];

/// One file of the synthetic spec: its name (`group_0003.yaml`) and its YAML text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecFile {
    pub name: String,
    pub text: String,
}

/// The files of a spec with `operations` operations, `per_file` to a file (all in one file
/// when `per_file` is 0), plus `api.yaml` with the `api` block and the shared error type.
pub fn spec(operations: usize, per_file: usize) -> Vec<SpecFile> {
    let per_file = if per_file == 0 {
        operations.max(1)
    } else {
        per_file
    };
    let mut files = vec![SpecFile {
        name: "api.yaml".to_owned(),
        text: api_file(operations),
    }];
    let groups = operations.div_ceil(per_file);
    for group in 0..groups {
        let first = group * per_file;
        let last = operations.min(first + per_file);
        files.push(SpecFile {
            name: format!("group_{group:04}.yaml"),
            text: group_file(group, first..last),
        });
    }
    files
}

/// [`spec`] as the generator's input, without the disk: each file named `synth/<name>`.
pub fn sources(operations: usize, per_file: usize) -> Vec<codegen::load::Source> {
    spec(operations, per_file)
        .into_iter()
        .map(|file| codegen::load::Source {
            name: format!("synth/{}", file.name),
            text: file.text,
        })
        .collect()
}

/// Writes the spec into `dir` (created if missing), after removing the `*.yaml` files already
/// there, so a smaller spec never inherits the files of a bigger one. Returns the files
/// written.
pub fn write(dir: &Path, operations: usize, per_file: usize) -> io::Result<Vec<SpecFile>> {
    std::fs::create_dir_all(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file()
            && path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            std::fs::remove_file(&path)?;
        }
    }
    let files = spec(operations, per_file);
    for file in &files {
        std::fs::write(dir.join(&file.name), &file.text)?;
    }
    Ok(files)
}

fn api_file(operations: usize) -> String {
    format!(
        r#"# Synthetic spec with {operations} operations, written by `cargo xtask synth`. Do not edit.

api:
  title: Synthetic API
  version: "2024-06-01"
  error: ApiError
  error_summary: "{{error_type}} {{error_code}}: {{error_message}}"
  request_id: request_id
  error_fields: {{ type: error_type, code: error_code, message: error_message, status: status }}
  servers:
    sandbox: https://sandbox.example.com
    production: https://api.example.com
  docs: |
    A synthetic API of {operations} operations, shaped like a hand-transcribed one, used to
    measure the generator at scale.

types:
  ApiError:
    docs: An error returned by the API, in a non-2xx response body or nested in a response.
    fields:
      error_type:
        type: ApiErrorType
        required: true
        docs: A broad categorization of the error.
      error_code:
        type: string
        required: true
        min_length: 1
        max_length: 64
        docs: The particular error code. Safe for programmatic use.
      error_message:
        type: string
        required: true
        docs: |
          A developer-friendly representation of the error code. This may change over time
          and is not safe for programmatic use.
      display_message:
        type: string
        required: true
        nullable: true
        docs: A user-friendly representation of the error, `null` if there is none.
      request_id:
        type: string
        docs: A unique ID identifying the request, for troubleshooting.
      causes:
        type: array
        items:
          type: any
        docs: Errors of the individual items of the request, if any can be identified.
      status:
        type: integer
        nullable: true
        minimum: 100
        maximum: 599
        docs: The HTTP status code associated with the error.

  ApiErrorType:
    docs: A broad categorization of the error.
    values:
      - INVALID_REQUEST: The request is malformed.
      - INVALID_INPUT: A field of the request is invalid.
      - RATE_LIMIT_EXCEEDED: Too many requests were made.
      - API_ERROR: An internal error occurred.
      - ITEM_ERROR
"#
    )
}

fn group_file(group: usize, operations: std::ops::Range<usize>) -> String {
    let ops: Vec<Op> = operations.map(Op::new).collect();
    let mut out = String::with_capacity(ops.len() * 9_000);
    let _ = writeln!(
        out,
        "# Synthetic operations {}..{} (group {group}), written by `cargo xtask synth`.\n",
        ops.first().map_or(0, |o| o.index),
        ops.last().map_or(0, |o| o.index + 1),
    );
    out.push_str("operations:\n");
    for op in &ops {
        op.operation(&mut out);
    }
    out.push_str("\ntypes:\n");
    for op in &ops {
        op.types(&mut out);
    }
    out
}

/// The names of one synthetic operation.
struct Op {
    index: usize,
    /// `account`
    resource: &'static str,
    /// `create`
    verb: &'static str,
    /// `AccountCreate17`: the prefix of every type of the operation.
    prefix: String,
}

impl Op {
    fn new(index: usize) -> Self {
        let verb = VERBS[index % VERBS.len()];
        let resource = RESOURCES[(index / VERBS.len()) % RESOURCES.len()];
        let prefix = format!("{}{}{index}", camel(resource), camel(verb));
        Self {
            index,
            resource,
            verb,
            prefix,
        }
    }

    fn id(&self) -> String {
        format!("{}_{}_{}", self.resource, self.verb, self.index)
    }

    fn path(&self) -> String {
        format!("/{}/{}/{}", self.resource, self.index, self.verb)
    }

    fn operation(&self, out: &mut String) {
        let Op { resource, verb, .. } = self;
        let (id, path, p) = (self.id(), self.path(), &self.prefix);
        // Reads are POSTs with a JSON body too, as in Plaid's API (a GET carries no body).
        let method = "POST";
        // A create sent twice creates twice; every other verb can be retried.
        let idempotent = *verb != "create";
        let _ = write!(
            out,
            r#"  {id}:
    path: {path}
    method: {method}
    summary: {summary}
    docs: |
      Use `{path}` to {verb} a {resource}. The request identifies the {resource} and its owner,
      and the response returns the {resource} as it is after the call.

      Requests are idempotent for 24 hours when they carry the same `{resource}_id`.
    request: {p}Request
    response: {p}Response
    idempotent: {idempotent}
"#,
            summary = format_args!("{} {resource}", camel(verb)),
        );
    }

    fn types(&self, out: &mut String) {
        let Op {
            resource,
            verb,
            index,
            ..
        } = self;
        let (path, p) = (self.path(), &self.prefix);
        let _ = write!(
            out,
            r#"  {p}Request:
    docs: Request body of `{path}`.
    fields:
      client_id:
        type: string
        docs: |
          Your API `client_id`. The `client_id` is required and may be provided either in the
          `CLIENT-ID` header or as part of a request body.
      secret:
        type: string
        sensitive: true
        docs: Your API `secret`, in the `SECRET` header or in the request body.
      {resource}_id:
        type: string
        required: true
        min_length: 1
        max_length: 128
        pattern: '^[a-z]+-[0-9a-f-]+$'
        docs: The identifier of the {resource}.
      email:
        type: string
        format: email
        max_length: 254
        docs: The email address of the owner, without leading or trailing spaces.
      phone_number:
        type: string
        format: e164
        docs: The phone number of the owner, in E.164 format.
      options:
        type: {p}Options
        docs: How to {verb} the {resource}.
      tags:
        type: array
        max_items: 20
        unique_items: true
        items:
          type: string
          min_length: 1
          max_length: 32
          pattern: '^[a-z0-9_]+$'
        docs: Labels attached to the {resource}, at most 20, each unique.
      status:
        type: {p}Status
        docs: The status the {resource} should have after the call.
    rules:
      - one_of_required: [email, phone_number]
        docs: Either the email address or the phone number identifies the owner.
    examples:
      - client_id: client-{index}
        secret: secret-{index}
        {resource}_id: {resource}-{index:08x}
        email: owner{index}@example.com
        options:
          include_details: true
          limit: 25
          start_date: "2024-01-31"
          address:
            street: {index} Main St.
            city: Springfield
            postal_code: "{postal:05}"
            country: US
        tags: [alpha, beta_{index}]
        status: active

  {p}Options:
    docs: How to {verb} the {resource}.
    fields:
      include_details:
        type: boolean
        docs: Whether the response includes the {resource}'s details.
      limit:
        type: integer
        minimum: 1
        maximum: 500
        docs: The maximum number of entries to return, between 1 and 500.
      start_date:
        type: string
        format: date
        docs: The earliest date to include, `YYYY-MM-DD`.
      end_date:
        type: string
        format: date
        nullable: true
        docs: The latest date to include, `YYYY-MM-DD`; `null` for no limit.
      address:
        type: {p}Address
        docs: The address of the owner.
      country_codes:
        type: array
        min_items: 1
        max_items: 10
        items:
          type: string
          format: country_code
        docs: The countries the {resource} is available in.

  {p}Address:
    docs: A postal address.
    fields:
      street:
        type: string
        required: true
        non_blank: true
        has_letter: true
        max_length: 80
        docs: The primary street portion of the address.
      city:
        type: string
        required: true
        non_blank: true
        has_letter: true
        max_length: 100
        docs: The city of the address.
      region:
        type: string
        max_length: 3
        docs: An ISO 3166-2 subdivision code.
      postal_code:
        type: string
        pattern: '^[A-Za-z0-9]{{2,10}}$'
        docs: Between 2 and 10 alphanumeric characters; 5 digits in the US.
      country:
        type: string
        required: true
        format: country_code
        docs: The ISO 3166-1 alpha-2 code of the country.
    rules:
      - when: {{ field: country, equals: US }}
        require: {{ field: postal_code, pattern: '^[0-9]{{5}}$' }}
        docs: For US addresses the postal code must be 5 numeric digits.

  {p}Status:
    docs: The status of a {resource}.
    values:
      - active: The {resource} is in use.
      - pending: The {resource} awaits review.
      - suspended: The {resource} is suspended until it is reviewed again.
      - closed
      - archived

  {p}Response:
    docs: Response body of `{path}`.
    fields:
      {resource}:
        type: {p}Item
        required: true
        docs: The {resource} after the call.
      related:
        type: array
        max_items: 100
        items:
          type: {p}Item
        docs: Other {resource}s of the same owner.
      warnings:
        type: array
        items:
          type: ApiError
        docs: Problems that did not stop the call.
      next_cursor:
        type: string
        required: true
        nullable: true
        docs: The cursor of the next page, `null` on the last page.
      request_id:
        type: string
        required: true
        docs: A unique identifier for the request, for troubleshooting.

  {p}Item:
    docs: A {resource} as the API returns it.
    fields:
      id:
        type: string
        required: true
        docs: The identifier of the {resource}.
      created_at:
        type: string
        required: true
        format: date-time
        docs: When the {resource} was created, an RFC 3339 timestamp.
      updated_at:
        type: string
        nullable: true
        format: date-time
        docs: When the {resource} was last changed; `null` if it never was.
      status:
        type: {p}Status
        required: true
        docs: The status of the {resource}.
      amount:
        type: number
        minimum: 0
        docs: The amount, in the currency of the {resource}.
      currency:
        type: string
        pattern: '^[A-Z]{{3}}$'
        docs: The ISO 4217 currency code.
      balance:
        type: {p}Balance
        required: true
        docs: The balance of the {resource}.
      owner_address:
        type: {p}Address
        nullable: true
        docs: The address of the owner, `null` if unknown.
      metadata:
        type: any
        docs: Free-form data attached to the {resource}.
      error:
        type: ApiError
        nullable: true
        docs: The last error of the {resource}, `null` if there is none.

  {p}Balance:
    docs: A balance, as of the time of the call.
    fields:
      available:
        type: number
        required: true
        nullable: true
        docs: The amount available to spend, `null` if the institution does not report it.
      current:
        type: number
        required: true
        docs: The total amount.
      limit:
        type: number
        nullable: true
        minimum: 0
        docs: The credit limit, `null` if there is none.
      iso_currency_code:
        type: string
        nullable: true
        pattern: '^[A-Z]{{3}}$'
        docs: The ISO 4217 currency code of the balance.

"#,
            postal = index % 100_000,
        );
    }
}

fn camel(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_split_into_groups() {
        let a = spec(60, 25);
        assert_eq!(a, spec(60, 25));
        let names: Vec<_> = a.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "api.yaml",
                "group_0000.yaml",
                "group_0001.yaml",
                "group_0002.yaml"
            ]
        );
        assert_eq!(spec(60, 0).len(), 2);
        assert_eq!(spec(0, 25).len(), 1);
    }

    #[test]
    fn operation_names_are_unique() {
        let ids: std::collections::BTreeSet<_> = (0..1000).map(|i| Op::new(i).id()).collect();
        assert_eq!(ids.len(), 1000);
        let prefixes: std::collections::BTreeSet<_> =
            (0..1000).map(|i| Op::new(i).prefix).collect();
        assert_eq!(prefixes.len(), 1000);
    }
}
