//! The answers of the operations the sandbox keeps no state for: the generated crate's
//! conforming answer (the spec's documented example, or the smallest value the schema admits)
//! with this request's id and ids of the sandbox's own, and small but real documents.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use plaid_api::Binary;
use plaid_api::server_support::{RequestContext, ServerError};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ids::Ids;

/// The answers of the stateless operations, each parsed and renamed once: the renaming is a
/// pure function of the run's key, so a request only copies its operation's answer and puts its
/// own id in. There is one entry per operation the generated crate has, so the cache is bounded
/// by the API, not by the requests; it is keyed by the operation alone because the generated
/// crate hands each operation one answer, a constant of `plaid_api::server::answers`.
#[derive(Default)]
pub struct Answers {
    renamed: RwLock<HashMap<&'static str, Arc<Value>>>,
}

impl Answers {
    /// `answer` with the request's id and renamed ids, as JSON to be made an Item's own.
    pub fn value(
        &self,
        ids: &Ids,
        operation: &'static str,
        answer: &'static str,
        context: &RequestContext,
    ) -> Result<Value, ServerError> {
        let mut value = Value::clone(&*self.renamed(ids, operation, answer)?);
        if let Some(fields) = value.as_object_mut()
            && let Some(request_id) = fields.get_mut("request_id")
        {
            *request_id = context.request_id.clone().into();
        }
        Ok(value)
    }

    /// `answer`, as the operation's response type, with the request's id and renamed ids.
    pub fn json<T: DeserializeOwned>(
        &self,
        ids: &Ids,
        operation: &'static str,
        answer: &'static str,
        context: &RequestContext,
    ) -> Result<T, ServerError> {
        decode(operation, self.value(ids, operation, answer, context)?)
    }

    fn renamed(
        &self,
        ids: &Ids,
        operation: &'static str,
        answer: &'static str,
    ) -> Result<Arc<Value>, ServerError> {
        // The entries are only ever inserted whole, so a lock poisoned by a panic while it was
        // held still guards a consistent map.
        let cached = self
            .renamed
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(operation)
            .cloned();
        if let Some(value) = cached {
            return Ok(value);
        }
        let mut value: Value =
            serde_json::from_str(answer).map_err(|_| broken_answer(operation))?;
        rename_ids(ids, &mut value);
        let value = Arc::new(value);
        self.renamed
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(operation, Arc::clone(&value));
        Ok(value)
    }
}

/// An answer as the operation's response type.
pub fn decode<T: DeserializeOwned>(operation: &str, value: Value) -> Result<T, ServerError> {
    serde_json::from_value(value).map_err(|_| broken_answer(operation))
}

/// The generator checks every answer against its type, so this would be a generator bug; it
/// is still answered in the API's error shape, as an operation the sandbox cannot serve.
fn broken_answer(operation: &str) -> ServerError {
    ServerError::new(
        501,
        "API_ERROR",
        "SANDBOX_ANSWER_UNAVAILABLE",
        format!("the sandbox has no answer for `{operation}` that decodes as its response type"),
    )
}

/// Every string under a key that names an id (`item_id`, `account_ids`, but not the request
/// id, which is the request's own) is replaced by the sandbox's id for it.
fn rename_ids(ids: &Ids, value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                let names_ids = key != "request_id"
                    && (key == "id" || key.ends_with("_id") || key.ends_with("_ids"));
                match field {
                    Value::String(id) if names_ids => *id = ids.renamed(id),
                    Value::Array(items) if names_ids => {
                        for item in items {
                            match item {
                                Value::String(id) => *id = ids.renamed(id),
                                other => rename_ids(ids, other),
                            }
                        }
                    }
                    other => rename_ids(ids, other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_ids(ids, item)),
        _ => {}
    }
}

