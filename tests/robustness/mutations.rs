//! The real spec, hand-edited badly: lines and whole blocks dropped, duplicated, swapped and
//! re-indented, keys misspelled or swapped for other keys, values and types swapped,
//! references broken, and hostile values put in place of a value.

use codegen::load::Source;
use proptest::prelude::*;
use proptest::sample::{Index, select};

use crate::budgets::{Hostile, hostile};
use crate::harness::{CASE_TIME_LIMIT, answered, config, property_case};
use crate::yaml::{KEYS, TOKENS};

proptest! {
    // Each case parses the whole spec, and those that stay valid generate the whole crate.
    #![proptest_config(config(96))]

    /// The real spec, hand-edited badly: one to four mutations in any of its files.
    #[test]
    fn mutated_spec_never_crashes(
        mutations in prop::collection::vec((any::<Index>(), mutation()), 1..5),
    ) {
        property_case("mutation", mutated_spec(&mutations))?;
    }
}

/// Found by `mutated_spec_never_crashes` (shrunk): the real spec with the `type` of
/// `BeaconUserDepositoryAccount.routing_number` replaced by a 427,552-character name. The
/// did-you-mean hint measured that name against every type of the spec: over 10 s in a debug
/// build. Rebuilt from `spec/` here rather than kept as a 450 KB file in `tests/regressions/`.
#[test]
fn fuzz_found_huge_type_name_in_the_real_spec() {
    let mut sources = plaid_tests::docs_pages_spec();
    let beacon = sources
        .iter_mut()
        .find(|s| s.name.ends_with("beacon.yaml"))
        .expect("spec/beacon.yaml");
    let name = "x".repeat(427_552);
    let owner = beacon
        .text
        .find("  BeaconUserDepositoryAccount:\n")
        .unwrap_or(0);
    let field = beacon.text[owner..]
        .find("routing_number:\n        type: string\n")
        .map(|at| owner + at + "routing_number:\n".len())
        .or_else(|| beacon.text.find("        type: string\n"))
        .expect("a string field in spec/beacon.yaml");
    beacon.text.replace_range(
        field..field + "        type: string".len(),
        &format!("        type: {name}"),
    );
    let run = answered(sources, CASE_TIME_LIMIT);
    assert!(run.rendered_error().contains("unknown type"));
}

