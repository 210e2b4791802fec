//! Which file each operation and type goes to: operations by area (the first segment of
//! their path); types by the areas whose operations reach them.

use std::collections::{BTreeMap, HashSet};

use super::model::{Body, File, Kind, Ty};
use super::operations::Imported;
use super::schemas::Schemas;

pub const COMMON: &str = "common";
pub const WEBHOOKS: &str = "webhooks";

fn named_refs(ty: &Ty, out: &mut Vec<String>) {
    match &ty.kind {
        Kind::Named(name) => out.push(name.clone()),
        Kind::Array(item, _) => named_refs(item, out),
        Kind::Map(value, _) => named_refs(value, out),
        Kind::Builtin(_) => {}
    }
}

/// Sorts operations and types into files, in file-name order. Types no operation reaches
/// go to webhooks.yaml, except schemas only ever merged into others by `allOf` (their fields
/// live on in the types that extend them).
pub fn layout(schemas: &mut Schemas<'_>, ops: Vec<Imported>) -> Vec<File> {
    let n = schemas.types.len();
    let edges: Vec<Vec<usize>> = schemas
        .types
        .iter()
        .map(|t| {
            let mut names = Vec::new();
            match &t.def.body {
                Body::Fields(fields) => {
                    for field in fields {
                        named_refs(&field.ty, &mut names);
                    }
                }
                Body::OneOf(members, _) => names.extend(members.iter().cloned()),
                Body::Values(_) => {}
            }
            names
                .iter()
                .filter_map(|name| schemas.type_index.get(name).copied())
                .collect()
        })
        .collect();
    let walk = |roots: &mut Vec<usize>, seen: &mut Vec<bool>| {
        while let Some(i) = roots.pop() {
            if i >= n || seen[i] {
                continue;
            }
            seen[i] = true;
            roots.extend(edges[i].iter().copied());
        }
    };

    let mut by_area: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for op in &ops {
        let roots = by_area.entry(op.area.clone()).or_default();
        roots.extend(
            op.roots
                .iter()
                .filter_map(|r| schemas.type_index.get(r).copied()),
        );
    }
    // The areas reaching each type; only whether there are none, one or several matters.
    let mut reach: Vec<Option<&str>> = vec![None; n];
    let mut shared = vec![false; n];
    for (area, roots) in &by_area {
        let mut seen = vec![false; n];
        walk(&mut roots.clone(), &mut seen);
        for i in (0..n).filter(|&i| seen[i]) {
            match reach[i] {
                None => reach[i] = Some(area),
                Some(other) if other != *area => shared[i] = true,
                Some(_) => {}
            }
        }
    }
    let mut orphans: Vec<usize> = (0..n)
        .filter(|&i| reach[i].is_none())
        .filter(|&i| {
            schemas.types[i]
                .schema
                .is_some_and(|s| !schemas.merged_into.contains(&s))
        })
        .collect();
    let mut unreached = vec![false; n];
    walk(&mut orphans, &mut unreached);

    let mut files: BTreeMap<String, File> = BTreeMap::new();
    for op in ops {
        file(&mut files, &op.area).operations.push(op.op);
    }
    let mut placed: Vec<(String, usize)> = Vec::new();
    for i in 0..n {
        let target = match reach[i] {
            Some(_) if shared[i] => COMMON,
            Some(area) => area,
            None if unreached[i] => WEBHOOKS,
            None => continue,
        };
        placed.push((target.to_owned(), i));
    }
    placed.sort_by(|a, b| {
        let (ta, tb) = (&schemas.types[a.1], &schemas.types[b.1]);
        (&a.0, ta.order, &ta.def.name).cmp(&(&b.0, tb.order, &tb.def.name))
    });
    let mut taken: HashSet<usize> = HashSet::new();
    for (target, i) in placed {
        if !taken.insert(i) {
            continue;
        }
        let def = std::mem::replace(
            &mut schemas.types[i].def,
            super::model::TypeDef {
                name: String::new(),
                docs: None,
                deprecated: false,
                body: Body::Fields(Vec::new()),
                examples: Vec::new(),
                webhook: None,
            },
        );
        file(&mut files, &target).types.push(def);
    }
    files.into_values().collect()
}

fn file<'f>(files: &'f mut BTreeMap<String, File>, name: &str) -> &'f mut File {
    files.entry(name.to_owned()).or_insert_with(|| File {
        api: None,
        name: format!("{name}.yaml"),
        ..File::default()
    })
}
