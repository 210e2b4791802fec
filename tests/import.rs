//! The OpenAPI importer (`cargo xtask import`, codegen::import):
//!
//! - a small hand-made description with one case of each rule, whose import is pinned as a
//!   snapshot (the files, the warnings, the summary);
//! - the import is deterministic, and writing it twice changes nothing; only files with the
//!   marker are replaced or deleted;
//! - Plaid's real description (spec/openapi/) imports with the expected counts and warnings;
//! - every imported file reads back, with the generator's own loader and limits, as exactly
//!   what the importer meant to write.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::import::{self, Import, WarningKind};
use plaid_tests::workspace_root;

const FIXTURE: &str = "tests/fixtures/import/mini.yml";
const REAL: &str = "spec/openapi/2020-09-14.yml";

fn import_file(relative: &str) -> Import {
    let text = std::fs::read_to_string(workspace_root().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"));
    import::import(relative, &text).unwrap_or_else(|e| panic!("{relative} does not import: {e}"))
}

fn real() -> &'static Import {
    static IMPORT: std::sync::OnceLock<Import> = std::sync::OnceLock::new();
    IMPORT.get_or_init(|| import_file(REAL))
}

/// The files, warnings and summary of an import as one text.
fn rendered(import: &Import) -> String {
    let mut out = String::new();
    for file in &import.files {
        out.push_str(&format!("==== {} ====\n{}\n", file.name, file.text));
    }
    out.push_str("==== warnings ====\n");
    for line in import.warning_lines() {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&import.summary());
    out.push('\n');
    out
}

#[test]
fn fixture_import_is_pinned() {
    let import = import_file(FIXTURE);
    insta::assert_snapshot!(rendered(&import));
}

#[test]
fn fixture_covers_every_rule() {
    let import = import_file(FIXTURE);
    let kinds: Vec<WarningKind> = import.warnings.iter().map(|w| w.kind).collect();
    for kind in [
        WarningKind::StrayContentKey,
        WarningKind::EnumNonStringValue,
        WarningKind::EnumNullableWithoutNull,
        WarningKind::EnumNullNotNullable,
        WarningKind::EnumVariantName,
        WarningKind::EnumDuplicateValue,
        WarningKind::DuplicateProperty,
        WarningKind::NullableItem,
        WarningKind::FieldName,
        WarningKind::StringWithProperties,
        WarningKind::UntypedObject,
        WarningKind::DanglingRequired,
        WarningKind::TypeRenamed,
        WarningKind::Constraint,
        WarningKind::ExampleUndeclaredProperty,
        WarningKind::ExampleLeftOut,
        WarningKind::ErrorSchema,
        WarningKind::SecurityOverride,
        WarningKind::Operation,
        WarningKind::Unsupported,
        WarningKind::WebhookPair,
    ] {
        assert!(
            kinds.contains(&kind),
            "the fixture produces no {kind} warning"
        );
    }
}