/// A change to one file of the real spec. Indices pick among the lines the change applies to.
#[derive(Clone, Debug)]
enum Mutation {
    /// Removes one line: a key, a value, a list item.
    DropLine(Index),
    /// Removes a line and every line indented below it: a whole key with its value.
    DropBlock(Index),
    /// Writes a block twice: duplicate keys, types and operations.
    DuplicateBlock(Index),
    /// Moves a line left or right.
    Reindent(Index, i8),
    SwapLines(Index, Index),
    /// Misspells a key, or puts another key (or a hostile field name) in its place.
    RenameKey(Index, Rename),
    /// Puts another of the format's values in place of a value (types swapped, booleans for
    /// numbers, ...).
    ReplaceValue(Index, &'static str),
    /// Points a reference (type, request, response, error, rule field) at nothing.
    BreakReference(Index, &'static str),
    /// Puts a hostile value in place of a value.
    Hostile(Index, Hostile),
    /// Inserts a line of YAML tokens.
    Insert(Index, String),
}

#[derive(Clone, Debug)]
enum Rename {
    DropChar(Index),
    DoubleChar(Index),
    Upper,
    Key(&'static str),
}

#[rustfmt::skip]
const VALUES: &[&str] = &[
    "string", "integer", "number", "boolean", "any", "array", "PlaidError", "Products",
    "BeaconUserName", "UserCreateRequest", "ItemUpdateType", "true", "false", "null", "~", "0",
    "-1", "1.5", "1e999", ".nan", "18446744073709551616", "[]", "{}", "[string]",
    "{type: string}", "''", "date", "email", "url", "GET", "DELETE", "'^($'", "'(a+)+$'",
    "\"{error_type}\"", "us", "self",
];

#[rustfmt::skip]
const BROKEN_REFERENCES: &[&str] = &[
    "Missing", "PlaidErorr", "userCreateRequest", "user.nope", "a.b.c", "''", ".", "..",
    "string.length", "PlaidError.error_type",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let rename = prop_oneof![
        any::<Index>().prop_map(Rename::DropChar),
        any::<Index>().prop_map(Rename::DoubleChar),
        Just(Rename::Upper),
        select(KEYS).prop_map(Rename::Key),
    ];
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::DropLine),
        3 => any::<Index>().prop_map(Mutation::DropBlock),
        1 => any::<Index>().prop_map(Mutation::DuplicateBlock),
        1 => (any::<Index>(), prop_oneof![Just(-4i8), Just(-2), Just(-1), Just(1), Just(2), Just(4)])
            .prop_map(|(i, by)| Mutation::Reindent(i, by)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        4 => (any::<Index>(), rename).prop_map(|(i, r)| Mutation::RenameKey(i, r)),
        4 => (any::<Index>(), select(VALUES)).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
        3 => (any::<Index>(), select(BROKEN_REFERENCES))
            .prop_map(|(i, v)| Mutation::BreakReference(i, v)),
        2 => (any::<Index>(), hostile()).prop_map(|(i, h)| Mutation::Hostile(i, h)),
        1 => (any::<Index>(), prop::collection::vec(select(TOKENS), 1..8))
            .prop_map(|(i, t)| Mutation::Insert(i, t.concat())),
    ]
}

/// The parts of a `key: value` line (also `- key: value` and `- value`): the indentation
/// with any list dash, the key, and the value.
struct Line<'a> {
    lead: &'a str,
    key: Option<&'a str>,
    value: &'a str,
}

fn parse_line(line: &str) -> Option<Line<'_>> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let body_start = line.len() - trimmed.len() + if trimmed.starts_with("- ") { 2 } else { 0 };
    let (lead, body) = line.split_at(body_start);
    let split = body
        .find(": ")
        .map(|at| (at, at + 2))
        .or_else(|| body.ends_with(':').then(|| (body.len() - 1, body.len())));
    match split {
        Some((colon, value)) if !body.starts_with(['"', '\'', '[', '{']) => Some(Line {
            lead,
            key: Some(&body[..colon]),
            value: &body[value..],
        }),
        _ => Some(Line {
            lead,
            key: None,
            value: body,
        }),
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The end (exclusive) of the block that starts at line `at`: the lines below it indented
/// further (blank lines and comments included).
fn block_end(lines: &[String], at: usize) -> usize {
    let indent = indent_of(&lines[at]) + usize::from(lines[at].trim_start().starts_with("- "));
    let mut end = at + 1;
    while end < lines.len() {
        let line = &lines[end];
        if !line.trim().is_empty()
            && !line.trim_start().starts_with('#')
            && indent_of(line) <= indent
        {
            break;
        }
        end += 1;
    }
    end
}

/// The lines of `lines` for which `pick` holds; `None` when there are none.
fn choose(lines: &[String], index: &Index, pick: impl Fn(&Line<'_>) -> bool) -> Option<usize> {
    let candidates: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| parse_line(l).is_some_and(|l| pick(&l)))
        .map(|(i, _)| i)
        .collect();
    (!candidates.is_empty()).then(|| candidates[index.index(candidates.len())])
}

const REFERENCE_KEYS: &[&str] = &[
    "type",
    "request",
    "response",
    "error",
    "field",
    "request_id",
];

fn apply(lines: &mut Vec<String>, mutation: &Mutation) {
    let any_line = |_: &Line<'_>| true;
    let with_value = |l: &Line<'_>| !l.value.is_empty() && !l.value.starts_with('#');
    match mutation {
        Mutation::DropLine(i) => {
            if let Some(at) = choose(lines, i, any_line) {
                lines.remove(at);
            }
        }
        Mutation::DropBlock(i) => {
            if let Some(at) = choose(lines, i, any_line) {
                let end = block_end(lines, at);
                lines.drain(at..end);
            }
        }
        Mutation::DuplicateBlock(i) => {
            if let Some(at) = choose(lines, i, |l| l.key.is_some()) {
                let end = block_end(lines, at);
                let copy: Vec<String> = lines[at..end].to_vec();
                lines.splice(end..end, copy);
            }
        }
        Mutation::Reindent(i, by) => {
            if let Some(at) = choose(lines, i, any_line) {
                let line = &lines[at];
                let indent = indent_of(line) as isize + isize::from(*by);
                lines[at] = format!(
                    "{}{}",
                    " ".repeat(indent.max(0) as usize),
                    line.trim_start()
                );
            }
        }
        Mutation::SwapLines(a, b) => {
            if let (Some(a), Some(b)) = (choose(lines, a, any_line), choose(lines, b, any_line)) {
                lines.swap(a, b);
            }
        }
        Mutation::RenameKey(i, rename) => {
            let Some(at) = choose(lines, i, |l| l.key.is_some()) else {
                return;
            };
            let Some(line) = parse_line(&lines[at]) else {
                return;
            };
            let key = line.key.unwrap_or_default();
            let chars: Vec<char> = key.chars().collect();
            let renamed: String = match rename {
                Rename::DropChar(c) if !chars.is_empty() => {
                    let c = c.index(chars.len());
                    chars[..c].iter().chain(&chars[c + 1..]).collect()
                }
                Rename::DoubleChar(c) if !chars.is_empty() => {
                    let c = c.index(chars.len());
                    chars[..=c].iter().chain(&chars[c..]).collect()
                }
                Rename::Upper => key.to_uppercase(),
                Rename::Key(other) => (*other).to_owned(),
                _ => return,
            };
            let value = if line.value.is_empty() {
                String::new()
            } else {
                format!(" {}", line.value)
            };
            lines[at] = format!("{}{renamed}:{value}", line.lead);
        }
        Mutation::ReplaceValue(i, value) | Mutation::BreakReference(i, value) => {
            let references = matches!(mutation, Mutation::BreakReference(..));
            let pick = |l: &Line<'_>| {
                with_value(l) && (!references || l.key.is_some_and(|k| REFERENCE_KEYS.contains(&k)))
            };
            if let Some(at) = choose(lines, i, pick) {
                lines[at] = replace_value(&lines[at], value);
            }
        }
        Mutation::Hostile(i, hostile) => {
            if let Some(at) = choose(lines, i, with_value) {
                lines[at] = replace_value(&lines[at], &hostile.text());
            }
        }
        Mutation::Insert(i, text) => {
            let at = i.index(lines.len() + 1);
            lines.insert(at, text.clone());
        }
    }
}

fn replace_value(line: &str, value: &str) -> String {
    let Some(parsed) = parse_line(line) else {
        return line.to_owned();
    };
    match parsed.key {
        Some(key) => format!("{}{key}: {value}", parsed.lead),
        None => format!("{}{value}", parsed.lead),
    }
}

/// The real spec (the docs pages' part of it, with every refinement) with each mutation applied
/// to one of its files.
fn mutated_spec(mutations: &[(Index, Mutation)]) -> Vec<Source> {
    let mut sources = plaid_tests::docs_pages_spec();
    let mut files: Vec<Vec<String>> = sources
        .iter()
        .map(|s| s.text.lines().map(str::to_owned).collect())
        .collect();
    for (file, mutation) in mutations {
        let file = file.index(files.len());
        apply(&mut files[file], mutation);
    }
    for (source, lines) in sources.iter_mut().zip(files) {
        source.text = lines.join("\n") + "\n";
    }
    sources
}
