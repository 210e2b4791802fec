//! Format checks for string values. The generator compiles this file to check the spec's
//! examples, and the generated crate carries the same file for its validators, so both sides
//! agree on what a valid value is. Dates and date-times are checked by the `time` crate, IP
//! addresses by `std::net`; the rest are a few lines each.

/// A real calendar date written `YYYY-MM-DD` (RFC 3339 `full-date`).
pub fn is_date(s: &str) -> bool {
    const FULL_DATE: &[::time::format_description::BorrowedFormatItem<'_>] =
        ::time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && ::time::Date::parse(s, FULL_DATE).is_ok()
}

/// An RFC 3339 `date-time`: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`.
pub fn is_date_time(s: &str) -> bool {
    ::time::OffsetDateTime::parse(s, &::time::format_description::well_known::Rfc3339).is_ok()
}

/// An email address as RFC 3696 describes it: `local@domain`, local part at most 64
/// characters, whole address at most 254, no surrounding or inner whitespace, and a domain of
/// dot-separated labels of letters, digits and hyphens. Written out rather than taken from the
/// `email_address` crate, which allocates on every call: validating a valid request must not.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let domain_ok = domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    s.len() <= 254 && local_ok && domain_ok
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

pub fn is_ipv4(s: &str) -> bool {
    s.parse::<::std::net::Ipv4Addr>().is_ok()
}

pub fn is_ipv6(s: &str) -> bool {
    s.parse::<::std::net::Ipv6Addr>().is_ok()
}

pub fn is_ip(s: &str) -> bool {
    s.parse::<::std::net::IpAddr>().is_ok()
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
