//! Who is calling: the credentials an operation's security requirement asks for, read from
//! where each scheme puts them (a header, the query, a cookie, `Authorization`), and checked
//! by the service, before the body is read.
//!
//! The requirement's alternatives are tried in order; the first whose credentials are all
//! present is checked, and only that one. An API whose first alternative is a client id and
//! a secret in two headers ([`ServerSpec::CHECKS_CREDENTIALS`], Plaid's) may also send that
//! pair in a JSON body, so an alternative with the pair that lacks it in the headers is left
//! for the body ([`Admitted::PairPending`]).

use std::fmt;

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use base64::Engine as _;

use super::{Received, Refusal, ServerError, ServerSpec, ServiceBasics};
use crate::auth::{Location, SchemeKind, SecurityScheme};

/// A credential as a request presented it, for [`ServiceBasics::identify`]. `Debug` shows its
/// kind only.
#[derive(Clone, Copy)]
pub enum Presented<'a> {
    /// An API key, from its header, query parameter or cookie.
    Key(&'a str),
    /// The token of `Authorization: Bearer` (HTTP bearer, OAuth 2).
    Bearer(&'a str),
    /// The user and password of `Authorization: Basic`.
    Basic {
        /// The user.
        user: &'a str,
        /// The password.
        password: &'a str,
    },
}

impl fmt::Debug for Presented<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Presented::Key(_) => "Key(<redacted>)",
            Presented::Bearer(_) => "Bearer(<redacted>)",
            Presented::Basic { .. } => "Basic(<redacted>)",
        })
    }
}

/// What the headers, query and cookies decided of a request's credentials.
pub(super) enum Admitted {
    /// Authenticated, or needing no credentials: the caller's id (empty when none applies).
    Caller(String),
    /// The client id and secret may still come from a JSON body: what the headers carry.
    PairPending {
        client_id: Option<String>,
        secret: Option<String>,
    },
}

/// A credential, owned, with the scheme it is for.
enum Owned {
    Key(String),
    Bearer(String),
    Basic(String, String),
}

impl Owned {
    fn presented(&self) -> Presented<'_> {
        match self {
            Owned::Key(key) => Presented::Key(key),
            Owned::Bearer(token) => Presented::Bearer(token),
            Owned::Basic(user, password) => Presented::Basic { user, password },
        }
    }
}

/// Reads and checks the credentials of the first alternative of the operation's requirement
/// whose credentials the request carries.
pub(super) fn admit<A: ServerSpec, S: ServiceBasics + ?Sized>(
    service: &S,
    received: &Received<'_>,
    requirement: crate::auth::Requirement,
) -> Result<Admitted, ServerError> {
    if requirement.is_empty() || requirement.iter().any(|alternative| alternative.is_empty()) {
        return Ok(Admitted::Caller(String::new()));
    }
    let mut pending = None;
    for alternative in requirement {
        let schemes: Vec<&SecurityScheme> = alternative
            .iter()
            .filter_map(|name| A::SECURITY_SCHEMES.iter().find(|s| s.name == *name))
            .filter(|scheme| !matches!(scheme.kind, SchemeKind::ApiVersion { .. }))
            .collect();
        let pair = A::CHECKS_CREDENTIALS
            && [A::CLIENT_ID_HEADER, A::SECRET_HEADER]
                .iter()
                .all(|header| schemes.iter().any(|s| is_header_key(s, header)));
        let mut found = Vec::new();
        let mut complete = true;
        for scheme in &schemes {
            if pair
                && (is_header_key(scheme, A::CLIENT_ID_HEADER)
                    || is_header_key(scheme, A::SECRET_HEADER))
            {
                continue;
            }
            match presented(scheme, received)? {
                Some(credential) => found.push((scheme.name, credential)),
                None => complete = false,
            }
        }
        let (client_id, secret) = if pair {
            // As Plaid reads them: present (even empty) or not, unreadable is wrong.
            let header = |name: &str| match received.headers.get(name) {
                None => Ok(None),
                Some(value) => value
                    .to_str()
                    .map(|v| Some(v.to_owned()))
                    .map_err(|_| invalid_pair()),
            };
            (header(A::CLIENT_ID_HEADER)?, header(A::SECRET_HEADER)?)
        } else {
            (None, None)
        };
        if !complete {
            continue;
        }
        match (pair, client_id, secret) {
            (true, Some(id), Some(secret)) => {
                if !service.authenticate(&id, &secret) {
                    return Err(invalid_pair());
                }
                check_others(service, &found)?;
                return Ok(Admitted::Caller(id));
            }
            // The body, or the route's refusal that names where the pair may travel.
            (true, client_id, secret) => {
                if pending.is_none() {
                    pending = Some((client_id, secret, found));
                }
            }
            (false, _, _) => return check_others(service, &found).map(Admitted::Caller),
        }
    }
    match pending {
        Some((client_id, secret, found)) => {
            check_others(service, &found)?;
            Ok(Admitted::PairPending { client_id, secret })
        }
        None => Err(ServerError::refused(
            401,
            Refusal::MissingCredentials,
            format!("this operation needs {}", describe::<A>(requirement)),
        )),
    }
}

