//! What the generator knows of an operation's path template: a `{placeholder}` ends its
//! segment, alone or after a literal prefix (`/files/{id}`, `/files/{id}/thumbnail.{ext}`),
//! which is what a router matches, and its name never travels, so paths that differ only in
//! placeholders' names are one route. A fragment (`/files/{id}#add_shared_link`) is not sent
//! either: it names a variant of the operation on the path before it.

/// The path as sent, and the variant its fragment names (`add_shared_link`), if any.
pub fn split_variant(path: &str) -> (&str, Option<&str>) {
    match path.split_once('#') {
        Some((wire, variant)) => (wire, Some(variant)),
        None => (path, None),
    }
}

/// Whether a fragment can name a variant: letters, digits, `-`, `_` and `.`, as in
/// `#add_shared_link`.
pub fn is_variant_name(fragment: &str) -> bool {
    !fragment.is_empty()
        && fragment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// The path as sent, with each placeholder's name left out (`/pets/{}`): equal for one route.
pub fn route_shape(path: &str) -> String {
    split_variant(path)
        .0
        .split('/')
        .map(|segment| match placeholder(segment) {
            Some((prefix, _)) => format!("{prefix}{{}}"),
            None => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a segment holds a `{` or `}` other than as one placeholder that ends it
/// (`{name}.json`, `{a}{b}`), which neither the spec nor a router can carry.
pub fn has_unroutable_placeholder(path: &str) -> bool {
    split_variant(path)
        .0
        .split('/')
        .any(|segment| segment.contains(['{', '}']) && placeholder(segment).is_none())
}

/// A segment's literal prefix and placeholder name, when it ends in one placeholder
/// (`thumbnail.{extension}`: `thumbnail.` and `extension`).
fn placeholder(segment: &str) -> Option<(&str, &str)> {
    let (prefix, name) = segment.strip_suffix('}')?.rsplit_once('{')?;
    let plain = |s: &str| !s.contains(['{', '}']);
    (plain(prefix) && plain(name) && !name.is_empty()).then_some((prefix, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_differ_only_in_placeholder_names_have_one_shape() {
        assert_eq!(
            route_shape("/user/{username}"),
            route_shape("/user/{username_in_path}")
        );
        assert_ne!(route_shape("/user/{username}"), route_shape("/user/login"));
        assert_ne!(route_shape("/user/{id}"), route_shape("/user/{id}/pets"));
        assert_eq!(
            route_shape("/files/{id}#copy"),
            route_shape("/files/{file}")
        );
        assert_eq!(
            split_variant("/files/{id}#copy"),
            ("/files/{id}", Some("copy"))
        );
    }

    #[test]
    fn a_placeholder_a_router_cannot_match_is_told_apart() {
        assert!(has_unroutable_placeholder("/files/{version}.json"));
        assert!(has_unroutable_placeholder("/files/{a}{b}"));
        assert!(has_unroutable_placeholder("/files/{}"));
        assert!(!has_unroutable_placeholder("/files/{name}/raw"));
        assert!(!has_unroutable_placeholder(
            "/files/{id}/thumbnail.{extension}"
        ));
        assert_eq!(
            route_shape("/files/{id}/thumbnail.{extension}"),
            "/files/{}/thumbnail.{}"
        );
    }
}
