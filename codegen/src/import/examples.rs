//! The description's examples, checked by the generator's own check of an example
//! (`check::example_problems`) against the model the generator lowers from the imported
//! files, so that what the import keeps is what `regenerate` accepts: properties the type
//! does not declare are removed; an example that still does not match (a required field
//! missing, a wrong type, a value outside an enum or a constraint) is left out. Each is a
//! warning, located in the description.

use serde_json::Value;

use super::node::{Loc, Node};
use super::operations::Pending;
use super::warn::{Kind, Warnings};
use crate::check::{Problem, example_problems};
use crate::ir::Model;

/// The pending examples that hold (once their undeclared properties are removed), with the
/// type each is of: each distinct value once, in the order they come.
pub fn check(
    model: &Model,
    pending: Vec<Pending<'_>>,
    warnings: &mut Warnings,
) -> Vec<(String, Value)> {
    let mut accepted: Vec<(String, Value)> = Vec::new();
    for p in pending {
        let Some(id) = model.find_type(&p.target).map(|def| def.id) else {
            warnings.push(
                Kind::ExampleLeftOut,
                p.node.loc,
                &p.path,
                format!(
                    "an example of `{}` left out: the spec format cannot carry that type as \
                     imported, so there is nothing to check it against",
                    p.target
                ),
            );
            continue;
        };
        // `{}` is a placeholder for "no example", not an example.
        if p.node.is_map() && p.node.entries().is_empty() {
            continue;
        }
        let mut value = p.node.to_json();
        let removed: Vec<Problem> = example_problems(model, id, &value)
            .into_iter()
            .filter(|problem| problem.undeclared && remove(&mut value, &steps(&problem.at)))
            .collect();
        let problems = example_problems(model, id, &value);
        if let Some(first) = problems.first() {
            let more = match problems.len() {
                1 => String::new(),
                n => format!(
                    " (and {} more problem{})",
                    n - 1,
                    if n == 2 { "" } else { "s" }
                ),
            };
            let (loc, path) = locate(&p, &first.at);
            warnings.push(
                Kind::ExampleLeftOut,
                loc,
                &path,
                format!(
                    "an example of `{}` left out: {}{}{more}",
                    p.target,
                    if first.at.is_empty() {
                        String::new()
                    } else {
                        format!("`{}`: ", first.at)
                    },
                    first.message
                ),
            );
            continue;
        }
        for problem in removed {
            let (loc, path) = locate(&p, &problem.at);
            warnings.push(
                Kind::ExampleUndeclaredProperty,
                loc,
                &path,
                format!(
                    "`{}` removed from the example: {}",
                    problem.at, problem.message
                ),
            );
        }
        if !accepted.iter().any(|(t, v)| *t == p.target && *v == value) {
            accepted.push((p.target, value));
        }
    }
    accepted
}

/// One step of a path the check names a place in a value by (`accounts[0].mask`).
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The steps of `at`. A key that holds `.` or `[` reads as several steps, which lead nowhere:
/// such a property is not removed, and its example is left out.
fn steps(at: &str) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    for part in at.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            steps.push(Step::Key(key));
        }
        while let Some((index, after)) = rest.split_once(']') {
            match index.parse() {
                Ok(i) => steps.push(Step::Index(i)),
                Err(_) => steps.push(Step::Key(index)),
            }
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    steps
}

/// Removes the key the last step names; whether it was there.
fn remove(value: &mut Value, steps: &[Step<'_>]) -> bool {
    let Some((Step::Key(key), parents)) = steps.split_last() else {
        return false;
    };
    let parent = parents.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get_mut(*k),
        Step::Index(i) => v.get_mut(*i),
    });
    parent
        .and_then(Value::as_object_mut)
        .is_some_and(|map| map.shift_remove(*key).is_some())
}

/// Where in the description a problem at `at` of an example is: the node (a key's own
/// location for a key), else its nearest ancestor (a missing field's object); and that
/// node's document path.
fn locate(p: &Pending<'_>, at: &str) -> (Loc, String) {
    let mut node: &Node = p.node;
    let mut loc = node.loc;
    let mut path = p.path.clone();
    for step in steps(at) {
        let next = match step {
            Step::Key(key) => node.key_loc(key).zip(node.get(key)),
            Step::Index(i) => node.items().get(i).map(|n| (n.loc, n)),
        };
        let Some((at_loc, next)) = next else {
            break;
        };
        match step {
            Step::Key(key) => path = format!("{path}.{key}"),
            Step::Index(i) => path = format!("{path}[{i}]"),
        }
        loc = at_loc;
        node = next;
    }
    (loc, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_a_key_where_the_check_names_it() {
        let mut value = serde_json::json!({"a": [{"b": 1, "c": 2}], "d": {"e": 3}});
        assert!(remove(&mut value, &steps("a[0].c")));
        assert!(remove(&mut value, &steps("d.e")));
        assert!(!remove(&mut value, &steps("a[1].b")), "no such item");
        assert!(!remove(&mut value, &steps("a[0]")), "an item is not a key");
        assert_eq!(value, serde_json::json!({"a": [{"b": 1}], "d": {}}));
    }
}