/// Checks every credential of an alternative but the pair; the caller's id is the first
/// non-empty one the service gives.
fn check_others<S: ServiceBasics + ?Sized>(
    service: &S,
    found: &[(&'static str, Owned)],
) -> Result<String, ServerError> {
    let mut caller = String::new();
    for (scheme, credential) in found {
        match service.identify(scheme, credential.presented()) {
            Some(id) if caller.is_empty() => caller = id,
            Some(_) => {}
            None => {
                return Err(ServerError::refused(
                    401,
                    Refusal::InvalidCredentials,
                    format!("the `{scheme}` credential does not authenticate"),
                ));
            }
        }
    }
    Ok(caller)
}

fn is_header_key(scheme: &SecurityScheme, header: &str) -> bool {
    matches!(scheme.kind, SchemeKind::ApiKey { location: Location::Header, name } if name.eq_ignore_ascii_case(header))
}

/// A header's text; one that is present but unreadable is a wrong credential, never a reason
/// to look elsewhere.
fn header_text(headers: &HeaderMap, name: &str) -> Result<Option<String>, ServerError> {
    match headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            // An empty credential is none.
            .map(|v| Some(v.to_owned()).filter(|v| !v.is_empty()))
            .map_err(|_| unreadable()),
    }
}

fn unreadable() -> ServerError {
    ServerError::refused(
        401,
        Refusal::InvalidCredentials,
        "a credential of the request cannot be read",
    )
}

/// The credential `scheme` takes, if the request carries it.
fn presented(
    scheme: &SecurityScheme,
    received: &Received<'_>,
) -> Result<Option<Owned>, ServerError> {
    let authorization = |kind: &str| -> Result<Option<String>, ServerError> {
        let Some(value) = header_text(received.headers, AUTHORIZATION.as_str())? else {
            return Ok(None);
        };
        Ok(value
            .split_once(' ')
            .filter(|(given, _)| given.eq_ignore_ascii_case(kind))
            .map(|(_, rest)| rest.trim().to_owned())
            .filter(|rest| !rest.is_empty()))
    };
    Ok(match scheme.kind {
        SchemeKind::ApiKey {
            location: Location::Header,
            name,
        } => header_text(received.headers, name)?.map(Owned::Key),
        SchemeKind::ApiKey {
            location: Location::Query,
            name,
        } => received
            .query
            .iter()
            .find(|(key, _)| key == name)
            .filter(|(_, value)| !value.is_empty())
            .map(|(_, value)| Owned::Key(value.clone())),
        SchemeKind::ApiKey {
            location: Location::Cookie,
            name,
        } => {
            let mut found = None;
            for value in received.headers.get_all(COOKIE) {
                let text = value.to_str().map_err(|_| unreadable())?;
                found = found.or_else(|| {
                    text.split(';')
                        .filter_map(|pair| pair.trim().split_once('='))
                        .find(|(key, _)| *key == name)
                        .map(|(_, value)| value.to_owned())
                });
            }
            found.filter(|value| !value.is_empty()).map(Owned::Key)
        }
        SchemeKind::Bearer => authorization("Bearer")?.map(Owned::Bearer),
        SchemeKind::Basic => match authorization("Basic")? {
            None => None,
            Some(encoded) => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(unreadable)?;
                let (user, password) = decoded.split_once(':').ok_or_else(unreadable)?;
                Some(Owned::Basic(user.to_owned(), password.to_owned()))
            }
        },
        SchemeKind::ApiVersion { .. } => None,
    })
}