#[test]
fn import_is_deterministic() {
    let text = std::fs::read_to_string(workspace_root().join(REAL)).unwrap();
    let again = import::import(REAL, &text).unwrap();
    let first = real();
    assert_eq!(first.files.len(), again.files.len());
    for (a, b) in first.files.iter().zip(&again.files) {
        assert_eq!(a.name, b.name);
        assert!(a.text == b.text, "{} differs between two imports", a.name);
    }
    assert_eq!(first.warning_lines(), again.warning_lines());
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plaid-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn writing_is_idempotent_and_touches_only_imported_files() {
    let import = import_file(FIXTURE);
    let dir = scratch("write");
    let hand_written = "api:\n  title: Mini API\n  version: \"1\"\n";
    std::fs::write(dir.join("api.yaml"), hand_written).unwrap();
    std::fs::write(dir.join("README.md"), "# spec\n").unwrap();
    let stale = format!(
        "{} from x.yml. Do not edit.\ntypes: {{}}\n",
        import::MARKER_PREFIX
    );
    std::fs::write(dir.join("gone.yaml"), &stale).unwrap();

    // The hand-written `api` block is kept in place of the imported one.
    let first = import::write(&dir, &import).unwrap();
    assert_eq!(first.written.len(), import.files.len() - 1);
    assert_eq!(first.kept, ["api.yaml"]);
    assert_eq!(first.deleted, ["gone.yaml"]);
    let second = import::write(&dir, &import).unwrap();
    assert!(second.written.is_empty() && second.deleted.is_empty());
    assert_eq!(second.unchanged, import.files.len() - 1);
    for file in import.files.iter().filter(|f| f.name != "api.yaml") {
        assert_eq!(read(&dir, &file.name), file.text);
    }
    assert_eq!(read(&dir, "api.yaml"), hand_written);

    // Without a hand-written one, the imported `api` block is written, and replaced on the
    // next import like any imported file.
    let fresh = scratch("write-api");
    let report = import::write(&fresh, &import).unwrap();
    assert_eq!(report.written.len(), import.files.len());
    assert!(read(&fresh, "api.yaml").starts_with(import::MARKER_PREFIX));
    let _ = std::fs::remove_dir_all(&fresh);
    assert_eq!(read(&dir, "README.md"), "# spec\n");

    // A hand-written file where an imported one goes stops the import before any write.
    let thing = dir.join("thing.yaml");
    std::fs::write(&thing, "types: {}\n").unwrap();
    std::fs::remove_file(dir.join("things.yaml")).unwrap();
    let error = import::write(&dir, &import).unwrap_err();
    assert!(error.contains("thing.yaml"), "{error}");
    assert_eq!(std::fs::read_to_string(&thing).unwrap(), "types: {}\n");
    assert!(!dir.join("things.yaml").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Asserts that a warning of the import contains `needle`.
fn assert_warned(import: &Import, needle: &str) {
    let lines = import.warning_lines();
    assert!(
        lines.iter().any(|l| l.contains(needle)),
        "no warning contains {needle:?}: {lines:#?}"
    );
}

/// The text the import writes to the spec file `name`.
fn written<'i>(import: &'i Import, name: &str) -> &'i str {
    let file = import.files.iter().find(|f| f.name == name);
    &file
        .unwrap_or_else(|| panic!("the import writes no {name}"))
        .text
}

/// The imported files as the generator reads them from a spec folder.
fn spec_sources(import: &Import) -> Vec<codegen::load::Source> {
    import
        .files
        .iter()
        .map(|f| codegen::load::Source {
            name: format!("spec/{}", f.name),
            text: f.text.clone(),
        })
        .collect()
}

/// Each imported file, read by the generator's own loader (its limits and its types), must
/// be exactly the spec the importer built: no string turned into a number, no block scalar
/// with a different ending, no example changed, no key the loader refuses.
fn assert_reads_back(import: &Import) {
    let sources = spec_sources(import);
    let (files, diagnostics) = codegen::load::parse(&sources);
    assert!(diagnostics.is_empty(), "{diagnostics}");
    assert_eq!(files.len(), import.files.len());
    for (file, back) in import.files.iter().zip(&files) {
        let back = serde_json::to_value(&back.1).unwrap();
        let meant = serde_json::to_value(&file.spec).unwrap();
        if back != meant {
            let (a, b) = (back.to_string(), meant.to_string());
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let from = at.saturating_sub(80);
            panic!(
                "{} reads back differently near\n  read:  {}\n  meant: {}",
                file.name,
                &a[from..(at + 80).min(a.len())],
                &b[from..(at + 80).min(b.len())]
            );
        }
    }
}

#[test]
fn fixture_output_loads() {
    let import = import_file(FIXTURE);
    assert_reads_back(&import);
}

#[test]
fn real_output_loads() {
    assert_reads_back(real());
}

#[test]
fn real_file_imports_with_the_expected_counts() {
    let import = real();
    assert_eq!(import.operations(), 329);
    assert_eq!(import.error_type.as_deref(), Some("PlaidError"));
    let files: Vec<(&str, usize, usize)> = import
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.spec.operations.len(), f.spec.types.len()))
        .collect();
    // 48 areas, common.yaml, webhooks.yaml and the `api` block (api.yaml, which the
    // hand-written spec/api.yaml takes the place of).
    assert_eq!(files.len(), 50, "{files:?}");
    let by_name: BTreeMap<&str, (usize, usize)> =
        files.iter().map(|&(n, o, t)| (n, (o, t))).collect();
    assert_eq!(by_name["transfer.yaml"].0, 42);
    assert_eq!(by_name["sandbox.yaml"].0, 28);
    assert_eq!(by_name["common.yaml"].0, 0);
    assert_eq!(by_name["webhooks.yaml"].0, 0);
    assert!(by_name["webhooks.yaml"].1 > 90, "the webhook payloads");
    // Every schema that is an object or an enum is a type (allOf-only bases and unused
    // no-field objects aside), plus inline enums and the GET requests.
    assert_eq!(import.types(), EXPECTED_TYPES);
}

