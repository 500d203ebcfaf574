//! Parser placeholder: filled in by the ingest work.

use super::ParseOutput;

pub fn parse(text: &str) -> ParseOutput {
    let _ = text;
    ParseOutput::default()
}
