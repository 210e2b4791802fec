//! Where each type of the spec is defined, and whether it is an enum: known before any type is
//! lowered, so that references resolve in any order (also across files).

use std::collections::BTreeMap;

use crate::diag::{Cursor, Place};
use crate::spec::SpecFile;

pub struct TypeIndex {
    entries: BTreeMap<String, Entry>,
    duplicates: Vec<Duplicate>,
}

struct Entry {
    place: Place,
    is_enum: bool,
}

/// A type name defined again after its first definition.
pub struct Duplicate {
    pub name: String,
    pub place: Place,
    pub first: Place,
}

impl TypeIndex {
    /// Indexes every file's types in file order; the first definition of a name wins.
    pub fn new(files: &[(String, SpecFile)]) -> Self {
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        let mut duplicates = Vec::new();
        for (file, spec) in files {
            for (name, def) in spec.types.iter() {
                let place = Cursor::root(file)
                    .key("types")
                    .key(&name.value)
                    .at(name.referenced)
                    .place();
                match entries.get(&name.value) {
                    Some(first) => duplicates.push(Duplicate {
                        name: name.value.clone(),
                        place,
                        first: first.place.clone(),
                    }),
                    None => {
                        let is_enum = def.values.is_some();
                        entries.insert(name.value.clone(), Entry { place, is_enum });
                    }
                }
            }
        }
        Self {
            entries,
            duplicates,
        }
    }

    pub fn is_known(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// `Some(true)` for an enum, `Some(false)` for an object, `None` for an unknown name.
    pub fn is_enum(&self, name: &str) -> Option<bool> {
        self.entries.get(name).map(|e| e.is_enum)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn duplicates(&self) -> &[Duplicate] {
        &self.duplicates
    }
}