const EXPECTED_TYPES: usize = 2029;

/// spec/ is what the import makes of Plaid's pinned description, file for file (its `api.yaml`
/// aside, which is written by hand): a change to the importer that would move Plaid's spec
/// shows here, not only the next time someone imports.
#[test]
fn real_import_is_the_committed_spec() {
    let spec = workspace_root().join("spec");
    for file in &real().files {
        if file.name == "api.yaml" {
            continue;
        }
        let committed = std::fs::read_to_string(spec.join(&file.name))
            .unwrap_or_else(|e| panic!("spec/{}: {e}", file.name));
        assert!(
            committed == file.text,
            "spec/{} is not what the import writes",
            file.name
        );
    }
}

#[test]
fn real_file_warnings_are_the_known_ones() {
    let import = real();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for w in &import.warnings {
        *counts.entry(w.kind.name()).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = [
        ("dangling-required", 1),
        ("duplicate-property", 1),
        ("enum-non-string-value", 8),
        ("enum-null-not-nullable", 2),
        ("enum-nullable-without-null", 29),
        ("example-left-out", 3),
        ("example-undeclared-property", 197),
        ("operation", 1),
        ("stray-content-key", 1),
        ("string-with-properties", 12),
        ("type-renamed", 11),
        ("untyped-object", 8),
        // The processor and fallback-auth copies of a webhook's pair.
        ("webhook-pair", 9),
    ]
    .into_iter()
    .collect();
    assert_eq!(counts, expected);

    let has = |needle: &str| assert_warned(import, needle);
    // The misindented `examples: {}` of /transfer/originator/get.
    has(&format!(
        "{REAL}:16760:11: paths./transfer/originator/get.post.requestBody.content.examples:"
    ));
    // The upload declared JSON whose file is binary (spec/overlay/transfer.yaml makes it
    // multipart).
    has(&format!(
        "{REAL}:16719:13: paths./transfer/diligence/document/upload.post.requestBody.content.application/json: a JSON body with a file (`file`, `format: binary`)"
    ));
    // The signal examples without `risk_tier`.
    has(
        "paths./signal/evaluate.post.responses.200.content.application/json.examples.example-1.value.scores.customer_initiated_return_risk: an example of `SignalEvaluateResponse` left out",
    );
    has(
        "paths./processor/signal/evaluate.post.responses.200.content.application/json.examples.example-1.value.scores.customer_initiated_return_risk: an example of `ProcessorSignalEvaluateResponse` left out",
    );
    // The OAuth operations answer errors with their own type: each has it as its `error`.
    let oauth = written(import, "oauth.yaml");
    assert_eq!(oauth.matches("    error: OAuthErrorResponse\n").count(), 3);
    // Numbers in string enums.
    has(&format!("{REAL}:63244:"));
    has("components.schemas.PrismCashScoreVersion.enum: values `4.1`, `4`, `3`");
    // Schema keys with underscores (11 in all).
    for (key, name) in [
        (
            "Investments_TransactionsOverride",
            "InvestmentsTransactionsOverride",
        ),
        ("Recaptcha_RequiredError", "RecaptchaRequiredError"),
        (
            "BusinessVerificationStatus__KYBCheck",
            "BusinessVerificationStatusKYBCheck",
        ),
        (
            "BusinessVerificationStatus__Overall",
            "BusinessVerificationStatusOverall",
        ),
    ] {
        has(&format!(
            "components.schemas.{key}: `{key}` is not a type name the spec accepts"
        ));
        has(&format!("imported as `{name}`"));
    }
    for line in &import.warning_lines() {
        assert!(line.starts_with(&format!("warning: {REAL}:")), "{line}");
    }
}

#[test]
fn json_input_imports_like_yaml() {
    let yaml = std::fs::read_to_string(workspace_root().join(FIXTURE)).unwrap();
    let value: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
    let json = serde_json::to_string_pretty(&value).unwrap();
    let from_yaml = import::import(FIXTURE, &yaml).unwrap();
    let from_json = import::import(FIXTURE, &json).unwrap();
    assert_eq!(from_yaml.files.len(), from_json.files.len());
    for (a, b) in from_yaml.files.iter().zip(&from_json.files) {
        assert_eq!(a.text, b.text, "{} differs when read from JSON", a.name);
    }
    let kinds = |i: &Import| i.warnings.iter().map(|w| w.kind).collect::<Vec<_>>();
    let (mut a, mut b) = (kinds(&from_yaml), kinds(&from_json));
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

/// The pinned OpenAPI file sits in a folder of spec/, where the generator does not look: it
/// reads spec/*.yaml and the refinements in spec/overlay/, nothing else.
#[test]
fn the_generator_does_not_read_the_openapi_folder() {
    assert!(workspace_root().join(REAL).is_file());
    let sources = codegen::load::read_dir(&plaid_tests::spec_dir()).unwrap();
    assert!(!sources.is_empty());
    for source in &sources {
        assert!(!source.name.contains("openapi"), "{}", source.name);
        let depth = source.name.matches('/').count();
        assert!(
            depth == 1 || source.name.starts_with("spec/overlay/") && depth == 2,
            "{}",
            source.name
        );
    }
}

/// The import checks an example with the generator's own check, so what it keeps is what
/// `regenerate` accepts: a `oneOf` answer's example that is none of its members is left out
/// (the importer's former checker of its own let it through, and `regenerate` refused it).
#[test]
fn examples_are_checked_as_regenerate_checks_them() {
    let text = r##"
openapi: 3.0.0
info: {title: Pets, version: "1"}
paths:
  /pet:
    get:
      operationId: getPet
      responses:
        "200":
          description: a pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
              examples:
                cat: {value: {meow: "loud"}}
                neither: {value: {moo: 1}}
components:
  schemas:
    Cat: {type: object, required: [meow], properties: {meow: {type: string}}}
    Dog: {type: object, required: [bark], properties: {bark: {type: string}}}
    Pet: {oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]}
"##;
    let import = import::import("pets.yaml", text).unwrap();
    assert_warned(
        &import,
        "examples.neither.value: an example of `Pet` left out",
    );
    let sources = spec_sources(&import);
    let model = codegen::model(&sources).unwrap_or_else(|d| panic!("{d}"));
    let pet = model.find_type("Pet").unwrap();
    let kept: Vec<&serde_json::Value> = pet.examples.iter().map(|e| &e.value).collect();
    assert_eq!(kept, [&serde_json::json!({"meow": "loud"})]);
}

/// What the import writes regenerates, whatever happens to the operation a fragment's
/// operation varies: when that one is left out (here, no `operationId`), the fragment's is it,
/// at the path sent; a second fragment is a variant of that one. A GET's body is not imported
/// (it carries none), with a warning.
#[test]
fn a_variant_whose_operation_is_left_out_takes_its_place() {
    let text = r##"
openapi: 3.0.0
info: {title: Files, version: "1"}
paths:
  /files/{id}:
    get:
      parameters: [{in: path, name: id, required: true, schema: {type: string}}]
      responses: {"200": {description: no operationId}}
  /files/{id}#name:
    get:
      operationId: getFileName
      parameters: [{in: path, name: id, required: true, schema: {type: string}}]
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {x: {type: string}}}
      responses: {"204": {description: ok}}
  /files/{id}#size:
    get:
      operationId: getFileSize
      parameters: [{in: path, name: id, required: true, schema: {type: string}}]
      responses: {"204": {description: ok}}
"##;
    let import = import::import("files.yaml", text).unwrap();
    let files = written(&import, "files.yaml");
    assert!(files.contains("path: /files/{id}\n"), "{files}");
    assert!(files.contains("path: /files/{id}#size\n"), "{files}");
    assert_warned(
        &import,
        "a GET carries no body (its fields travel as parameters)",
    );
    let model = codegen::model(&spec_sources(&import)).unwrap_or_else(|d| panic!("{d}"));
    let variants: Vec<(&str, Option<&str>)> = model
        .operations
        .iter()
        .map(|op| (op.id.as_str(), op.variant.as_deref()))
        .collect();
    assert_eq!(
        variants,
        [("get_file_name", None), ("get_file_size", Some("size"))]
    );
}

