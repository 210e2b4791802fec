//! The generator's view of string formats: the same checks the generated crate runs.

use crate::ir::Format;

#[path = "../templates/formats.rs"]
mod shared;

/// The template file, carried verbatim into the generated crate.
pub const SOURCE: &str = include_str!("../templates/formats.rs");

pub fn matches(format: Format, s: &str) -> bool {
    match format {
        Format::Date => shared::is_date(s),
        Format::DateTime => shared::is_date_time(s),
        Format::Email => shared::is_email(s),
        Format::E164 => shared::is_e164(s),
        Format::Ip => shared::is_ip(s),
        Format::Ipv4 => shared::is_ipv4(s),
        Format::Ipv6 => shared::is_ipv6(s),
        Format::CountryCode => shared::is_country_code(s),
        Format::UsBankAccountNumber => shared::is_us_bank_account_number(s),
        Format::Url => shared::is_url(s),
    }
}
