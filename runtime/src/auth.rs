//! The security schemes a spec declares (`api.security_schemes`), as the generated client and
//! server read them: where each credential travels.

/// Where an API key travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie of the `Cookie` header.
    Cookie,
}

/// One way of carrying a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// A key the user supplies, sent under `name` in a header, the query or a cookie.
    ApiKey {
        /// Where it travels.
        location: Location,
        /// The header's, parameter's or cookie's name.
        name: &'static str,
    },
    /// An API-key-shaped scheme whose value is the API version the crate was generated for
    /// (the spec's `value: api_version`): the client always has it, and it is no secret.
    ApiVersion {
        /// Where it travels.
        location: Location,
        /// The header's, parameter's or cookie's name.
        name: &'static str,
    },
    /// `Authorization: Bearer <token>`: HTTP bearer, and OAuth 2 with a token the user
    /// obtained elsewhere.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
}

/// A named security scheme of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The spec's name of the scheme (`clientId`).
    pub name: &'static str,
    /// How its credential travels.
    pub kind: SchemeKind,
}

/// What a requirement is: alternatives, each a set of scheme names that must all be present
/// (OpenAPI's `security`). No alternative at all means no credentials are needed.
pub type Requirement = &'static [&'static [&'static str]];

/// The value of an `Authorization: Basic` header for `user` and `password`.
pub fn basic_credentials(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

/// Standard base64 with padding (RFC 4648), all Basic authentication needs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The bytes of standard base64 text, `None` when it is not (a server reading Basic
/// credentials).
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        assert_eq!(
            base64(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
        for text in ["", "a", "ab", "abc", "user:päss"] {
            assert_eq!(
                base64_decode(&base64(text.as_bytes())).unwrap(),
                text.as_bytes()
            );
        }
    }
}