/// The `WWW-Authenticate` challenges of a 401 (RFC 9110 asks for one): `Bearer` and `Basic`
/// for the HTTP schemes the requirement names, in its order; `None` when it names only API
/// keys, which HTTP has no challenge for.
pub(super) fn challenge<A: ServerSpec>(
    requirement: crate::auth::Requirement,
) -> Option<axum::http::HeaderValue> {
    let mut challenges: Vec<&str> = Vec::new();
    for name in requirement
        .iter()
        .flat_map(|alternative| alternative.iter())
    {
        let Some(scheme) = A::SECURITY_SCHEMES.iter().find(|s| s.name == *name) else {
            continue;
        };
        let challenge = match scheme.kind {
            SchemeKind::Bearer => "Bearer",
            SchemeKind::Basic => "Basic realm=\"api\"",
            _ => continue,
        };
        if !challenges.contains(&challenge) {
            challenges.push(challenge);
        }
    }
    (!challenges.is_empty())
        .then(|| axum::http::HeaderValue::from_str(&challenges.join(", ")).ok())
        .flatten()
}

/// Where the alternatives' credentials go: "the `X-Key` header and the `X-Secret` header, or
/// an `Authorization: Bearer` token".
fn describe<A: ServerSpec>(requirement: crate::auth::Requirement) -> String {
    let alternatives: Vec<String> = requirement
        .iter()
        .map(|alternative| {
            let parts: Vec<String> = alternative
                .iter()
                .filter_map(|name| A::SECURITY_SCHEMES.iter().find(|s| s.name == *name))
                .filter_map(|scheme| match scheme.kind {
                    SchemeKind::ApiKey {
                        location: Location::Header,
                        name,
                    } => Some(format!("the `{name}` header")),
                    SchemeKind::ApiKey {
                        location: Location::Query,
                        name,
                    } => Some(format!("the `{name}` query parameter")),
                    SchemeKind::ApiKey {
                        location: Location::Cookie,
                        name,
                    } => Some(format!("the `{name}` cookie")),
                    SchemeKind::Bearer => Some("an `Authorization: Bearer` token".to_owned()),
                    SchemeKind::Basic => {
                        Some("an `Authorization: Basic` user and password".to_owned())
                    }
                    SchemeKind::ApiVersion { .. } => None,
                })
                .collect();
            parts.join(" and ")
        })
        .filter(|alternative| !alternative.is_empty())
        .collect();
    alternatives.join(", or ")
}

/// The client id and secret are in neither place the request may carry them (`place`: after
/// "in the ... and ...").
pub(super) fn missing_pair<A: ServerSpec>(place: &str) -> ServerError {
    ServerError::refused(
        400,
        Refusal::MissingCredentials,
        format!(
            "client_id and secret are required, in the {} and {} {place}",
            A::CLIENT_ID_HEADER,
            A::SECRET_HEADER
        ),
    )
}

pub(super) fn invalid_pair() -> ServerError {
    ServerError::refused(
        400,
        Refusal::InvalidCredentials,
        "invalid client_id or secret provided",
    )
}
