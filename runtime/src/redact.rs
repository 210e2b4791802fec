//! `Debug` for sensitive values: their shape (`None`, `Some(..)`, the number of items) stays
//! visible, their content never does.
//!
//! A generated type with a sensitive field implements `Debug` by hand and wraps that field in
//! [`Redacted`]:
//!
//! ```
//! use std::fmt;
//!
//! use specgen_runtime::redact::Redacted;
//!
//! struct Login {
//!     user: String,
//!     password: Option<String>,
//! }
//!
//! impl fmt::Debug for Login {
//!     fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
//!         f.debug_struct("Login")
//!             .field("user", &self.user)
//!             .field("password", &Redacted(&self.password))
//!             .finish()
//!     }
//! }
//!
//! let login = Login { user: "carmen".into(), password: Some("hunter2".into()) };
//! assert_eq!(
//!     format!("{login:?}"),
//!     r#"Login { user: "carmen", password: Some(<redacted>) }"#
//! );
//! ```

use std::fmt;

use crate::Nullable;

/// What `Debug` prints in place of a sensitive value.
pub const REDACTED: &str = "<redacted>";

/// Debug-formats a sensitive value through [`RedactedDebug`].
pub struct Redacted<'a, T: ?Sized>(pub &'a T);

/// How a type prints when it is sensitive: scalars as [`REDACTED`], containers with their
/// shape and each item redacted.
pub trait RedactedDebug {
    /// Writes the redacted form of `self`.
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl<T: RedactedDebug + ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_redacted(f)
    }
}

macro_rules! redact_scalars {
    ($($scalar:ty),*) => {$(
        impl RedactedDebug for $scalar {
            fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }
    )*};
}

redact_scalars!(String, str, i64, f64, bool, serde_json::Value);

impl<T: RedactedDebug> RedactedDebug for Option<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(value) => f.debug_tuple("Some").field(&Redacted(value)).finish(),
            None => f.write_str("None"),
        }
    }
}

impl<T: RedactedDebug> RedactedDebug for Nullable<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(value) => f.debug_tuple("Value").field(&Redacted(value)).finish(),
            Self::Null => f.write_str("Null"),
            Self::Absent => f.write_str("Absent"),
        }
    }
}

impl<T: RedactedDebug> RedactedDebug for Vec<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(Redacted)).finish()
    }
}

impl<T: RedactedDebug + ?Sized> RedactedDebug for Box<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt_redacted(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(value: &(impl RedactedDebug + ?Sized)) -> String {
        format!("{:?}", Redacted(value))
    }

    #[test]
    fn scalars_print_the_marker() {
        assert_eq!(redacted(&"123-45-6789".to_owned()), REDACTED);
        assert_eq!(redacted("secret"), REDACTED);
        assert_eq!(redacted(&42_i64), REDACTED);
        assert_eq!(redacted(&1.5_f64), REDACTED);
        assert_eq!(redacted(&true), REDACTED);
    }

    #[test]
    fn containers_keep_their_shape() {
        assert_eq!(redacted(&Some("x".to_owned())), "Some(<redacted>)");
        assert_eq!(redacted(&None::<String>), "None");
        assert_eq!(redacted(&Nullable::Value(1_i64)), "Value(<redacted>)");
        assert_eq!(redacted(&Nullable::<i64>::Null), "Null");
        assert_eq!(redacted(&Nullable::<i64>::Absent), "Absent");
        let list = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(redacted(&list), "[<redacted>, <redacted>]");
        assert_eq!(redacted(&Box::new(7_i64)), REDACTED);
    }
}
