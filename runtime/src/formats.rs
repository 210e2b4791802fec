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
            Format::Email => "an RFC 3696 email address without surrounding spaces",
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
        assert!(Format::Email.matches("carmy@example.com"));
        assert!(Format::Email.matches("first.last+tag@mail.example.co.uk"));
        for bad in [
            "carmy",
            "@example.com",
            "carmy@",
            "carmy@localhost",
            " carmy@example.com",
            "car my@example.com",
            ".carmy@example.com",
            "car..my@example.com",
            "carmy@-example.com",
            "carmy@example..com",
        ] {
            assert!(!Format::Email.matches(bad), "{bad}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(!Format::Email.matches(&long_local));
    }

    #[test]
    fn phone_numbers() {
        assert!(Format::E164.matches("+14155550123"));
        assert!(!Format::E164.matches("14155550123"));
        assert!(!Format::E164.matches("+04155550123"));
        assert!(!Format::E164.matches("+1415555012345678"));
        assert!(!Format::E164.matches("+1 415 555 0123"));
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
