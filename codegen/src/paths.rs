//! What the generator knows of an operation's path template: a `{placeholder}` is a whole
//! segment, and its name never travels, so paths that differ only in placeholders' names are
//! one route.

/// The path with each placeholder's name left out (`/pets/{}`): equal for one route.
pub fn route_shape(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if is_placeholder(segment) {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether a segment holds a `{` or `}` other than as one whole `{name}`
/// (`v{version}`), which neither the spec nor a router can carry.
pub fn has_partial_placeholder(path: &str) -> bool {
    path.split('/')
        .any(|segment| segment.contains(['{', '}']) && !is_placeholder(segment))
}

fn is_placeholder(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}') && segment.matches('{').count() == 1
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
    }

    #[test]
    fn a_placeholder_inside_a_segment_is_told_apart() {
        assert!(has_partial_placeholder("/files/v{version}"));
        assert!(has_partial_placeholder("/files/{a}{b}"));
        assert!(!has_partial_placeholder("/files/{name}/raw"));
    }
}