/// Success answers with other bodies than the first's are the operation's `answers`, with
/// every other success status once there is one (the client reads an answer by its status), a
/// 204's always without a body; a range of statuses (`2XX`) cannot be one, an operation whose
/// enum of answers would have a schema's name keeps its first answer only, and a variant that
/// would read other statuses than its operation is left out: each with a warning, and what the
/// import writes regenerates.
#[test]
fn other_success_answers_are_imported_with_their_status() {
    let text = r##"
openapi: 3.0.0
info: {title: Files, version: "1"}
paths:
  /files/{id}:
    get:
      operationId: getFile
      parameters: [{in: path, name: id, required: true, schema: {type: string}}]
      responses:
        "200":
          description: The file.
          content: {application/json: {schema: {$ref: "#/components/schemas/File"}}}
        "201":
          description: The file, made.
          content: {application/json: {schema: {$ref: "#/components/schemas/File"}}}
        "202":
          description: Not ready yet.
          content: {application/json: {schema: {$ref: "#/components/schemas/Pending"}}}
        "204":
          description: No file, whatever the content says.
          content: {application/json: {schema: {$ref: "#/components/schemas/File"}}}
        "2XX":
          description: Anything else.
          content: {application/pdf: {schema: {type: string, format: binary}}}
  /files/{id}#meta:
    get:
      operationId: getFileMeta
      parameters: [{in: path, name: id, required: true, schema: {type: string}}]
      responses:
        "200":
          description: The file's metadata only.
          content: {application/json: {schema: {$ref: "#/components/schemas/Pending"}}}
  /files/{id}/content:
    get:
      operationId: getFileContent
      parameters: [{in: path, name: id, required: true, schema: {type: string}}]
      responses:
        "200":
          description: The bytes.
          content: {application/octet-stream: {schema: {type: string, format: binary}}}
        "202":
          description: Not ready yet.
components:
  schemas:
    File: {type: object, properties: {id: {type: string}}}
    Pending: {type: object, properties: {retry_after: {type: integer}}}
    GetFileContentAnswer: {type: object, properties: {x: {type: string}}}
"##;
    let import = import::import("files.yaml", text).unwrap();
    assert_warned(
        &import,
        "a range of success statuses (2XX) with another body than the 200's: not imported",
    );
    assert_warned(
        &import,
        "`get_file_content` has several success answers, and the name of their enum, \
         `GetFileContentAnswer`, is a schema's: only its first answer is imported",
    );
    let model = codegen::model(&spec_sources(&import)).unwrap_or_else(|d| panic!("{d}"));
    let answers = |id: &str| -> Vec<(u16, String, String)> {
        let op = model.operations.iter().find(|op| op.id == id).unwrap();
        op.all_answers()
            .map(|(status, response, docs)| {
                let body = match response {
                    codegen::ir::Response::Json(id) => model.name(*id).to_owned(),
                    other => format!("{other:?}"),
                };
                (status, body, docs.to_owned())
            })
            .collect()
    };
    assert_eq!(
        answers("get_file"),
        [
            (200, "File".to_owned(), String::new()),
            // The same body as the 200's, listed all the same: the client reads answers by
            // their status.
            (201, "File".to_owned(), "The file, made.".to_owned()),
            (202, "Pending".to_owned(), "Not ready yet.".to_owned()),
            (
                204,
                "Empty".to_owned(),
                "No file, whatever the content says.".to_owned()
            ),
        ]
    );
    assert_eq!(answers("get_file_content").len(), 1);
    // A variant is answered as its operation: reading only a 200, it would refuse a 202.
    assert_warned(
        &import,
        "`get_file_meta` is a variant of `get_file`, which a server answers it as, and its \
         success statuses or error type differ: left out",
    );
}

