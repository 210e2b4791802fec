//! The string formats a spec can name, and their checks.
//!
//! [`Format`] is the one list: the generator parses a spec's `format` into it, checks the
//! spec's examples with [`Format::matches`], and the generated validators run the same check.
//! Dates and date-times are checked by the `time` crate, IP addresses by `std::net`; the rest
//! are a few lines each. No check allocates.

/// A string format a spec can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `date`: see [`is_date`].
    Date,
    /// `date-time`: see [`is_date_time`].
    DateTime,
    /// `email`: see [`is_email`].
    Email,
    /// `e164`: see [`is_e164`].
    E164,
    /// `ip`: see [`is_ip`].
    Ip,
    /// `ipv4`: see [`is_ipv4`].
    Ipv4,
    /// `ipv6`: see [`is_ipv6`].
    Ipv6,
    /// `country_code`: see [`is_country_code`].
    CountryCode,
    /// `us_bank_account_number`: see [`is_us_bank_account_number`].
    UsBankAccountNumber,
    /// `url`: see [`is_url`].
    Url,
}

impl Format {
    /// Every format with the name a spec gives it.
    pub const ALL: [(&'static str, Format); 10] = [
        ("date", Format::Date),
        ("date-time", Format::DateTime),
        ("email", Format::Email),
        ("e164", Format::E164),
        ("ip", Format::Ip),
        ("ipv4", Format::Ipv4),
        ("ipv6", Format::Ipv6),
        ("country_code", Format::CountryCode),
        ("us_bank_account_number", Format::UsBankAccountNumber),
        ("url", Format::Url),
    ];

    /// The format a spec names `name`, if there is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    /// The name a spec gives the format (`date-time`).
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("", |(n, _)| n)
    }

    /// Whether `value` is written in this format.
    pub fn matches(self, value: &str) -> bool {
        match self {
            Format::Date => is_date(value),
            Format::DateTime => is_date_time(value),
            Format::Email => is_email(value),
            Format::E164 => is_e164(value),
            Format::Ip => is_ip(value),
            Format::Ipv4 => is_ipv4(value),
            Format::Ipv6 => is_ipv6(value),
            Format::CountryCode => is_country_code(value),
            Format::UsBankAccountNumber => is_us_bank_account_number(value),
            Format::Url => is_url(value),
        }
    }

    /// The rule code of a violation (`format.date_time`).
    pub fn rule(self) -> &'static str {
        match self {
            Format::Date => "format.date",
            Format::DateTime => "format.date_time",
            Format::Email => "format.email",
            Format::E164 => "format.e164",
            Format::Ip => "format.ip",
            Format::Ipv4 => "format.ipv4",
            Format::Ipv6 => "format.ipv6",
            Format::CountryCode => "format.country_code",
            Format::UsBankAccountNumber => "format.us_bank_account_number",
            Format::Url => "format.url",
        }
    }

    /// What a value in this format is, as a noun phrase for documentation and messages ("must
    /// be ...").
    pub fn description(self) -> &'static str {
        match self {
            Format::Date => "a real calendar date written YYYY-MM-DD",
            Format::DateTime => "an RFC 3339 date-time such as 2024-01-31T12:00:00Z",
            Format::Email => "an RFC 5321 email address such as user@example.com",
            Format::E164 => "an E.164 phone number such as +14155550123",
            Format::Ip => "an IPv4 or IPv6 address",
            Format::Ipv4 => "an IPv4 address",
            Format::Ipv6 => "an IPv6 address",
            Format::CountryCode => {
                "an assigned ISO 3166-1 alpha-2 country code in capitals, such as US"
            }
            Format::UsBankAccountNumber => "a US bank account number of 4 to 17 digits",
            Format::Url => "an http or https URL",
        }
    }
}

/// A real calendar date written `YYYY-MM-DD` (RFC 3339 `full-date`).
pub fn is_date(s: &str) -> bool {
    const FULL_DATE: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, FULL_DATE).is_ok()
}

