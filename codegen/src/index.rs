//! Where each type of the spec is defined, whether it is an enum, and its id: known before any
//! type is lowered, so that references resolve in any order (also across files).

use std::collections::BTreeMap;

use crate::diag::{Cursor, Place};
use crate::ir::TypeId;
use crate::spec::SpecFile;

pub struct TypeIndex {
    entries: BTreeMap<String, Entry>,
    duplicates: Vec<Duplicate>,
    /// Names of entries (types, operations) left out because they do not parse.
    broken: std::collections::BTreeSet<String>,
}

struct Entry {
    id: TypeId,
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
    /// Indexes every file's types in file order; the first definition of a name wins. Ids
    /// count the first definitions in that order, which is the order lowering keeps.
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
                        let id = TypeId::new(entries.len());
                        let is_enum = def.values.is_some();
                        entries.insert(name.value.clone(), Entry { id, place, is_enum });
                    }
                }
            }
        }
        Self {
            entries,
            duplicates,
            broken: files
                .iter()
                .flat_map(|(_, spec)| spec.broken.iter().cloned())
                .collect(),
        }
    }

    /// Whether `name` is an entry left out because it does not parse: reported once, there,
    /// and not again wherever it is named.
    pub fn is_broken(&self, name: &str) -> bool {
        self.broken.contains(name)
    }

    pub fn is_known(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    pub fn id(&self, name: &str) -> Option<TypeId> {
        self.entries.get(name).map(|e| e.id)
    }

    /// Whether the definition of `name` at `place` is the one the name refers to (not a
    /// duplicate), so lowering keeps exactly the indexed definitions.
    pub fn is_first_definition(&self, name: &str, place: &Place) -> bool {
        self.entries.get(name).is_some_and(|e| e.place == *place)
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