/// `oneOf` members that are enums, references to schemas that are not objects (an enum, a
/// map) and nested `oneOf`s become member types whose `body` is the value; an enum beside
/// another member that takes strings (an open enum would take theirs, and a request holding one
/// would be refused), a member that is the `oneOf` itself (through other `oneOf`s too) and a
/// reference to a file keep the warning. A member that
/// admits only null (OpenAPI 3.0 has no null type) makes the other member nullable. A schema
/// with the client trait's name is renamed, so that what the import writes regenerates.
#[test]
fn one_of_members_that_are_enums_references_or_one_ofs_are_types() {
    let text = r##"
openapi: 3.0.0
info: {title: Limits, version: "1"}
paths:
  /limits:
    get:
      operationId: getLimits
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Limits"}}}
components:
  schemas:
    Limits:
      type: object
      properties:
        limit: {$ref: "#/components/schemas/Limit"}
        labelled: {$ref: "#/components/schemas/Labelled"}
        either: {$ref: "#/components/schemas/Either"}
        self: {$ref: "#/components/schemas/Itself"}
        maybe:
          anyOf:
            - {$ref: "#/components/schemas/Period"}
            - {title: null schema, type: object, nullable: true, additionalProperties: false}
        count:
          oneOf: [{type: integer}, {nullable: true}]
        loop: {$ref: "#/components/schemas/Loop"}
        nest: {$ref: "#/components/schemas/Nest"}
        upload: {$ref: "#/components/schemas/Upload"}
        word: {$ref: "#/components/schemas/WordOrText"}
    WordOrText:
      oneOf: [{$ref: "#/components/schemas/Word"}, {type: string, minLength: 1}]
    Word: {type: string, pattern: "^[a-z]+$"}
    Loop:
      oneOf: [{type: integer}, {$ref: "#/components/schemas/LoopBack"}]
    LoopBack:
      oneOf: [{type: boolean}, {$ref: "#/components/schemas/Loop"}]
    Nest:
      oneOf: [{type: integer}, {oneOf: [{type: boolean}, {$ref: "#/components/schemas/Nest"}]}]
    Upload:
      oneOf: [{type: integer}, {$ref: "#/components/schemas/Scan"}]
    Scan: {type: string, format: binary}
    Limit:
      oneOf:
        - {type: string, enum: [unlimited, daily]}
        - {$ref: "#/components/schemas/Amount"}
    Amount:
      oneOf:
        - {type: integer, minimum: 1}
        - {type: array, items: {type: integer}}
    Labelled:
      oneOf:
        - {$ref: "#/components/schemas/Period"}
        - {$ref: "#/components/schemas/Labels"}
    Period: {type: string, enum: [day, week]}
    Labels: {type: object, additionalProperties: {type: string}}
    Either:
      oneOf:
        - {type: string, enum: [none]}
        - {type: string, pattern: "^[1-9]$"}
    Itself:
      oneOf:
        - {$ref: "#/components/schemas/Itself"}
        - {type: integer}
"##;
    let import = import::import("limits.yaml", text).unwrap();
    let model = codegen::model(&spec_sources(&import)).unwrap_or_else(|d| panic!("{d}"));
    let members = |name: &str| -> Vec<String> {
        let def = model.find_type(name).unwrap_or_else(|| panic!("no {name}"));
        let codegen::ir::TypeKind::OneOf(one_of) = &def.kind else {
            panic!("{name} is no one_of");
        };
        one_of
            .members
            .iter()
            .map(|m| model.name(m.ty).to_owned())
            .collect()
    };
    assert_eq!(members("Limit"), ["LimitEnum", "LimitAmount"]);
    assert_eq!(members("Labelled"), ["LabelledPeriod", "LabelledLabels"]);
    // Two members that take any string as it is: no enum to take the other's values.
    assert_eq!(
        members("WordOrText"),
        ["WordOrTextWord", "WordOrTextString"]
    );
    assert!(model.find_type("Either").is_none() && model.find_type("Itself").is_none());
    // A member that admits only null makes the other one nullable.
    let text = written(&import, "limits.yaml");
    for (field, ty) in [("maybe", "Period"), ("count", "integer")] {
        assert!(
            text.contains(&format!(
                "      {field}:\n        type: {ty}\n        nullable: true\n"
            )),
            "{text}"
        );
    }
    // The title names the client trait, which no type may: the schema is renamed.
    assert_warned(
        &import,
        "`Limits` is the name of the client trait (the title's): imported as `LimitsSchema`",
    );
    assert_warned(
        &import,
        "components.schemas.Either.oneOf: `oneOf` is not supported",
    );
    // Through other `oneOf`s too: decoding would try the same value forever.
    for looped in ["Itself", "Loop", "Nest", "Upload"] {
        assert!(model.find_type(looped).is_none(), "{looped}");
        assert_warned(
            &import,
            &format!("components.schemas.{looped}.oneOf: `oneOf` is not supported"),
        );
    }
}
