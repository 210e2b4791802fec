//! The text of a spec file, shared by the loader (which parses it) and the diagnostics (which
//! quote its lines).

/// A spec file's text and the name it is reported under (`spec/user.yaml`): never an absolute
/// path, so that messages and snapshots are the same on every machine.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
}