/// An RFC 3339 `date-time`: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`.
pub fn is_date_time(s: &str) -> bool {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok()
}

/// A mailbox as RFC 5321 (section 4.1.2) writes it: `local-part@domain`, with
///
/// - a local part that is a dot-string (`first.last+tag`) or a quoted string
///   (`"john doe"`, `"a@b"`, with `\` escaping any printable character), at most 64 octets;
/// - a domain of letter-digit-hyphen labels of at most 63 octets, or an address literal
///   (`[192.0.2.1]`, `[IPv6:2001:db8::1]`, `[tag:content]`);
/// - at most 254 octets in all (a 256-octet path less its angle brackets).
///
/// A named domain must also hold a dot: RFC 3696 (section 2), which the API's description
/// cites, recommends that "at least one period" test, and RFC 5321 (section 2.3.5) allows
/// only fully-qualified names. Nothing else is refused that RFC 5321 allows; no surrounding
/// or unquoted whitespace and no non-ASCII character is allowed by it.
///
/// Written out rather than taken from the `email_address` crate: its `is_valid` allocates
/// (validating a valid request must not), and its grammar is RFC 5322's with extensions, both
/// looser (display names, tabs, UTF-8, any `atext` in a domain label) and stricter (no
/// escaped space in a quoted string) than RFC 5321's.
pub fn is_email(s: &str) -> bool {
    if s.len() > 254 {
        return false;
    }
    // An address literal may itself hold an `@` but never a `[`; a named domain holds neither.
    let split = if s.ends_with(']') {
        s.rfind('[')
            .and_then(|i| i.checked_sub(1))
            .filter(|&at| s.as_bytes()[at] == b'@')
    } else {
        s.rfind('@')
    };
    let Some(at) = split else {
        return false;
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    is_local_part(local) && (is_domain_name(domain) || is_address_literal(domain))
}

/// RFC 5321 `atext`: the characters of an unquoted local part besides the dots.
fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b)
}

/// RFC 5321 `Local-part`: `Dot-string / Quoted-string`, at most 64 octets (section 4.5.3.1.1).
fn is_local_part(local: &str) -> bool {
    if local.is_empty() || local.len() > 64 {
        return false;
    }
    match local
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        Some(quoted) => is_quoted_content(quoted.as_bytes()),
        None => local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.bytes().all(is_atext)),
    }
}

/// The inside of an RFC 5321 `Quoted-string`: `qtextSMTP` (printable ASCII and space, less
/// `"` and `\`) and `quoted-pairSMTP` (`\` then printable ASCII or space).
fn is_quoted_content(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => match bytes.get(i + 1) {
                Some(32..=126) => i += 2,
                _ => return false,
            },
            b'"' => return false,
            32..=126 => i += 1,
            _ => return false,
        }
    }
    true
}

/// RFC 5321 `Domain`: dot-separated `sub-domain`s of letters, digits and inner hyphens, each at
/// most 63 octets (RFC 1035), with at least one dot (see [`is_email`]).
fn is_domain_name(domain: &str) -> bool {
    domain.contains('.')
        && domain.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// RFC 5321 `address-literal` (section 4.1.3): `[` an IPv4 address, `IPv6:` and an IPv6
/// address, or a standardized tag, `:` and printable ASCII other than `[`, `\`, `]` `]`.
fn is_address_literal(domain: &str) -> bool {
    let Some(inner) = domain
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    else {
        return false;
    };
    match inner.split_once(':') {
        None => {
            let mut parts = 0;
            let all_snum = inner.split('.').all(|snum| {
                parts += 1;
                (1..=3).contains(&snum.len())
                    && snum.bytes().all(|b| b.is_ascii_digit())
                    && snum.parse::<u8>().is_ok()
            });
            all_snum && parts == 4
        }
        Some((tag, address)) if tag.eq_ignore_ascii_case("IPv6") => {
            address.parse::<std::net::Ipv6Addr>().is_ok()
        }
        Some((tag, content)) => {
            !tag.is_empty()
                && !tag.ends_with('-')
                && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !content.is_empty()
                && content.bytes().all(|b| matches!(b, 33..=90 | 94..=126))
        }
    }
}

/// An E.164 phone number: `+`, a country code that does not start with 0, at most 15 digits.
pub fn is_e164(s: &str) -> bool {
    let Some(number) = s.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&number.len())
        && !number.starts_with('0')
        && number.bytes().all(|c| c.is_ascii_digit())
}