/// A document of `media_type`: a one-page PDF or a ZIP archive holding a note, each valid for
/// any reader of its format.
pub fn document(operation: &str, media_type: &str) -> Result<Binary, ServerError> {
    let bytes = match media_type {
        "application/pdf" => pdf(operation),
        "application/zip" => zip(operation),
        _ => {
            return Err(ServerError::new(
                501,
                "API_ERROR",
                "SANDBOX_DOCUMENT_UNAVAILABLE",
                format!("the sandbox makes no `{media_type}` documents"),
            ));
        }
    };
    Ok(Binary::from(bytes))
}

const NOTE: &str = "Plaid sandbox document";

/// A one-page PDF 1.4 with one line of text; the cross-reference table holds each object's
/// byte offset, as readers require.
fn pdf(operation: &str) -> Vec<u8> {
    // The operation id is letters, digits and `_`, none of which a PDF string escapes.
    let text = format!("BT /F1 18 Tf 72 720 Td ({NOTE}: {operation}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (number, object) in (1..).zip(&objects) {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{number} 0 obj\n{object}\nendobj\n").as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A ZIP archive with one stored (uncompressed) file, `README.txt`.
fn zip(operation: &str) -> Vec<u8> {
    let name = b"README.txt";
    let content = format!("{NOTE}: {operation}\n").into_bytes();
    let crc = crc32fast::hash(&content);
    let size = u32::try_from(content.len()).unwrap_or(u32::MAX);
    let name_len = name.len() as u16;
    // Version 2.0, no flags, stored, a fixed DOS time (1980-01-01 00:00), so the bytes are
    // the same on every run.
    let common = |out: &mut Vec<u8>| {
        for half in [20u16, 0, 0, 0, 0x21] {
            out.extend_from_slice(&half.to_le_bytes());
        }
        for word in [crc, size, size] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra field length
    };
    let mut zip = Vec::new();
    zip.extend_from_slice(b"PK\x03\x04");
    common(&mut zip);
    zip.extend_from_slice(name);
    zip.extend_from_slice(&content);
    let central = zip.len();
    zip.extend_from_slice(b"PK\x01\x02");
    zip.extend_from_slice(&20u16.to_le_bytes()); // made by
    common(&mut zip);
    for half in [0u16, 0, 0] {
        // comment length, disk number, internal attributes
        zip.extend_from_slice(&half.to_le_bytes());
    }
    zip.extend_from_slice(&0u32.to_le_bytes()); // external attributes
    zip.extend_from_slice(&0u32.to_le_bytes()); // offset of the local header
    zip.extend_from_slice(name);
    let central_size = zip.len() - central;
    zip.extend_from_slice(b"PK\x05\x06");
    for half in [0u16, 0, 1, 1] {
        zip.extend_from_slice(&half.to_le_bytes());
    }
    zip.extend_from_slice(&(central_size as u32).to_le_bytes());
    zip.extend_from_slice(&(central as u32).to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes()); // comment length
    zip
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdf_cross_references_point_at_its_objects() {
        let pdf = pdf("asset_report_pdf_get");
        let text = String::from_utf8(pdf.clone()).expect("ASCII");
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|tail| tail.lines().next())
            .and_then(|n| n.parse().ok())
            .expect("startxref");
        assert!(text[start..].starts_with("xref\n0 6\n"));
        for (number, line) in text[start..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().expect("offset");
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", number + 1)),
                "object {}",
                number + 1
            );
        }
    }

    #[test]
    fn the_zip_holds_its_note_with_a_matching_checksum() {
        let zip = zip("cra_check_report_pdf_get");
        assert!(zip.starts_with(b"PK\x03\x04"));
        let end = zip.len() - 22;
        assert_eq!(&zip[end..end + 4], b"PK\x05\x06");
        let central = u32::from_le_bytes(zip[end + 16..end + 20].try_into().unwrap()) as usize;
        assert_eq!(&zip[central..central + 4], b"PK\x01\x02");
        let content = &zip[30 + 10..central];
        assert_eq!(
            content,
            b"Plaid sandbox document: cra_check_report_pdf_get\n"
        );
        let crc = u32::from_le_bytes(zip[14..18].try_into().unwrap());
        assert_eq!(crc, crc32fast::hash(content));
    }
}
