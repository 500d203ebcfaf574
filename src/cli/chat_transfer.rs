//! `/course export [notes:]` and `/course import file: [replace:] [start:] [channel:]` in
//! `chat`, the twins of the Discord commands: the export's file is shown as an attachment,
//! and the file to import is read from the path typed, as `/import file:` reads one.

use super::chat_values::discord_id;
use crate::course::transfer::ImportOptions;
use crate::dispatch::{CourseRequest, Request};

/// The options of these commands, in order.
pub(super) fn chat_options(command: &str) -> Option<&'static [&'static str]> {
    Some(match command {
        "course export" => &["notes"],
        "course import" => &["file", "replace", "start", "channel"],
        _ => return None,
    })
}

/// The request typed; `None` when `command` is not one of these.
pub(super) fn chat_request(
    command: &str,
    get: &dyn Fn(&str) -> Option<String>,
) -> Option<Result<Request, String>> {
    let yes = |name: &str| get(name).is_some_and(|v| matches!(v.as_str(), "true" | "yes" | "1"));
    Some(match command {
        "course export" => Ok(Request::Course(CourseRequest::Export {
            notes: yes("notes"),
        })),
        "course import" => (|| {
            let path = get("file").ok_or("Give a course file: `/course import file:term.json`.")?;
            let bytes = std::fs::read(&path).map_err(|e| format!("Cannot read {path}: {e}"))?;
            let channel = get("channel")
                .map(|c| discord_id("channel", &c))
                .transpose()?;
            Ok(Request::Course(CourseRequest::Import {
                name: path,
                bytes,
                options: ImportOptions {
                    replace: yes("replace"),
                    channel,
                    start: get("start"),
                },
            }))
        })(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::chat_parse::{parse_line, ChatLine};
    use super::*;

    #[test]
    fn course_export_and_import_are_typed_as_in_discord() {
        assert_eq!(
            parse_line("/course export notes:true"),
            ChatLine::Request(Request::Course(CourseRequest::Export { notes: true }))
        );
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), b"{}").unwrap();
        let path = file.path().to_str().unwrap();
        assert_eq!(
            parse_line(&format!(
                "/course import file:{path} replace:true start:2027-03-01 channel:<#9>"
            )),
            ChatLine::Request(Request::Course(CourseRequest::Import {
                name: path.to_string(),
                bytes: b"{}".to_vec(),
                options: ImportOptions {
                    replace: true,
                    channel: Some(9),
                    start: Some("2027-03-01".into()),
                },
            }))
        );
        assert!(
            matches!(parse_line("/course import"), ChatLine::Invalid(m) if m.contains("file:"))
        );
    }
}