/// An IPv4 address in dotted decimal (`192.0.2.1`).
pub fn is_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
}

/// An IPv6 address (`2001:db8::1`).
pub fn is_ipv6(s: &str) -> bool {
    s.parse::<std::net::Ipv6Addr>().is_ok()
}

/// An IPv4 or IPv6 address.
pub fn is_ip(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

/// An officially assigned ISO 3166-1 alpha-2 code, in capitals.
pub fn is_country_code(s: &str) -> bool {
    COUNTRY_CODES.binary_search(&s).is_ok()
}

/// A US bank account number: 4 to 17 digits.
pub fn is_us_bank_account_number(s: &str) -> bool {
    (4..=17).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit())
}

/// An absolute `http` or `https` URL with a host and no whitespace.
pub fn is_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty() && !r.starts_with('/') && !r.chars().any(char::is_whitespace)
    })
}

/// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted for binary search.
const COUNTRY_CODES: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_one_name_and_a_rule_named_after_it() {
        for (name, format) in Format::ALL {
            assert_eq!(Format::parse(name), Some(format));
            assert_eq!(format.name(), name);
            assert_eq!(format.rule(), format!("format.{}", name.replace('-', "_")));
            assert!(!format.description().is_empty());
        }
        assert_eq!(Format::parse("uuid"), None);
    }

    #[test]
    fn dates() {
        assert!(Format::Date.matches("2024-02-29"));
        assert!(!Format::Date.matches("2023-02-29"), "not a leap year");
        assert!(!Format::Date.matches("2024-1-31"));
        assert!(!Format::Date.matches("2024-01-31T00:00:00Z"));
        assert!(Format::DateTime.matches("2024-01-31T12:00:00Z"));
        assert!(Format::DateTime.matches("2024-01-31T12:00:00.123+05:30"));
        assert!(!Format::DateTime.matches("2024-01-31 12:00:00"));
        assert!(!Format::DateTime.matches("2024-01-31"));
    }

    #[test]
    fn emails() {
        for good in [
            "carmy@example.com",
            "first.last+tag@mail.example.co.uk",
            "user+filter@sub.domain.example.com",
            "!#$%&'*+-/=?^_`{|}~@example.com",
            "\"john doe\"@example.com",
            "\"a@b\"@example.com",
            "\"quote\\\"and\\\\backslash\"@example.com",
            "\"escaped\\ space\"@example.com",
            "\"\"@example.com",
            "carmy@[192.0.2.1]",
            "carmy@[IPv6:2001:db8::1]",
            "carmy@[x-tag:any@content]",
            "carmy@123.example",
        ] {
            assert!(Format::Email.matches(good), "{good}");
        }
        for bad in [
            "",
            "carmy",
            "carmy.example.com",
            "@example.com",
            "carmy@",
            "carmy@localhost",
            " carmy@example.com",
            "carmy@example.com ",
            "car my@example.com",
            ".carmy@example.com",
            "carmy.@example.com",
            "car..my@example.com",
            "carmy@-example.com",
            "carmy@example-.com",
            "carmy@example..com",
            "carmy@.example.com",
            "carmy@exa_mple.com",
            "carmy@example.com.",
            "carmy@@example.com",
            "a@b@example.com",
            "caf\u{e9}@example.com",
            "carmy@ex\u{e4}mple.com",
            "\"unclosed@example.com",
            "\"a\"b\"@example.com",
            "\"ends with escape\\\"@example.com",
            "\"tab\tinside\"@example.com",
            "\"a\"\"b\"@example.com",
            "carmy@[192.0.2.256]",
            "carmy@[192.0.2]",
            "carmy@[IPv6:192.0.2.1]",
            "carmy@[:content]",
            "carmy@[tag:]",
            "carmy@[tag:a\\b]",
            "carmy@192.0.2.1]",
            "carmy[192.0.2.1]",
        ] {
            assert!(!Format::Email.matches(bad), "{bad}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(!Format::Email.matches(&long_local));
        let local_64 = format!("{}@example.com", "a".repeat(64));
        assert!(Format::Email.matches(&local_64));
        let long_label = format!("carmy@{}.com", "a".repeat(64));
        assert!(!Format::Email.matches(&long_label));
        // 254 octets in all is the most a path of 256 with its angle brackets leaves.
        let domain = format!(
            "{}.{}.{}.{}",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(50)
        );
        let at_limit = format!("{}@{domain}", "e".repeat(254 - 1 - domain.len()));
        assert_eq!(at_limit.len(), 254);
        assert!(Format::Email.matches(&at_limit));
        assert!(!Format::Email.matches(&format!("e{at_limit}")));
    }

    #[test]
    fn phone_numbers() {
        assert!(Format::E164.matches("+14157452130"));
        assert!(Format::E164.matches("+14155550123"));
        assert!(Format::E164.matches("+442071838750"));
        assert!(
            Format::E164.matches(&format!("+1{}", "2".repeat(14))),
            "15 digits"
        );
        for bad in [
            "19876543212",
            "14155550123",
            "+1 987 654 3212",
            "+1-987-654-3212",
            "+1 (987) 654-3212",
            "+0123456789",
            "+04155550123",
            "+",
            "+1",
            "++14155550123",
            "+14155550123 ",
            "+1415555012345678",
        ] {
            assert!(!Format::E164.matches(bad), "{bad}");
        }
        assert!(
            !Format::E164.matches(&format!("+1{}", "2".repeat(15))),
            "16 digits"
        );
    }

    #[test]
    fn ip_addresses() {
        assert!(Format::Ip.matches("192.0.2.1") && Format::Ip.matches("2001:db8::1"));
        assert!(Format::Ipv4.matches("192.0.2.1") && !Format::Ipv4.matches("2001:db8::1"));
        assert!(Format::Ipv6.matches("2001:db8::1") && !Format::Ipv6.matches("192.0.2.1"));
        assert!(!Format::Ip.matches("256.0.0.1"));
    }

    #[test]
    fn country_codes() {
        assert!(
            COUNTRY_CODES.is_sorted(),
            "binary search needs a sorted list"
        );
        assert!(Format::CountryCode.matches("US") && Format::CountryCode.matches("GB"));
        assert!(!Format::CountryCode.matches("us"));
        assert!(!Format::CountryCode.matches("UK"), "not assigned");
        assert!(!Format::CountryCode.matches("USA"));
    }

    #[test]
    fn account_numbers_and_urls() {
        assert!(Format::UsBankAccountNumber.matches("1111222233330000"));
        assert!(!Format::UsBankAccountNumber.matches("123"));
        assert!(!Format::UsBankAccountNumber.matches("123456789012345678"));
        assert!(!Format::UsBankAccountNumber.matches("1234-5678"));
        assert!(Format::Url.matches("https://example.com/path?q=1"));
        assert!(Format::Url.matches("http://127.0.0.1:8080"));
        assert!(!Format::Url.matches("ftp://example.com"));
        assert!(!Format::Url.matches("https://"));
        assert!(!Format::Url.matches("https:///path"));
        assert!(!Format::Url.matches("https://exa mple.com"));
    }
}
